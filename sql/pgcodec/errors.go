package pgcodec

import "github.com/persiandb/persiandb/sql/pgerr"

// ErrBinaryFormat is the error for a binary value of the wrong length.
// Postgres words it "incorrect binary data format in bind parameter N" for
// Bind and "incorrect binary data format" for COPY; callers that know the
// parameter number may reword it, keeping the code 22P03.
var ErrBinaryFormat = pgerr.New(pgerr.InvalidBinaryRepresentation, "incorrect binary data format")

// The errors of numeric_recv, worded as Postgres words them.
var (
	errNumericSign  = pgerr.New(pgerr.InvalidBinaryRepresentation, `invalid sign in external "numeric" value`)
	errNumericScale = pgerr.New(pgerr.InvalidBinaryRepresentation, `invalid scale in external "numeric" value`)
	errNumericDigit = pgerr.New(pgerr.InvalidBinaryRepresentation, `invalid digit in external "numeric" value`)
)

// The range errors of date_recv and timestamp_recv.
var (
	errDateRange      = pgerr.New(pgerr.DatetimeFieldOverflow, "date out of range")
	errTimestampRange = pgerr.New(pgerr.DatetimeFieldOverflow, "timestamp out of range")
)
