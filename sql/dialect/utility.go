package dialect

import "strings"

// cursor walks a statement's tokens for the hand-written utility grammars.
type cursor struct {
	toks []Token
	i    int
	end  int  // Pos to report at end of input
	semi bool // end is the statement's terminating ';'
}

func (c *cursor) peek() Token {
	if c.i < len(c.toks) {
		return c.toks[c.i]
	}
	return Token{Pos: c.end}
}

func (c *cursor) peekAt(k int) Token {
	if c.i+k < len(c.toks) {
		return c.toks[c.i+k]
	}
	return Token{Pos: c.end}
}

func (c *cursor) done() bool { return c.i >= len(c.toks) }

// accept consumes the keyword sequence kws if it is next.
func (c *cursor) accept(kws ...string) bool {
	for k, kw := range kws {
		if !c.peekAt(k).is(kw) {
			return false
		}
	}
	c.i += len(kws)
	return true
}

func (c *cursor) acceptPunct(p string) bool {
	if c.peek().isPunct(p) {
		c.i++
		return true
	}
	return false
}

func (c *cursor) errHere() error {
	t := c.peek()
	if c.done() {
		if c.semi {
			return syntaxErr(t.Pos, "syntax error at or near \";\"")
		}
		return syntaxErr(t.Pos, "syntax error at end of input")
	}
	return syntaxErr(t.Pos, "syntax error at or near %q", t.Raw)
}

func (c *cursor) expectEnd() error {
	if !c.done() {
		return c.errHere()
	}
	return nil
}

// name consumes one identifier (quoted or not).
func (c *cursor) name() (string, error) {
	t := c.peek()
	if t.Kind != Ident && t.Kind != QuotedIdent {
		return "", c.errHere()
	}
	c.i++
	return t.Text, nil
}

// objectName consumes [schema.]name.
func (c *cursor) objectName() (ObjectName, error) {
	first, err := c.name()
	if err != nil {
		return ObjectName{}, err
	}
	if !c.acceptPunct(".") {
		return ObjectName{Name: first}, nil
	}
	second, err := c.name()
	if err != nil {
		return ObjectName{}, err
	}
	if c.peek().isPunct(".") {
		return ObjectName{}, codedErr(CodeFeatureNotSupported, c.peek().Pos, "cross-database references are not implemented")
	}
	return ObjectName{Schema: first, Name: second}, nil
}

// nameList consumes "(a, b, ...)".
func (c *cursor) nameList() ([]string, error) {
	if !c.acceptPunct("(") {
		return nil, c.errHere()
	}
	var out []string
	for {
		n, err := c.name()
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if c.acceptPunct(")") {
			return out, nil
		}
		if !c.acceptPunct(",") {
			return nil, c.errHere()
		}
	}
}

// settingValue consumes one SET value: a word, string, or signed number.
func (c *cursor) settingValue() (string, error) {
	t := c.peek()
	switch t.Kind {
	case Ident, QuotedIdent, String:
		c.i++
		return t.Text, nil
	case Number:
		c.i++
		return t.Text, nil
	case Op:
		if (t.Text == "-" || t.Text == "+") && c.peekAt(1).Kind == Number {
			c.i += 2
			if t.Text == "-" {
				return "-" + c.toks[c.i-1].Text, nil
			}
			return c.toks[c.i-1].Text, nil
		}
	}
	return "", c.errHere()
}

