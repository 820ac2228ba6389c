package sem

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

const (
	tText  = storage.TypeText
	tBytea = storage.TypeBytea
	tInt4  = storage.TypeInt32
	tInt8  = storage.TypeInt64
	tBool  = storage.TypeBool
)

func str(v storage.Value) string { return v.AsString() }

func textFn(f func(string) string) func(*Context, []storage.Value) (storage.Value, error) {
	return func(_ *Context, a []storage.Value) (storage.Value, error) { return storage.Text(f(str(a[0]))), nil }
}

func init() {
	length := func(_ *Context, a []storage.Value) (storage.Value, error) {
		return storage.Int32(int32(utf8.RuneCountInString(str(a[0])))), nil
	}
	octets := func(_ *Context, a []storage.Value) (storage.Value, error) {
		return storage.Int32(int32(len(str(a[0])))), nil
	}
	register(
		fn("length", tInt4, types(tText), length),
		fn("char_length", tInt4, types(tText), length),
		fn("character_length", tInt4, types(tText), length),
		fn("length", tInt4, types(tBytea), octets),
		fn("octet_length", tInt4, types(tText), octets),
		fn("octet_length", tInt4, types(tBytea), octets),
		fn("lower", tText, types(tText), textFn(strings.ToLower)),
		fn("upper", tText, types(tText), textFn(strings.ToUpper)),
		fn("reverse", tText, types(tText), textFn(reverseString)),
		fn("initcap", tText, types(tText), textFn(initcap)),
		fn("md5", tText, types(tText), textFn(md5Hex)),
		fn("md5", tText, types(tBytea), textFn(md5Hex)),
		fn("substr", tText, types(tText, tInt4), substr2),
		fn("substr", tText, types(tText, tInt4, tInt4), substr3),
		fn("substring", tText, types(tText, tInt4), substr2),
		fn("substring", tText, types(tText, tInt4, tInt4), substr3),
		fn("strpos", tInt4, types(tText, tText), strpos),
		fn("position", tInt4, types(tText, tText), func(c *Context, a []storage.Value) (storage.Value, error) {
			return strpos(c, []storage.Value{a[1], a[0]}) // position(sub IN s)
		}),
		fn("replace", tText, types(tText, tText, tText), func(_ *Context, a []storage.Value) (storage.Value, error) {
			if str(a[1]) == "" {
				return a[0], nil
			}
			return storage.Text(strings.ReplaceAll(str(a[0]), str(a[1]), str(a[2]))), nil
		}),
		fn("btrim", tText, types(tText), trimFn(true, true, false)),
		fn("btrim", tText, types(tText, tText), trimFn(true, true, true)),
		fn("trim", tText, types(tText), trimFn(true, true, false)),
		fn("trim", tText, types(tText, tText), trimFn(true, true, true)),
		fn("ltrim", tText, types(tText), trimFn(true, false, false)),
		fn("ltrim", tText, types(tText, tText), trimFn(true, false, true)),
		fn("rtrim", tText, types(tText), trimFn(false, true, false)),
		fn("rtrim", tText, types(tText, tText), trimFn(false, true, true)),
		fn("lpad", tText, types(tText, tInt4), padFn(true)),
		fn("lpad", tText, types(tText, tInt4, tText), padFn(true)),
		fn("rpad", tText, types(tText, tInt4), padFn(false)),
		fn("rpad", tText, types(tText, tInt4, tText), padFn(false)),
		fn("left", tText, types(tText, tInt4), leftRight(true)),
		fn("right", tText, types(tText, tInt4), leftRight(false)),
		fn("repeat", tText, types(tText, tInt4), func(_ *Context, a []storage.Value) (storage.Value, error) {
			n := a[1].AsInt64()
			if n <= 0 {
				return storage.Text(""), nil
			}
			if int64(len(str(a[0])))*n > 1<<30-1 {
				return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "requested length too large")
			}
			return storage.Text(strings.Repeat(str(a[0]), int(n))), nil
		}),
		fn("split_part", tText, types(tText, tText, tInt4), splitPart),
		fn("starts_with", tBool, types(tText, tText), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return storage.Bool(strings.HasPrefix(str(a[0]), str(a[1]))), nil
		}),
		fn("ascii", tInt4, types(tText), func(_ *Context, a []storage.Value) (storage.Value, error) {
			r, _ := utf8.DecodeRuneInString(str(a[0]))
			if str(a[0]) == "" {
				r = 0
			}
			return storage.Int32(int32(r)), nil
		}),
		fn("chr", tText, types(tInt4), func(_ *Context, a []storage.Value) (storage.Value, error) {
			n := a[0].AsInt64()
			if n == 0 {
				return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "null character not permitted")
			}
			if n < 0 || n > unicode.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
				return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "requested character too large for encoding: %d", n)
			}
			return storage.Text(string(rune(n))), nil
		}),
		&Func{Name: "concat", Args: types(AnyType), Variadic: true, Ret: tText, NonStrict: true, Fn: concatFn},
		&Func{Name: "concat_ws", Args: types(tText, AnyType), Variadic: true, Ret: tText, NonStrict: true,
			Fn: func(c *Context, a []storage.Value) (storage.Value, error) {
				if a[0].IsNull() {
					return storage.Null(), nil
				}
				var parts []string
				for _, v := range a[1:] {
					if !v.IsNull() {
						parts = append(parts, Format(v, c.loc()))
					}
				}
				return storage.Text(strings.Join(parts, str(a[0]))), nil
			}},
	)
}

