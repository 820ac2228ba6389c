package sql

import "github.com/persiandb/persiandb/sql/pgerr"

// copyField is one field of a line: its value with escapes and quotes
// removed, or null.
type copyField struct {
	val  []byte
	null bool
}

// fieldSplitter splits lines into fields, reusing its buffers: the
// fields of a line are valid until the next split.
type fieldSplitter struct {
	fields []copyField
	ends   []int // each field's end in attr
	attr   []byte
}

// split is CopyReadAttributesText or CopyReadAttributesCSV. Whether a
// field is NULL is decided on its raw text, before de-escaping, as
// Postgres does: \N is NULL, \\N is the text \N.
func (f *fieldSplitter) split(line []byte, o *copyOptions) ([]copyField, error) {
	f.fields, f.ends, f.attr = f.fields[:0], f.ends[:0], f.attr[:0]
	var err error
	if o.format == formatCSV {
		err = f.splitCSV(line, o)
	} else {
		err = f.splitText(line, o)
	}
	if err != nil {
		return nil, err
	}
	start := 0
	for i, end := range f.ends {
		f.fields[i].val = f.attr[start:end:end]
		start = end
	}
	return f.fields, nil
}

func (f *fieldSplitter) add(raw []byte, quoted bool, o *copyOptions) {
	f.fields = append(f.fields, copyField{null: !quoted && string(raw) == o.null})
	f.ends = append(f.ends, len(f.attr))
}

func (f *fieldSplitter) splitText(line []byte, o *copyOptions) error {
	i := 0
	for {
		start, end, more := i, len(line), false
		// An escape may make bytes the raw line's check did not see.
		from, made := len(f.attr), false
	loop:
		for i < len(line) {
			c := line[i]
			i++
			if c == o.delim {
				end, more = i-1, true
				break
			}
			if c == '\\' {
				if i >= len(line) {
					break loop
				}
				c = line[i]
				i++
				switch c {
				case '0', '1', '2', '3', '4', '5', '6', '7':
					v := c - '0'
					for k := 0; k < 2 && i < len(line) && line[i] >= '0' && line[i] <= '7'; k++ {
						v = v<<3 + line[i] - '0'
						i++
					}
					c, made = v, made || v == 0 || v >= 0x80
				case 'x':
					if i < len(line) && isHex(line[i]) {
						v := hexVal(line[i])
						i++
						if i < len(line) && isHex(line[i]) {
							v = v<<4 + hexVal(line[i])
							i++
						}
						c, made = v, made || v == 0 || v >= 0x80
					}
				case 'b':
					c = '\b'
				case 'f':
					c = '\f'
				case 'n':
					c = '\n'
				case 'r':
					c = '\r'
				case 't':
					c = '\t'
				case 'v':
					c = '\v'
				}
			}
			f.attr = append(f.attr, c)
		}
		if made {
			if err := verifyLine(f.attr[from:]); err != nil {
				return err
			}
		}
		f.add(line[start:end], false, o)
		if !more {
			return nil
		}
	}
}

func (f *fieldSplitter) splitCSV(line []byte, o *copyOptions) error {
	i := 0
	for {
		start, end, more, quoted := i, i, false, false
	field:
		for {
			for {
				end = i
				if i >= len(line) {
					break field
				}
				c := line[i]
				i++
				if c == o.delim {
					more = true
					break field
				}
				if c == o.quote {
					quoted = true
					break
				}
				f.attr = append(f.attr, c)
			}
			for {
				if i >= len(line) {
					return pgerr.New(pgerr.BadCopyFileFormat, "unterminated CSV quoted field")
				}
				c := line[i]
				i++
				if c == o.escape && i < len(line) && (line[i] == o.escape || line[i] == o.quote) {
					f.attr = append(f.attr, line[i])
					i++
					continue
				}
				if c == o.quote {
					break
				}
				f.attr = append(f.attr, c)
			}
		}
		f.add(line[start:end], quoted, o)
		if !more {
			return nil
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
