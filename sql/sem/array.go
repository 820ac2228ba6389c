package sem

import (
	"strconv"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// Array text I/O (array_in, array_out) and the conversions between array
// types. The array functions and operators are in funcs_array.go.

func errMalformedArray(s, detail string) error {
	return pgerr.New(pgerr.InvalidTextRepresentation, `malformed array literal: "%s"`, s).WithDetail("%s", detail)
}

func errTooManyDims(n int) error {
	return pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", n, storage.MaxArrayDims)
}

// arrayParser is array_in's scanner: nested braces, quoted and unquoted
// elements with backslash escapes, optional explicit bounds.
type arrayParser struct {
	src   string
	pos   int
	elems []arrayItem
	// dims[d] is the length of the sub-arrays at depth d, once known
	// (-1 before); leaf is the depth holding elements (-1 before).
	dims []int
	leaf int
}

type arrayItem struct {
	text string
	null bool
}

func (p *arrayParser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func (p *arrayParser) fail(detail string) error { return errMalformedArray(p.src, detail) }

func (p *arrayParser) unexpected() error {
	if p.pos >= len(p.src) {
		return p.fail("Unexpected end of input.")
	}
	return p.fail(`Unexpected "` + p.src[p.pos:p.pos+1] + `" character.`)
}

// level parses one brace level whose '{' is at p.pos.
func (p *arrayParser) level(depth int) error {
	if depth >= storage.MaxArrayDims {
		return errTooManyDims(depth + 1)
	}
	if len(p.dims) <= depth {
		p.dims = append(p.dims, -1)
	}
	p.pos++ // '{'
	p.skipSpace()
	n := 0
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		if depth > 0 {
			return p.unexpected()
		}
		p.pos++
		p.dims = p.dims[:0]
		return nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return p.unexpected()
		}
		switch c := p.src[p.pos]; {
		case c == '{':
			if p.leaf == depth {
				return p.unexpected()
			}
			if err := p.level(depth + 1); err != nil {
				return err
			}
		case c == '}' || c == ',':
			return p.unexpected()
		default:
			if p.leaf >= 0 && p.leaf != depth {
				return p.fail("Unexpected array element.")
			}
			p.leaf = depth
			if err := p.element(); err != nil {
				return err
			}
		}
		n++
		p.skipSpace()
		if p.pos >= len(p.src) {
			return p.unexpected()
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			continue
		case '}':
			p.pos++
		default:
			return p.fail("Unexpected array element.")
		}
		break
	}
	if p.leaf < depth {
		return p.fail("Multidimensional arrays must have sub-arrays with matching dimensions.")
	}
	if p.dims[depth] >= 0 && p.dims[depth] != n {
		return p.fail("Multidimensional arrays must have sub-arrays with matching dimensions.")
	}
	p.dims[depth] = n
	return nil
}

// element reads one quoted or unquoted element at p.pos.
func (p *arrayParser) element() error {
	var b strings.Builder
	if p.src[p.pos] == '"' {
		p.pos++
		for {
			if p.pos >= len(p.src) {
				return p.unexpected()
			}
			c := p.src[p.pos]
			p.pos++
			switch c {
			case '"':
				p.elems = append(p.elems, arrayItem{text: b.String()})
				return nil
			case '\\':
				if p.pos >= len(p.src) {
					return p.unexpected()
				}
				c = p.src[p.pos]
				p.pos++
			}
			b.WriteByte(c)
		}
	}
	escaped, keep := false, 0 // keep: length of b that trailing-space trimming must not cut
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ',' || c == '}':
			s := b.String()
			end := len(s)
			for end > keep && isSpace(s[end-1]) {
				end--
			}
			s = s[:end]
			p.elems = append(p.elems, arrayItem{text: s, null: !escaped && strings.EqualFold(s, "NULL")})
			return nil
		case c == '"':
			return p.fail("Unexpected array element.")
		case c == '{':
			return p.unexpected()
		case c == '\\':
			if p.pos+1 >= len(p.src) {
				p.pos++
				return p.unexpected()
			}
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
			escaped, keep = true, b.Len()
			continue
		}
		b.WriteByte(c)
		p.pos++
	}
	return p.unexpected()
}

// bounds reads explicit dimensions "[lo:hi][lo:hi]=" at p.pos.
func (p *arrayParser) bounds() ([]storage.ArrayDim, error) {
	var dims []storage.ArrayDim
	for p.pos < len(p.src) && p.src[p.pos] == '[' {
		p.pos++
		lo, ok := p.int()
		if !ok {
			if len(dims) == 0 {
				return nil, p.fail(`"[" must introduce explicitly-specified array dimensions.`)
			}
			return nil, p.fail("Missing array dimension value.")
		}
		hi := lo
		if p.pos < len(p.src) && p.src[p.pos] == ':' {
			p.pos++
			if hi, ok = p.int(); !ok {
				return nil, p.fail("Missing array dimension value.")
			}
		} else {
			lo = 1
		}
		if p.pos >= len(p.src) || p.src[p.pos] != ']' {
			return nil, p.fail(`Missing "]" after array dimensions.`)
		}
		p.pos++
		if hi < lo {
			return nil, pgerr.New(pgerr.ArraySubscriptError, "upper bound cannot be less than lower bound")
		}
		if len(dims) == storage.MaxArrayDims {
			return nil, errTooManyDims(len(dims) + 1)
		}
		dims = append(dims, storage.ArrayDim{Len: int32(hi - lo + 1), Lower: int32(lo)})
		p.skipSpace()
	}
	if p.pos >= len(p.src) || p.src[p.pos] != '=' {
		return nil, p.fail(`Missing "=" after array dimensions.`)
	}
	p.pos++
	p.skipSpace()
	return dims, nil
}