// concatFn is concat: NULLs are skipped; values print with their output
// functions (true is t).
func concatFn(c *Context, a []storage.Value) (storage.Value, error) {
	var b []byte
	for _, v := range a {
		b = AppendFormat(b, v, c.loc())
	}
	return storage.Text(string(b)), nil
}

func reverseString(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// initcap upper-cases the first letter of each run of alphanumerics and
// lower-cases the rest.
func initcap(s string) string {
	var b strings.Builder
	inWord := false
	for _, r := range s {
		if inWord {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
		inWord = unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return b.String()
}

func md5Hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// substring is text_substr: characters from position start (1-based,
// may be ≤ 0) for count characters; count < 0 is an error.
func substring(s string, start, count int64, hasCount bool) (storage.Value, error) {
	if hasCount && count < 0 {
		return storage.Value{}, pgerr.New(pgerr.SubstringError, "negative substring length not allowed")
	}
	r := []rune(s)
	from := start - 1
	to := int64(len(r))
	if hasCount {
		to = min(to, from+count)
		if from+count < from { // overflow
			to = int64(len(r))
		}
	}
	from = max(from, 0)
	if from >= to || from >= int64(len(r)) {
		return storage.Text(""), nil
	}
	return storage.Text(string(r[from:to])), nil
}

func substr2(_ *Context, a []storage.Value) (storage.Value, error) {
	return substring(str(a[0]), a[1].AsInt64(), 0, false)
}

func substr3(_ *Context, a []storage.Value) (storage.Value, error) {
	return substring(str(a[0]), a[1].AsInt64(), a[2].AsInt64(), true)
}

func strpos(_ *Context, a []storage.Value) (storage.Value, error) {
	s, sub := str(a[0]), str(a[1])
	i := strings.Index(s, sub)
	if i < 0 {
		return storage.Int32(0), nil
	}
	return storage.Int32(int32(utf8.RuneCountInString(s[:i]) + 1)), nil
}

func trimFn(left, right, withChars bool) func(*Context, []storage.Value) (storage.Value, error) {
	return func(_ *Context, a []storage.Value) (storage.Value, error) {
		cut := " "
		if withChars {
			cut = str(a[1])
		}
		s := str(a[0])
		if left {
			s = strings.TrimLeft(s, cut)
		}
		if right {
			s = strings.TrimRight(s, cut)
		}
		return storage.Text(s), nil
	}
}

// padFn is lpad/rpad: pad to n characters with the fill (default a
// space), or truncate to n characters.
func padFn(left bool) func(*Context, []storage.Value) (storage.Value, error) {
	return func(_ *Context, a []storage.Value) (storage.Value, error) {
		s, n := []rune(str(a[0])), a[1].AsInt64()
		fill := []rune(" ")
		if len(a) > 2 {
			fill = []rune(str(a[2]))
		}
		if n <= 0 {
			return storage.Text(""), nil
		}
		if n > 1<<28 {
			return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "requested length too large")
		}
		if int64(len(s)) >= n || len(fill) == 0 {
			return storage.Text(string(s[:min(int64(len(s)), n)])), nil
		}
		pad := make([]rune, 0, n-int64(len(s)))
		for i := 0; int64(len(pad)) < n-int64(len(s)); i++ {
			pad = append(pad, fill[i%len(fill)])
		}
		if left {
			return storage.Text(string(pad) + string(s)), nil
		}
		return storage.Text(string(s) + string(pad)), nil
	}
}

// leftRight is left/right: the first (last) n characters, or all but the
// last (first) -n when n is negative.
func leftRight(left bool) func(*Context, []storage.Value) (storage.Value, error) {
	return func(_ *Context, a []storage.Value) (storage.Value, error) {
		r, n := []rune(str(a[0])), a[1].AsInt64()
		l := int64(len(r))
		k := n
		if n < 0 {
			k = max(l+n, 0)
		}
		k = min(k, l)
		if left {
			return storage.Text(string(r[:k])), nil
		}
		return storage.Text(string(r[l-k:])), nil
	}
}

// splitPart is split_part; a negative field counts from the end.
func splitPart(_ *Context, a []storage.Value) (storage.Value, error) {
	s, sep, n := str(a[0]), str(a[1]), a[2].AsInt64()
	if n == 0 {
		return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "field position must not be zero")
	}
	var parts []string
	switch {
	case s == "":
		return storage.Text(""), nil
	case sep == "":
		parts = []string{s}
	default:
		parts = strings.Split(s, sep)
	}
	if n < 0 {
		n += int64(len(parts)) + 1
	}
	if n < 1 || n > int64(len(parts)) {
		return storage.Text(""), nil
	}
	return storage.Text(parts[n-1]), nil
}
