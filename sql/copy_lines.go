package sql

import (
	"bytes"
	"unicode/utf8"

	"github.com/persiandb/persiandb/sql/pgcodec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// lineStatus is what lineScanner.next found.
type lineStatus uint8

const (
	lineFound     lineStatus = iota // a whole line
	lineNeedMore                    // the line goes on past the input so far
	lineEndMarker                   // \. : the line is what preceded it, maybe empty
	lineEOF                         // final input, nothing left
)

// eolType is the line ending the first line used; Postgres holds the
// rest of the input to it.
type eolType uint8

const (
	eolUnknown eolType = iota
	eolNL
	eolCR
	eolCRNL
)

// lineScanner splits COPY text or CSV input into lines as Postgres's
// CopyReadLineText does: a backslash (text) quotes the next byte, a
// quoted CSV field may hold line ends, and \. ends the data. It keeps
// its place within an unfinished line, so each byte is scanned once
// however the input is cut.
type lineScanner struct {
	csv           bool
	quote, escape byte
	eol           eolType
	// lineNo is the number of the line being read, counting the line
	// ends inside quoted CSV fields, as error contexts do.
	lineNo int
	// The state of the unfinished line: started, the offset scanned up
	// to, and CSV's quote state there.
	started          bool
	pos              int
	inQuote, lastEsc bool
}

// next finds the line at the start of b. next is the offset after the
// line and its terminator. final says b is all the input left.
func (l *lineScanner) next(b []byte, final bool) (line []byte, next int, st lineStatus, err error) {
	if !l.started {
		if len(b) == 0 {
			if final {
				return nil, 0, lineEOF, nil
			}
			return nil, 0, lineNeedMore, nil
		}
		l.started, l.pos, l.inQuote, l.lastEsc = true, 0, false, false
		l.lineNo++
	}
	at := func(i int) byte {
		if i < len(b) {
			return b[i]
		}
		return 0
	}
	for i := l.pos; i < len(b); i++ {
		c := b[i]
		if l.csv {
			// Each byte updates the quote state once: the early returns
			// below come back to a byte that leaves it unchanged.
			// With the escape the quote itself, the quote just toggles.
			if l.inQuote && c == l.escape && l.escape != l.quote {
				l.lastEsc = !l.lastEsc
			}
			if c == l.quote && !l.lastEsc {
				l.inQuote = !l.inQuote
			}
			if c != l.escape {
				l.lastEsc = false
			}
			if l.inQuote && (c == '\n' && l.eol == eolNL || c == '\r' && l.eol != eolNL) {
				l.lineNo++
			}
			if l.inQuote {
				continue
			}
		}
		switch c {
		case '\r':
			if l.eol == eolNL {
				return nil, 0, 0, l.badCR()
			}
			if l.eol == eolCR {
				return l.end(b[:i], i+1, lineFound)
			}
			if i+1 >= len(b) && !final {
				l.pos = i
				return nil, 0, lineNeedMore, nil
			}
			if at(i+1) == '\n' {
				l.eol = eolCRNL
				return l.end(b[:i], i+2, lineFound)
			}
			if l.eol == eolCRNL {
				return nil, 0, 0, l.badCR()
			}
			l.eol = eolCR
			return l.end(b[:i], i+1, lineFound)
		case '\n':
			if l.eol == eolCR || l.eol == eolCRNL {
				if l.csv {
					return nil, 0, 0, pgerr.New(pgerr.BadCopyFileFormat, "unquoted newline found in data").WithHint("Use quoted CSV field to represent newline.")
				}
				return nil, 0, 0, pgerr.New(pgerr.BadCopyFileFormat, "literal newline found in data").WithHint(`Use "\n" to represent newline.`)
			}
			l.eol = eolNL
			return l.end(b[:i], i+1, lineFound)
		case '\\':
			if l.csv && i > 0 {
				continue
			}
			if i+1 >= len(b) {
				if !final {
					l.pos = i
					return nil, 0, lineNeedMore, nil
				}
				continue
			}
			if b[i+1] != '.' {
				if !l.csv {
					i++ // the escaped byte, whatever it is
				}
				continue
			}
			// Postgres 15 takes \. anywhere in a text line (only alone
			// on a CSV line) as the end of the data.
			j := i + 2
			need := 1
			if l.eol == eolCRNL {
				need = 2
			}
			if j+need > len(b) && !final {
				l.pos = i
				return nil, 0, lineNeedMore, nil
			}
			if l.eol == eolCRNL {
				c2 := at(j)
				j++
				if c2 == '\n' && !l.csv {
					return nil, 0, 0, markerStyle()
				}
				if c2 != '\r' {
					if l.csv {
						continue
					}
					return nil, 0, 0, pgerr.New(pgerr.BadCopyFileFormat, "end-of-copy marker corrupt")
				}
			}
			c2 := at(j)
			j++
			if c2 != '\r' && c2 != '\n' {
				if l.csv {
					continue
				}
				return nil, 0, 0, pgerr.New(pgerr.BadCopyFileFormat, "end-of-copy marker corrupt")
			}
			if l.eol == eolNL && c2 != '\n' || l.eol == eolCRNL && c2 != '\n' || l.eol == eolCR && c2 != '\r' {
				return nil, 0, 0, markerStyle()
			}
			return l.end(b[:i], min(j, len(b)), lineEndMarker)
		}
	}
	if !final {
		l.pos = len(b)
		return nil, 0, lineNeedMore, nil
	}
	return l.end(b, len(b), lineFound)
}

func (l *lineScanner) end(line []byte, next int, st lineStatus) ([]byte, int, lineStatus, error) {
	l.started = false
	return line, next, st, nil
}

func (l *lineScanner) badCR() error {
	if l.csv {
		return pgerr.New(pgerr.BadCopyFileFormat, "unquoted carriage return found in data").WithHint("Use quoted CSV field to represent carriage return.")
	}
	return pgerr.New(pgerr.BadCopyFileFormat, "literal carriage return found in data").WithHint(`Use "\r" to represent carriage return.`)
}

func markerStyle() error {
	return pgerr.New(pgerr.BadCopyFileFormat, "end-of-copy marker does not match previous newline style")
}

// verifyLine checks a raw line is UTF-8 without NULs, as Postgres checks
// client data before splitting it; pgcodec words the error.
func verifyLine(line []byte) error {
	if utf8.Valid(line) && bytes.IndexByte(line, 0) < 0 {
		return nil
	}
	_, err := pgcodec.DecodeText(nil, line, planner.TypeOf(storage.TypeText))
	return err
}
