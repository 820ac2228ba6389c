package dialect

import "strings"

// copyStmt parses
//
//	COPY table [(cols)] FROM {STDIN | 'file' | PROGRAM 'cmd'} [[WITH] (opts) | old opts]
//	COPY {table [(cols)] | (query)} TO {STDOUT | 'file' | PROGRAM 'cmd'} [...]
func (c *cursor) copyStmt(s *Stmt) error {
	cp := &CopyStmt{}
	s.Copy = cp
	if c.peek().isPunct("(") {
		open := c.i
		closeAt := matchClose(c.toks, open)
		if closeAt < 0 {
			return c.errHere()
		}
		q, err := subStmt(s, nil, c.toks[open+1:closeAt])
		if err != nil {
			return err
		}
		cp.Query = q
		c.i = closeAt + 1
	} else {
		var err error
		if cp.Table, err = c.objectName(); err != nil {
			return err
		}
		if c.peek().isPunct("(") {
			if cp.Columns, err = c.nameList(); err != nil {
				return err
			}
		}
	}
	switch {
	case c.accept("from"):
		cp.From = true
		if cp.Query != nil {
			return syntaxErr(c.toks[c.i-1].Pos, "COPY (query) FROM is not valid")
		}
	case c.accept("to"):
	default:
		return c.errHere()
	}
	switch t := c.peek(); {
	case cp.From && t.is("stdin"), !cp.From && t.is("stdout"):
		cp.Target = t.Text
		c.i++
	case t.Kind == String:
		cp.Target, cp.File = t.Text, true
		c.i++
	case t.is("program") && c.peekAt(1).Kind == String:
		cp.Target, cp.Program = c.peekAt(1).Text, true
		c.i += 2
	default:
		return c.errHere()
	}
	c.accept("with")
	if c.peek().isPunct("(") {
		if err := c.copyOptionList(cp); err != nil {
			return err
		}
	} else if err := c.copyOldOptions(cp); err != nil {
		return err
	}
	if c.peek().is("where") {
		return codedErr(CodeFeatureNotSupported, c.peek().Pos, "COPY ... WHERE is not supported")
	}
	return c.expectEnd()
}

// copyOptionList parses "(name [value], ...)".
func (c *cursor) copyOptionList(cp *CopyStmt) error {
	c.i++ // (
	for {
		name, err := c.name()
		if err != nil {
			return err
		}
		o := Option{Name: strings.ToLower(name), Value: "true"}
		switch t := c.peek(); {
		case t.isPunct(",") || t.isPunct(")"):
		case t.isPunct("*"):
			o.Value = "*"
			c.i++
		case t.isPunct("("):
			cols, err := c.nameList()
			if err != nil {
				return err
			}
			o.Value = strings.Join(cols, ",")
		default:
			if o.Value, err = c.settingValue(); err != nil {
				return err
			}
		}
		cp.Options = append(cp.Options, o)
		if c.acceptPunct(")") {
			return nil
		}
		if !c.acceptPunct(",") {
			return c.errHere()
		}
	}
}

// copyOldOptions parses the pre-9.0 option syntax into the modern names.
func (c *cursor) copyOldOptions(cp *CopyStmt) error {
	str := func(name string) error {
		c.accept("as")
		t := c.peek()
		if t.Kind != String {
			return c.errHere()
		}
		c.i++
		cp.Options = append(cp.Options, Option{Name: name, Value: t.Text})
		return nil
	}
	for !c.done() && !c.peek().is("where") {
		var err error
		switch {
		case c.accept("binary"):
			cp.Options = append(cp.Options, Option{Name: "format", Value: "binary"})
		case c.accept("csv"):
			cp.Options = append(cp.Options, Option{Name: "format", Value: "csv"})
		case c.accept("header"):
			cp.Options = append(cp.Options, Option{Name: "header", Value: "true"})
		case c.accept("freeze"):
			cp.Options = append(cp.Options, Option{Name: "freeze", Value: "true"})
		case c.accept("delimiter"):
			err = str("delimiter")
		case c.accept("null"):
			err = str("null")
		case c.accept("quote"):
			err = str("quote")
		case c.accept("escape"):
			err = str("escape")
		case c.accept("encoding"):
			err = str("encoding")
		case c.accept("force", "quote"):
			if c.acceptPunct("*") {
				cp.Options = append(cp.Options, Option{Name: "force_quote", Value: "*"})
				break
			}
			var cols []string
			if cols, err = c.bareNameList(); err == nil {
				cp.Options = append(cp.Options, Option{Name: "force_quote", Value: strings.Join(cols, ",")})
			}
		case c.accept("force", "not", "null"):
			var cols []string
			if cols, err = c.bareNameList(); err == nil {
				cp.Options = append(cp.Options, Option{Name: "force_not_null", Value: strings.Join(cols, ",")})
			}
		default:
			return c.errHere()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// bareNameList reads "a, b, c" without parentheses.
func (c *cursor) bareNameList() ([]string, error) {
	var out []string
	for {
		n, err := c.name()
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if !c.acceptPunct(",") {
			return out, nil
		}
	}
}

// matchClose returns the index of the bracket closing toks[open], or -1.
func matchClose(toks []Token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].isPunct("(") || toks[i].isPunct("["):
			depth++
		case toks[i].isPunct(")") || toks[i].isPunct("]"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
