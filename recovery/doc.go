// Package recovery will restore a prefix-consistent snapshot from the
// newest valid checkpoint at start-up, verify it and fall back past
// damage. It is not written yet; it depends on the checkpoint file format
// of package cpr.
package recovery
