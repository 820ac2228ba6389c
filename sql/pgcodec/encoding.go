package pgcodec

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// verifyUTF8 is pg_verify_mbstr for a UTF8 database: Postgres checks every
// string a client sends, in either format, and NUL is never valid because
// its text types are C strings inside.
func verifyUTF8(b []byte) error {
	if utf8.Valid(b) && bytes.IndexByte(b, 0) < 0 {
		return nil
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == 0 || (r == utf8.RuneError && n == 1) {
			return invalidEncoding(b[i:])
		}
		i += n
	}
	return nil
}

// invalidEncoding is report_invalid_encoding: it shows the bytes of the
// character that starts at the bad byte, as long as its lead byte says it
// is (pg_utf_mblen), at most what is left.
func invalidEncoding(b []byte) error {
	n := 1
	switch c := b[0]; {
	case c&0xe0 == 0xc0:
		n = 2
	case c&0xf0 == 0xe0:
		n = 3
	case c&0xf8 == 0xf0:
		n = 4
	}
	n = min(n, len(b))
	hex := make([]string, n)
	for i := range hex {
		hex[i] = fmt.Sprintf("0x%02x", b[i])
	}
	return pgerr.New(pgerr.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": %s`, strings.Join(hex, " "))
}
