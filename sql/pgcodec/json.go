package pgcodec

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// jsonbBinaryVersion is the only version byte jsonb_recv accepts; the
// binary json format is the text itself.
const jsonbBinaryVersion = 1

func decodeJSONBinary(src []byte, t storage.Type) (storage.Value, error) {
	if t == storage.TypeJSONB {
		if len(src) == 0 || src[0] != jsonbBinaryVersion {
			return storage.Value{}, pgerr.New(pgerr.InvalidBinaryRepresentation, "unsupported jsonb version number %d", firstByte(src))
		}
		src = src[1:]
	}
	if err := verifyUTF8(src); err != nil {
		return storage.Value{}, err
	}
	return sem.ParseText(nil, string(src), t)
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	return int(b[0])
}
