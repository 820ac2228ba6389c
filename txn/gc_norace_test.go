//go:build !race

package txn

const gcRace = false
