//go:build race

package txn

// gcRace scales TestGCBoundedLogUnderUpdates down under the race detector,
// which runs transactions some 20x slower.
const gcRace = true
