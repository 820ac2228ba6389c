package dialect

import "strings"

// Kind classifies a statement. KindParsed statements go to the TiDB parser
// (Stmt.Text); every other kind is handled from Stmt's fields alone.
type Kind uint8

const (
	KindEmpty          Kind = iota // no tokens (";" or only comments)
	KindParsed                     // Text is for the TiDB parser
	KindBegin                      // BEGIN / START TRANSACTION; Txn
	KindCommit                     // COMMIT / END; Chain
	KindRollback                   // ROLLBACK / ABORT; Chain
	KindSavepoint                  // SAVEPOINT Name
	KindRelease                    // RELEASE [SAVEPOINT] Name
	KindRollbackTo                 // ROLLBACK [WORK] TO [SAVEPOINT] Name
	KindSet                        // SET [SESSION|LOCAL] Name TO/= Values; Local; Default
	KindSetTxn                     // SET TRANSACTION / SET SESSION CHARACTERISTICS AS TRANSACTION; Txn; Session
	KindReset                      // RESET Name | RESET ALL (Name "all")
	KindShow                       // SHOW Name | SHOW ALL (Name "all")
	KindCheckpoint                 // CHECKPOINT
	KindVacuum                     // VACUUM ...; Tables (accepted, no effect)
	KindAnalyze                    // ANALYZE ...; Tables (accepted, no effect)
	KindCopy                       // COPY; Copy
	KindPrepare                    // PREPARE Name [(ParamTypes)] AS Body
	KindExecute                    // EXECUTE Name [(Args)]
	KindDeallocate                 // DEALLOCATE [PREPARE] Name | ALL (Name "")
	KindDiscard                    // DISCARD Name (all, plans, sequences, temp)
	KindTruncate                   // TRUNCATE; Tables, RestartIdentity, Cascade
	KindCreateRole                 // CREATE ROLE / CREATE USER; Role
	KindAlterRole                  // ALTER ROLE / ALTER USER, incl. RENAME TO; Role
	KindDropRole                   // DROP ROLE / DROP USER; Role
	KindListen                     // LISTEN Name
	KindUnlisten                   // UNLISTEN Name | UNLISTEN * (Name "")
	KindNotify                     // NOTIFY Name [, Values[0] (the payload)]
	KindSetConstraints             // SET CONSTRAINTS ... (accepted, no effect)
	KindComment                    // COMMENT ON {table|view|sequence|column} (Name) Tables[0] [column: Values[1]] IS Values[0] (Default: IS NULL)
)

var kindNames = [...]string{"Empty", "Parsed", "Begin", "Commit", "Rollback", "Savepoint",
	"Release", "RollbackTo", "Set", "SetTxn", "Reset", "Show", "Checkpoint", "Vacuum",
	"Analyze", "Copy", "Prepare", "Execute", "Deallocate", "Discard", "Truncate",
	"CreateRole", "AlterRole", "DropRole", "Listen", "Unlisten", "Notify", "SetConstraints", "Comment"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind?"
}

// ObjectName is a possibly schema-qualified relation name, identifiers
// already folded (or exact, if they were quoted).
type ObjectName struct {
	Schema string // "" when unqualified
	Name   string
}

func (n ObjectName) String() string {
	if n.Schema == "" {
		return n.Name
	}
	return n.Schema + "." + n.Name
}

// TxnModes are the transaction modes of BEGIN / START TRANSACTION /
// SET TRANSACTION. Nil pointers mean "not given".
type TxnModes struct {
	Isolation  string // "", "serializable", "repeatable read", "read committed", "read uncommitted"
	ReadOnly   *bool
	Deferrable *bool
}

// CopyStmt is COPY's detail. Exactly one of Table and Query is set.
type CopyStmt struct {
	Table   ObjectName
	Columns []string
	Query   *Stmt  // COPY (query) TO ...: the query, KindParsed
	From    bool   // COPY ... FROM (load into Table); false for TO
	Target  string // "stdin", "stdout", or a file name / program command
	File    bool   // Target is a server-side file name
	Program bool   // Target is a PROGRAM command
	Options []Option
}

// Option is one COPY option, normalized to the modern (name value) form:
// old-style CSV -> format csv, HEADER -> header true, and so on. Value is
// "true" for flag options, "*" or a comma-joined column list for FORCE_*.
type Option struct {
	Name  string
	Value string
}

