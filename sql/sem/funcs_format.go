package sem

import (
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

func init() {
	register(&Func{Name: "format", Args: types(tText, AnyType), Variadic: true, Ret: tText, NonStrict: true, Fn: formatFn})
}

// formatFn is format(formatstr, args...): %s inserts an argument as
// text (NULL as nothing), %I as an identifier (quote_ident), %L as a
// literal (quote_literal, NULL as NULL), %% a percent sign; %n$ picks
// argument n. Width and flags are not supported (22023). A NULL format
// string gives NULL.
func formatFn(c *Context, a []storage.Value) (storage.Value, error) {
	if len(a) == 0 || a[0].IsNull() {
		return storage.Null(), nil
	}
	f := a[0].AsString()
	args := a[1:]
	var b strings.Builder
	next := 0
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		i++
		if i >= len(f) {
			return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "unterminated format() type specifier")
		}
		if f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		arg := next
		if j := strings.IndexByte(f[i:], '$'); j > 0 {
			if n, err := strconv.Atoi(f[i : i+j]); err == nil {
				if n < 1 {
					return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "format specifies argument 0, but arguments are numbered from 1")
				}
				arg, i = n-1, i+j+1
			}
		}
		if i >= len(f) {
			return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "unterminated format() type specifier")
		}
		if arg >= len(args) {
			return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "too few arguments for format()")
		}
		next = arg + 1
		v := args[arg]
		text := func() string { return string(AppendFormat(nil, v, c.loc())) }
		switch f[i] {
		case 's':
			if !v.IsNull() {
				b.WriteString(text())
			}
		case 'I':
			if v.IsNull() {
				return storage.Value{}, pgerr.New(pgerr.NullValueNotAllowed, "null values cannot be formatted as an SQL identifier")
			}
			b.WriteString(QuoteIdent(text()))
		case 'L':
			if v.IsNull() {
				b.WriteString("NULL")
			} else {
				b.WriteString(QuoteLiteral(text()))
			}
		default:
			return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "unrecognized format() type specifier \"%c\"", f[i])
		}
	}
	return storage.Text(b.String()), nil
}