func (p *arrayParser) int() (int64, bool) {
	start := p.pos
	p.skipSpace()
	if p.pos < len(p.src) && (p.src[p.pos] == '-' || p.src[p.pos] == '+') {
		p.pos++
	}
	d := p.pos
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == d {
		p.pos = start
		return 0, false
	}
	x, err := strconv.ParseInt(strings.TrimSpace(p.src[start:p.pos]), 10, 32)
	if err != nil {
		return 0, false
	}
	p.skipSpace()
	return x, true
}

// parseArray is array_in for an array type t.
func parseArray(ctx *Context, s string, t storage.Type) (storage.Value, error) {
	p := &arrayParser{src: s, leaf: -1}
	p.skipSpace()
	var explicit []storage.ArrayDim
	if p.pos < len(s) && s[p.pos] == '[' {
		var err error
		if explicit, err = p.bounds(); err != nil {
			return storage.Value{}, err
		}
		if p.pos >= len(s) || s[p.pos] != '{' {
			return storage.Value{}, p.fail(`Array contents must start with "{".`)
		}
	} else if p.pos >= len(s) || s[p.pos] != '{' {
		return storage.Value{}, p.fail(`Array value must start with "{" or dimension information.`)
	}
	if err := p.level(0); err != nil {
		return storage.Value{}, err
	}
	p.skipSpace()
	if p.pos < len(s) {
		return storage.Value{}, p.fail("Junk after closing right brace.")
	}
	dims := make([]storage.ArrayDim, len(p.dims))
	for i, n := range p.dims {
		dims[i] = storage.ArrayDim{Len: int32(n), Lower: 1}
	}
	if explicit != nil {
		if len(explicit) != len(dims) {
			return storage.Value{}, p.fail("Specified array dimensions do not match array contents.")
		}
		for i := range dims {
			if explicit[i].Len != dims[i].Len {
				return storage.Value{}, p.fail("Specified array dimensions do not match array contents.")
			}
		}
		dims = explicit
	}
	elems := make([]storage.Value, len(p.elems))
	for i, it := range p.elems {
		if it.null {
			continue
		}
		v, err := ParseText(ctx, it.text, t.Elem())
		if err != nil {
			return storage.Value{}, err
		}
		elems[i] = v
	}
	return MakeArray(t.Elem(), dims, elems)
}

// MakeArray is storage.Array with its errors as SQL errors.
func MakeArray(elem storage.Type, dims []storage.ArrayDim, elems []storage.Value) (storage.Value, error) {
	if len(dims) > storage.MaxArrayDims {
		return storage.Value{}, errTooManyDims(len(dims))
	}
	n := int64(1)
	for _, d := range dims {
		n *= int64(d.Len)
		if n > 1<<27 {
			return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "array size exceeds the maximum allowed (134217727)")
		}
		if int64(d.Lower)+int64(d.Len)-1 > 1<<31-1 {
			return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "array upper bound is too large")
		}
	}
	v, err := storage.Array(elem, dims, elems)
	if err != nil {
		return storage.Value{}, pgerr.Wrap(err, pgerr.InternalError, "")
	}
	return v, nil
}

// appendArray is array_out.
func appendArray(b []byte, v storage.Value, loc *time.Location) []byte {
	return storage.AppendArrayText(b, v, func(b []byte, e storage.Value) []byte { return AppendFormat(b, e, loc) })
}

// castArray converts every element of an array to elem (array to array
// casts go element by element, as array_map does).
func castArray(ctx *Context, v storage.Value, elem storage.Type) (storage.Value, error) {
	return MapArray(v, elem, func(e storage.Value) (storage.Value, error) { return Cast(ctx, e, elem) })
}

// MapArray applies f to every non-NULL element of v, giving an array of
// elem with v's dimensions.
func MapArray(v storage.Value, elem storage.Type, f func(storage.Value) (storage.Value, error)) (storage.Value, error) {
	a := v.AsArray()
	for i, e := range a.Elems {
		if e.IsNull() {
			continue
		}
		x, err := f(e)
		if err != nil {
			return storage.Value{}, err
		}
		a.Elems[i] = x
	}
	return MakeArray(elem, a.Dims, a.Elems)
}