// Stmt is one classified and, for KindParsed, rewritten statement. It
// holds no references into the source beyond copies of strings; it is
// immutable after Prepare returns and may be shared and cached.
type Stmt struct {
	Kind   Kind
	Source string // the statement text given to Prepare

	// Text is the rewritten statement for the TiDB parser (KindParsed).
	Text string
	// Params[i] is the $n that the i-th '?' in Text stands for, and
	// ParamOffsets[i] is that '?''s byte offset in Text, which the TiDB
	// parser reports as ParamMarkerExpr.Offset (it leaves Order at 0; use
	// ParamAt). NumParams is the largest n in this statement including
	// nested Stmts (RETURNING, ON CONFLICT, generate_series arguments,
	// EXECUTE arguments, PREPARE body).
	Params       []int
	ParamOffsets []int
	NumParams    int
	// Casts lists every pdb_cast call written into Text, in text order.
	Casts []Cast

	// Rewrites records what the parse-level rewrites stripped or changed;
	// nil when nothing was.
	*Rewrites

	// spans maps Text back to Source, one entry per emitted token in
	// Text order (position.go); semi is 1 + the byte offset of the ';'
	// that ended Source, 0 if none; base is the number of characters
	// before Source in the text given to Prepare (a PREPARE body's).
	spans []span
	semi  int
	base  int

	// Utility details; which are set depends on Kind.
	Name       string // Set/Show/Reset GUC name, savepoint, prepared statement, Discard target
	Values     []string
	Default    bool // SET x TO DEFAULT
	Local      bool // SET LOCAL
	Session    bool // SET SESSION CHARACTERISTICS AS TRANSACTION
	Chain      bool // COMMIT/ROLLBACK AND CHAIN
	Start      bool // KindBegin written START TRANSACTION (its command tag)
	Txn        TxnModes
	Tables     []ObjectName // Truncate, Vacuum, Analyze
	Restart    bool         // TRUNCATE ... RESTART IDENTITY
	Cascade    bool         // TRUNCATE ... CASCADE
	Copy       *CopyStmt
	Role       *RoleStmt
	ParamTypes []TypeName // PREPARE name (types)
	Body       *Stmt      // PREPARE ... AS body
	Args       *Stmt      // EXECUTE name (args): "SELECT args", KindParsed
}

// ParamAt returns the $n of the '?' at byte offset off of Text (a
// ParamMarkerExpr's Offset).
func (s *Stmt) ParamAt(off int) (int, bool) {
	for i, o := range s.ParamOffsets {
		if o == off {
			return s.Params[i], true
		}
	}
	return 0, false
}

// Value joins Values as Postgres shows a list setting ("a, b").
func (s *Stmt) Value() string { return strings.Join(s.Values, ", ") }

// Prepare classifies one statement (as returned by Split, without the
// trailing ';') and, if it is not a utility statement, rewrites it for the
// TiDB parser. Errors are *SyntaxError with Pos relative to stmt.
func Prepare(stmt string) (*Stmt, error) {
	toks, err := Tokenize(stmt)
	if err != nil {
		return nil, err
	}
	// Prepare takes one statement; a trailing ';' is tolerated, and
	// errors at the end of the statement point at it.
	semi := 0
	for len(toks) > 0 && toks[len(toks)-1].isPunct(";") {
		semi = toks[len(toks)-1].Pos + 1
		toks = toks[:len(toks)-1]
	}
	for _, t := range toks {
		if t.isPunct(";") {
			return nil, withPosition(syntaxErr(t.Pos, "cannot insert multiple commands into a prepared statement"), stmt)
		}
	}
	s, err := prepareTokens(stmt, toks, semi, 0)
	if err != nil {
		return nil, withPosition(err, stmt)
	}
	return s, nil
}

// prepareTokens classifies and rewrites toks, the tokens of src without
// the terminating ';' (at byte semi-1 of src if semi > 0); base is the
// number of characters before src in the text given to Prepare.
func prepareTokens(src string, toks []Token, semi, base int) (*Stmt, error) {
	s := &Stmt{Source: src, semi: semi, base: base}
	if len(toks) == 0 {
		s.Kind = KindEmpty
		return s, nil
	}
	for _, t := range toks {
		if (t.Kind == Ident || t.Kind == QuotedIdent) && strings.HasPrefix(strings.ToLower(t.Text), internalPrefix) {
			return nil, codedErr(CodeReservedName, t.Pos, "name %q uses the reserved prefix %q", t.Text, internalPrefix)
		}
	}
	handled, err := utility(s, toks)
	if err != nil {
		return nil, err
	}
	if handled {
		s.NumParams = maxParam(s)
		return s, nil
	}
	s.Kind = KindParsed
	if err := rewrite(s, toks); err != nil {
		return nil, err
	}
	s.NumParams = maxParam(s)
	return s, nil
}

// maxParam is the largest $n of s and its nested statements.
func maxParam(s *Stmt) int {
	if s == nil {
		return 0
	}
	m := 0
	for _, n := range s.Params {
		m = max(m, n)
	}
	for _, c := range s.nested() {
		m = max(m, maxParam(c))
	}
	return m
}

// nested lists the statements held inside s.
func (s *Stmt) nested() []*Stmt {
	var out []*Stmt
	add := func(c *Stmt) {
		if c != nil {
			out = append(out, c)
		}
	}
	add(s.Body)
	add(s.Args)
	if s.Copy != nil {
		add(s.Copy.Query)
	}
	if s.Rewrites != nil {
		add(s.Returning)
		if s.OnConflict != nil {
			add(s.OnConflict.Update)
		}
		for _, g := range s.Series {
			add(g.Args)
		}
	}
	return out
}