// utility classifies toks as a utility statement and fills s. It reports
// false (and leaves s alone) for statements that go to the TiDB parser.
func utility(s *Stmt, toks []Token) (bool, error) {
	c := s.cursor(toks, 0)
	first := c.peek()
	if first.Kind != Ident {
		return false, nil
	}
	c.i++
	var err error
	switch first.Text {
	case "begin":
		s.Kind = KindBegin
		_ = c.accept("work") || c.accept("transaction")
		err = c.txnModes(&s.Txn)
	case "start":
		if !c.accept("transaction") {
			return false, c.errHere()
		}
		s.Kind, s.Start = KindBegin, true
		err = c.txnModes(&s.Txn)
	case "commit", "end":
		if first.Text == "commit" && c.peek().is("prepared") {
			return false, errPreparedTxn(c.peek().Pos)
		}
		s.Kind = KindCommit
		err = c.txnEnd(s)
	case "abort":
		s.Kind = KindRollback
		err = c.txnEnd(s)
	case "rollback":
		if c.peek().is("prepared") {
			return false, errPreparedTxn(c.peek().Pos)
		}
		_ = c.accept("work") || c.accept("transaction")
		if c.accept("to") {
			s.Kind = KindRollbackTo
			c.accept("savepoint")
			if s.Name, err = c.name(); err == nil {
				err = c.expectEnd()
			}
			break
		}
		s.Kind = KindRollback
		err = c.txnEnd(s)
	case "savepoint":
		s.Kind = KindSavepoint
		if s.Name, err = c.name(); err == nil {
			err = c.expectEnd()
		}
	case "release":
		s.Kind = KindRelease
		c.accept("savepoint")
		if s.Name, err = c.name(); err == nil {
			err = c.expectEnd()
		}
	case "set":
		err = c.set(s)
	case "reset":
		s.Kind = KindReset
		err = c.settingName(s)
	case "show":
		s.Kind = KindShow
		err = c.settingName(s)
	case "checkpoint":
		s.Kind = KindCheckpoint
		err = c.expectEnd()
	case "comment":
		s.Kind = KindComment
		err = c.comment(s)
	case "listen":
		s.Kind = KindListen
		if s.Name, err = c.name(); err == nil {
			err = c.expectEnd()
		}
	case "unlisten":
		s.Kind = KindUnlisten
		if !c.acceptPunct("*") {
			s.Name, err = c.name()
		}
		if err == nil {
			err = c.expectEnd()
		}
	case "notify":
		s.Kind = KindNotify
		if s.Name, err = c.name(); err == nil && c.acceptPunct(",") {
			if t := c.peek(); t.Kind == String {
				s.Values = []string{t.Text}
				c.i++
			} else {
				err = c.errHere()
			}
		}
		if err == nil {
			err = c.expectEnd()
		}
	case "vacuum", "analyze", "analyse":
		s.Kind = KindVacuum
		if first.Text != "vacuum" {
			s.Kind = KindAnalyze
		}
		err = c.maintenance(s)
	case "truncate":
		s.Kind = KindTruncate
		err = c.truncate(s)
	case "discard":
		s.Kind = KindDiscard
		switch t := c.peek(); {
		case t.is("all") || t.is("plans") || t.is("sequences") || t.is("temp"):
			s.Name = t.Text
		case t.is("temporary"):
			s.Name = "temp"
		default:
			return false, c.errHere()
		}
		c.i++
		err = c.expectEnd()
	case "deallocate":
		s.Kind = KindDeallocate
		c.accept("prepare")
		if !c.accept("all") {
			s.Name, err = c.name()
		}
		if err == nil {
			err = c.expectEnd()
		}
	case "prepare":
		if c.peek().is("transaction") {
			return false, errPreparedTxn(c.peek().Pos)
		}
		s.Kind = KindPrepare
		err = c.prepare(s)
	case "execute":
		s.Kind = KindExecute
		err = c.execute(s)
	case "copy":
		s.Kind = KindCopy
		err = c.copyStmt(s)
	case "create", "alter", "drop":
		if !isRoleStmt(c) {
			return false, nil
		}
		err = c.roleStmt(s, first.Text)
	default:
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// txnModes parses BEGIN/START TRANSACTION/SET TRANSACTION modes, separated
// by optional commas.
func (c *cursor) txnModes(m *TxnModes) error {
	yes, no := true, false
	for !c.done() {
		switch {
		case c.accept("isolation", "level"):
			switch {
			case c.accept("serializable"):
				m.Isolation = "serializable"
			case c.accept("repeatable", "read"):
				m.Isolation = "repeatable read"
			case c.accept("read", "committed"):
				m.Isolation = "read committed"
			case c.accept("read", "uncommitted"):
				m.Isolation = "read uncommitted"
			default:
				return c.errHere()
			}
		case c.accept("read", "only"):
			m.ReadOnly = &yes
		case c.accept("read", "write"):
			m.ReadOnly = &no
		case c.accept("deferrable"):
			m.Deferrable = &yes
		case c.accept("not", "deferrable"):
			m.Deferrable = &no
		default:
			return c.errHere()
		}
		if !c.done() {
			c.acceptPunct(",")
		}
	}
	return nil
}

// txnEnd parses the tail of COMMIT/END/ROLLBACK/ABORT.
func (c *cursor) txnEnd(s *Stmt) error {
	_ = c.accept("work") || c.accept("transaction")
	switch {
	case c.accept("and", "chain"):
		s.Chain = true
	case c.accept("and", "no", "chain"):
	}
	return c.expectEnd()
}

// set parses SET [SESSION|LOCAL] ... in its Postgres forms.
func (c *cursor) set(s *Stmt) error {
	s.Kind = KindSet
	if c.accept("constraints") {
		// SET CONSTRAINTS {ALL | name, ...} {DEFERRED | IMMEDIATE}:
		// constraints are checked at the end of each statement here.
		s.Kind = KindSetConstraints
		if !c.accept("all") {
			for {
				if _, err := c.dottedName(); err != nil {
					return err
				}
				if !c.acceptPunct(",") {
					break
				}
			}
		}
		if !c.accept("deferred") && !c.accept("immediate") {
			return c.errHere()
		}
		return c.expectEnd()
	}
	if c.accept("local") {
		s.Local = true
	} else {
		c.accept("session")
	}
	switch {
	case c.accept("characteristics", "as", "transaction"):
		s.Kind, s.Session = KindSetTxn, true
		return c.txnModes(&s.Txn)
	case c.accept("transaction"):
		if c.peek().is("snapshot") {
			return codedErr(CodeFeatureNotSupported, c.peek().Pos, "SET TRANSACTION SNAPSHOT is not supported")
		}
		s.Kind = KindSetTxn
		return c.txnModes(&s.Txn)
	case c.accept("time", "zone"):
		s.Name = "timezone"
		switch {
		case c.accept("local"), c.accept("default"):
			s.Default = true
		case c.accept("interval"):
			v, err := c.settingValue()
			if err != nil {
				return err
			}
			s.Values = []string{v}
		default:
			v, err := c.settingValue()
			if err != nil {
				return err
			}
			s.Values = []string{v}
		}
		return c.expectEnd()
	case c.accept("names"):
		s.Name = "client_encoding"
	case c.accept("schema"):
		s.Name = "search_path"
	case c.accept("role"), c.accept("session", "authorization"):
		return codedErr(CodeFeatureNotSupported, c.peek().Pos, "SET ROLE is not supported")
	default:
		name, err := c.dottedName()
		if err != nil {
			return err
		}
		s.Name = name
		if !c.accept("to") && !c.acceptPunct("=") {
			return c.errHere()
		}
	}
	if c.accept("default") {
		s.Default = true
		return c.expectEnd()
	}
	for {
		v, err := c.settingValue()
		if err != nil {
			return err
		}
		s.Values = append(s.Values, v)
		if !c.acceptPunct(",") {
			break
		}
	}
	return c.expectEnd()
}

// dottedName reads a GUC name, which may be qualified (myext.setting).
func (c *cursor) dottedName() (string, error) {
	n, err := c.name()
	if err != nil {
		return "", err
	}
	for c.acceptPunct(".") {
		m, err := c.name()
		if err != nil {
			return "", err
		}
		n += "." + m
	}
	return n, nil
}

// settingName parses the name of SHOW/RESET, mapping the multi-word forms
// to their GUC names.
func (c *cursor) settingName(s *Stmt) error {
	switch {
	case c.accept("time", "zone"):
		s.Name = "timezone"
	case c.accept("transaction", "isolation", "level"):
		s.Name = "transaction_isolation"
	case c.accept("session", "authorization"):
		s.Name = "session_authorization"
	case c.accept("all"):
		s.Name = "all"
	default:
		n, err := c.dottedName()
		if err != nil {
			return err
		}
		s.Name = n
	}
	return c.expectEnd()
}

// maintenance parses VACUUM/ANALYZE options and table list; they are
// accepted and do nothing, but the tables are recorded so the executor can
// check that they exist.
func (c *cursor) maintenance(s *Stmt) error {
	if c.peek().isPunct("(") {
		depth := 0
		for !c.done() {
			t := c.peek()
			c.i++
			if t.isPunct("(") {
				depth++
			} else if t.isPunct(")") {
				if depth--; depth == 0 {
					break
				}
			}
		}
	}
	for c.peek().Kind == Ident && (c.peek().Text == "full" || c.peek().Text == "freeze" ||
		c.peek().Text == "verbose" || c.peek().Text == "analyze" || c.peek().Text == "analyse") {
		c.i++
	}
	for !c.done() {
		n, err := c.objectName()
		if err != nil {
			return err
		}
		s.Tables = append(s.Tables, n)
		if c.peek().isPunct("(") {
			if _, err := c.nameList(); err != nil {
				return err
			}
		}
		if !c.acceptPunct(",") {
			break
		}
	}
	return c.expectEnd()
}

// truncate parses TRUNCATE [TABLE] [ONLY] name [*] [, ...]
// [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE | RESTRICT].
func (c *cursor) truncate(s *Stmt) error {
	c.accept("table")
	for {
		c.accept("only")
		n, err := c.objectName()
		if err != nil {
			return err
		}
		c.acceptPunct("*")
		s.Tables = append(s.Tables, n)
		if !c.acceptPunct(",") {
			break
		}
	}
	switch {
	case c.accept("restart", "identity"):
		s.Restart = true
	case c.accept("continue", "identity"):
	}
	switch {
	case c.accept("cascade"):
		s.Cascade = true
	case c.accept("restrict"):
	}
	return c.expectEnd()
}

// prepare parses PREPARE name [(type, ...)] AS statement.
func (c *cursor) prepare(s *Stmt) error {
	var err error
	if s.Name, err = c.name(); err != nil {
		return err
	}
	if c.acceptPunct("(") {
		for {
			t, next, err := parseType(c.toks, c.i)
			if err != nil {
				return err
			}
			c.i = next
			s.ParamTypes = append(s.ParamTypes, t)
			if c.acceptPunct(")") {
				break
			}
			if !c.acceptPunct(",") {
				return c.errHere()
			}
		}
	}
	if !c.accept("as") || c.done() {
		return c.errHere()
	}
	bodyStart := c.peek().Pos
	semi := 0
	if s.semi > 0 {
		semi = s.semi - bodyStart
	}
	body, err := prepareTokens(s.Source[bodyStart:], shift(c.toks[c.i:], bodyStart), semi, s.charPos(bodyStart)-1)
	if err != nil {
		return shiftErr(err, bodyStart)
	}
	switch body.Kind {
	case KindParsed:
	default:
		return syntaxErr(bodyStart, "PREPARE of a %s statement is not supported", strings.ToUpper(body.Kind.String()))
	}
	s.Body = body
	return nil
}

// execute parses EXECUTE name [(expr, ...)]; the arguments become the
// nested statement "SELECT expr, ..." so they get every rewrite.
func (c *cursor) execute(s *Stmt) error {
	var err error
	if s.Name, err = c.name(); err != nil {
		return err
	}
	if c.done() {
		return nil
	}
	if !c.peek().isPunct("(") || !c.toks[len(c.toks)-1].isPunct(")") {
		return c.errHere()
	}
	open := c.peek()
	inner := c.toks[c.i+1 : len(c.toks)-1]
	if depthOK(inner) != nil {
		return c.errHere()
	}
	s.Args, err = subStmt(s, []Token{synth(Ident, "select", open.Pos)}, inner)
	return err
}

// depthOK checks that brackets balance in toks.
func depthOK(toks []Token) error {
	depth := 0
	for _, t := range toks {
		if t.isPunct("(") || t.isPunct("[") {
			depth++
		} else if t.isPunct(")") || t.isPunct("]") {
			if depth--; depth < 0 {
				return syntaxErr(t.Pos, "syntax error at or near %q", t.Raw)
			}
		}
	}
	if depth != 0 {
		return syntaxErr(0, "unbalanced parentheses")
	}
	return nil
}

// shift rebases token positions so they are relative to base.
func shift(toks []Token, base int) []Token {
	out := make([]Token, len(toks))
	for i, t := range toks {
		t.Pos -= base
		out[i] = t
	}
	return out
}

func shiftErr(err error, base int) error {
	if se, ok := err.(*SyntaxError); ok {
		c := *se
		c.Pos += base
		return &c
	}
	return err
}

// errPreparedTxn rejects two-phase commit (PREPARE TRANSACTION, COMMIT
// PREPARED, ROLLBACK PREPARED), which PersianDB does not support.
func errPreparedTxn(pos int) error {
	return codedErr(CodeFeatureNotSupported, pos, "prepared transactions are not supported")
}

// comment parses COMMENT ON {TABLE | VIEW | SEQUENCE} name | COLUMN
// table.column IS {'text' | NULL}.
func (c *cursor) comment(s *Stmt) error {
	if !c.accept("on") {
		return c.errHere()
	}
	switch {
	case c.accept("table"):
		s.Name = "table"
	case c.accept("view"):
		s.Name = "view"
	case c.accept("sequence"):
		s.Name = "sequence"
	case c.accept("column"):
		s.Name = "column"
	default:
		return codedErr(CodeFeatureNotSupported, c.peek().Pos, "COMMENT ON %s is not supported", c.peek().Text)
	}
	obj, err := c.objectName()
	if err != nil {
		return err
	}
	if s.Name == "column" {
		// table.column: the last part is the column.
		if obj.Schema == "" {
			return c.errHere()
		}
		s.Tables = []ObjectName{{Name: obj.Schema}}
		s.Values = []string{"", obj.Name}
	} else {
		s.Tables = []ObjectName{obj}
		s.Values = []string{""}
	}
	if !c.accept("is") {
		return c.errHere()
	}
	switch t := c.peek(); {
	case t.is("null"):
		s.Default = true
	case t.Kind == String:
		s.Values[0] = t.Text
	default:
		return c.errHere()
	}
	c.i++
	return c.expectEnd()
}
