package jsonb

import (
	"strconv"
	"strings"
)

// Format prints n as Postgres prints jsonb: ", " between elements, ": "
// after keys, strings escaped as Quote does. For a json tree that still
// has its source text, use n.Raw instead.
func Format(n *Node) string {
	var b strings.Builder
	write(&b, n, false, 0)
	return b.String()
}

// FormatPretty prints n as jsonb_pretty does: four spaces per level, one
// element or member per line, empty containers as [] and {}.
func FormatPretty(n *Node) string {
	var b strings.Builder
	write(&b, n, true, 0)
	return b.String()
}

func indent(b *strings.Builder, level int) {
	b.WriteByte('\n')
	for range level {
		b.WriteString("    ")
	}
}

func write(b *strings.Builder, n *Node, pretty bool, level int) {
	switch n.Kind {
	case Null:
		b.WriteString("null")
	case Bool, Number:
		b.WriteString(n.Str)
	case String:
		Quote(b, n.Str)
	case Array:
		b.WriteByte('[')
		for i, e := range n.Elems {
			if i > 0 {
				b.WriteByte(',')
				if !pretty {
					b.WriteByte(' ')
				}
			}
			if pretty {
				indent(b, level+1)
			}
			write(b, e, pretty, level+1)
		}
		if pretty { // jsonb_pretty breaks the line even in []
			indent(b, level)
		}
		b.WriteByte(']')
	case Object:
		b.WriteByte('{')
		for i, p := range n.Pairs {
			if i > 0 {
				b.WriteByte(',')
				if !pretty {
					b.WriteByte(' ')
				}
			}
			if pretty {
				indent(b, level+1)
			}
			Quote(b, p.Key)
			b.WriteString(": ")
			write(b, p.Value, pretty, level+1)
		}
		if pretty {
			indent(b, level)
		}
		b.WriteByte('}')
	}
}

// Quote writes s as a JSON string the way Postgres's escape_json does:
// the short escapes for quote, backslash, \b \f \n \r \t, \u00xx for other
// control characters, everything else as is.
func Quote(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				h := strconv.FormatInt(int64(c)+0x100, 16)
				b.WriteString(h[1:])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// QuoteString returns s quoted as Quote writes it.
func QuoteString(s string) string {
	var b strings.Builder
	Quote(&b, s)
	return b.String()
}

// Text is what ->> and #>> return for n: a string's value unquoted,
// null as SQL NULL (ok false), anything else its text.
func Text(n *Node, raw bool) (string, bool) {
	switch n.Kind {
	case Null:
		return "", false
	case String:
		return n.Str, true
	}
	if raw && n.Raw != "" {
		return n.Raw, true
	}
	return Format(n), true
}
