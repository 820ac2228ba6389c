package storage

import "unsafe"

// unsafeString views b as a string without copying, for btree probes that
// do not keep the string. Never store the result, unless b is never
// written again (keyBlock).
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
