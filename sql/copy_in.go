package sql

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/sql/pgcodec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// CopyIn is a COPY FROM STDIN in progress (see copy.go). It belongs to
// its session's goroutine, like the session.
type CopyIn struct {
	s    *Session
	opts copyOptions
	t    *catalog.Table
	// names and types describe the copied columns, in COPY's order; the
	// i-th field of a row is parameter $i+1 of the planned INSERT.
	names []string
	types []planner.Type
	// forceNotNull and forceNull are the CSV flags per copied column.
	forceNotNull, forceNull []bool

	tx       *txn.Txn
	implicit bool // tx is the COPY's own transaction, not the block's
	run      *dmlRun
	w        *rowWriter
	rows     *copyRows
	checks   []catalog.Check
	vals     []storage.Value // the current row's fields; exec.Context.Params

	// buf holds input not yet consumed; lines splits it (text and CSV).
	buf        []byte
	lines      lineScanner
	fields     fieldSplitter
	bin        binaryReader
	headerDone bool
	ended      bool // the end marker was seen; later data is ignored
	count      int
	// err is the error that ended the COPY; done is set after Done.
	err  error
	done bool
}

// copyIn starts COPY FROM STDIN.
func (s *Session) copyIn(ctx context.Context, cp *dialect.CopyStmt, opts copyOptions) (*Result, error) {
	c := &CopyIn{s: s, opts: opts}
	if s.tx != nil || s.implicit {
		// The block's transaction (inTxn opens an implicit block's), which
		// the block's end commits.
		_, _ = s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) { c.tx = tx; return nil, nil })
	} else {
		// A transaction of the COPY's own, which inTxn cannot give: it
		// must stay open after this call returns, until Done.
		s.sem.Now = time.Now()
		if s.optsGen != s.settings.gen+1 {
			s.opts, s.optsGen = s.txnOptions(dialect.TxnModes{}), s.settings.gen+1
		}
		c.tx, c.implicit = s.ts.Begin(s.opts), true
	}
	if err := c.prepare(ctx, cp); err != nil {
		if c.implicit {
			c.tx.Rollback()
		}
		return nil, err
	}
	return &Result{CopyIn: c}, nil
}

// prepare plans the INSERT the rows go through.
func (c *CopyIn) prepare(ctx context.Context, cp *dialect.CopyStmt) error {
	s := c.s
	s.plan.Txn = c.tx
	t, err := s.plan.TableByName(cp.Table.Name)
	if err != nil {
		if _, verr := s.e.cat.View(c.tx, cp.Table.Name); verr == nil {
			return pgerr.New(pgerr.WrongObjectType, "cannot copy to view %q", cp.Table.Name).
				WithHint("To enable copying to a view, provide an INSTEAD OF INSERT trigger.")
		}
		return err
	}
	c.t = t
	if c.names, err = copyColumns(t, cp.Columns); err != nil {
		return err
	}
	var text strings.Builder
	text.WriteString("INSERT INTO ")
	text.WriteString(quoteIdent(t.Name))
	text.WriteString(" (")
	for i, n := range c.names {
		if i > 0 {
			text.WriteString(", ")
		}
		text.WriteString(quoteIdent(n))
	}
	text.WriteString(") VALUES (")
	c.types = make([]planner.Type, len(c.names))
	for i, n := range c.names {
		if i > 0 {
			text.WriteString(", ")
		}
		text.WriteString("$" + strconv.Itoa(i+1))
		col := t.Columns[t.ColumnIndex(n)]
		name := col.PgType
		if name == "" {
			name = col.Type.String()
		}
		c.types[i] = planner.Type{T: col.Type, Name: name, Typmod: col.Typmod}
	}
	text.WriteString(")")
	st, err := dialect.Prepare(text.String())
	if err != nil {
		return syntaxError(err)
	}
	nodes, _, err := s.parser.Parse(st.Text, "", "")
	if err != nil {
		return parseError(err)
	}
	ins, ok := nodes[0].(*ast.InsertStmt)
	if !ok {
		return pgerr.New(pgerr.InternalError, "COPY planned %T, not an INSERT", nodes[0])
	}
	s.plan.Begin(st, c.types)
	ip, err := s.plan.PlanInsert(ins)
	if err != nil {
		return err
	}
	if err := c.forceFlags(); err != nil {
		return err
	}
	c.run = s.newRun(ctx, c.tx, nil)
	if c.w, err = c.run.writer(t); err != nil {
		return err
	}
	c.vals = make([]storage.Value, len(c.names))
	c.run.ec.Params = c.vals
	c.rows = newCopyRows(c.run.ec, ip.Source)
	c.checks = ip.Checks
	c.lines = lineScanner{csv: c.opts.format == formatCSV, quote: c.opts.quote, escape: c.opts.escape}
	return nil
}

// copyColumns checks COPY's column list; none means every visible column.
func copyColumns(t *catalog.Table, list []string) ([]string, error) {
	if len(list) == 0 {
		var out []string
		for _, c := range t.Columns {
			if !c.Hidden && !c.Dropped {
				out = append(out, c.Name)
			}
		}
		return out, nil
	}
	seen := map[string]bool{}
	for _, n := range list {
		i := t.ColumnIndex(n)
		if i < 0 || t.Columns[i].Hidden {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", n, t.Name)
		}
		if seen[n] {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", n)
		}
		seen[n] = true
	}
	return list, nil
}

// forceFlags resolves FORCE_NOT_NULL and FORCE_NULL against the columns.
func (c *CopyIn) forceFlags() error {
	var err error
	if c.forceNotNull, err = forceList(c.t, c.names, c.opts.forceNotNull, "FORCE_NOT_NULL"); err != nil {
		return err
	}
	c.forceNull, err = forceList(c.t, c.names, c.opts.forceNull, "FORCE_NULL")
	return err
}

// forceList maps a FORCE_* column list to flags over the copied columns.
func forceList(t *catalog.Table, names, list []string, option string) ([]bool, error) {
	flags := make([]bool, len(names))
	for _, n := range list {
		if t != nil && t.ColumnIndex(n) < 0 {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", n, t.Name)
		}
		i := indexOf(names, n)
		if i < 0 {
			return nil, pgerr.New(pgerr.InvalidColumnReference, "%s column %q not referenced by COPY", option, n)
		}
		flags[i] = true
	}
	return flags, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// Binary reports whether the client sends the binary format.
func (c *CopyIn) Binary() bool { return c.opts.format == formatBinary }

// NumColumns is the number of columns each row carries.
func (c *CopyIn) NumColumns() int { return len(c.names) }

// Write consumes one CopyData payload, inserting every row it completes.
// After an error the COPY is over (see copy.go); the caller still calls
// Fail and ignores its error.
func (c *CopyIn) Write(ctx context.Context, data []byte) error {
	if c.err != nil {
		return c.err
	}
	if c.done {
		return pgerr.New(pgerr.ProtocolViolation, "COPY data after CopyDone")
	}
	if c.ended && !c.Binary() {
		return nil
	}
	c.run.ctx = ctx
	c.buf = append(c.buf, data...)
	if err := c.consume(false); err != nil {
		return c.abort(err)
	}
	return nil
}

// Done ends the input: the final line, the foreign-key checks, and the
// commit of an implicit transaction.
func (c *CopyIn) Done(ctx context.Context) (*Result, error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.done {
		return nil, pgerr.New(pgerr.ProtocolViolation, "COPY is already done")
	}
	c.run.ctx = ctx
	if err := c.consume(true); err != nil {
		return nil, c.abort(err)
	}
	if err := c.run.finish(); err != nil {
		return nil, c.abort(err)
	}
	c.done, c.buf = true, nil
	if c.implicit {
		if err := c.s.commitTxn(ctx, c.tx); err != nil {
			c.err = c.s.fail(err)
			return nil, c.err
		}
	}
	return &Result{Tag: "COPY " + strconv.Itoa(c.count)}, nil
}

// Fail is the client's CopyFail: the COPY's work is undone.
func (c *CopyIn) Fail(msg string) error {
	err := pgerr.New(pgerr.QueryCanceled, "COPY from stdin failed: %s", msg)
	if c.err != nil || c.done {
		return err
	}
	// The context names the line being read, as Postgres's does.
	line := c.lines.lineNo
	if !c.lines.started {
		line++
	}
	if c.Binary() {
		line = c.bin.lineNo + 1
	}
	err = err.WithWhere("%s", copyContext(c.t.Name, line, "", nil, false))
	return c.abort(err)
}

// abort ends the COPY with err: an implicit transaction rolls back, an
// open block becomes failed.
func (c *CopyIn) abort(err error) error {
	c.err = c.s.fail(err)
	if c.implicit {
		c.tx.Rollback()
	}
	c.buf = nil
	return c.err
}

// consume inserts the rows complete in buf; final says no more input
// follows.
func (c *CopyIn) consume(final bool) error {
	if c.Binary() {
		return c.consumeBinary(final)
	}
	off := 0
	defer func() {
		// Keep the partial line at the front, reusing the buffer.
		c.buf = c.buf[:copy(c.buf, c.buf[off:])]
	}()
	for !c.ended {
		line, next, st, err := c.lines.next(c.buf[off:], final)
		if err != nil {
			return withContext(err, copyContext(c.t.Name, c.lines.lineNo, "", nil, false))
		}
		switch st {
		case lineNeedMore:
			return nil
		case lineEndMarker:
			c.ended = true
			off = len(c.buf)
			if len(line) == 0 {
				return nil
			}
		case lineEOF:
			off = len(c.buf)
			return nil
		}
		if err := c.line(line); err != nil {
			return err
		}
		off += next
	}
	off = len(c.buf)
	return nil
}

// line inserts the row of one text or CSV line.
func (c *CopyIn) line(line []byte) error {
	lineNo := c.lines.lineNo
	lineErr := func(err error) error {
		return withContext(err, copyContext(c.t.Name, lineNo, "", line, true))
	}
	if err := verifyLine(line); err != nil {
		return withContext(err, copyContext(c.t.Name, lineNo, "", nil, false))
	}
	fields, err := c.fields.split(line, &c.opts)
	if err != nil {
		return lineErr(err)
	}
	if c.opts.header && !c.headerDone {
		c.headerDone = true
		if c.opts.headerMatch {
			return lineErr(c.matchHeader(fields))
		}
		return nil
	}
	if len(fields) > len(c.names) {
		return lineErr(pgerr.New(pgerr.BadCopyFileFormat, "extra data after last expected column"))
	}
	for i := range c.names {
		if i >= len(fields) {
			return lineErr(pgerr.New(pgerr.BadCopyFileFormat, "missing data for column %q", c.names[i]))
		}
		f := fields[i]
		null := f.null
		if c.opts.format == formatCSV {
			switch {
			case null && c.forceNotNull[i]:
				null, f.val = false, []byte(c.opts.null)
			case !null && c.forceNull[i] && string(f.val) == c.opts.null:
				null = true
			}
		}
		if null {
			c.vals[i] = storage.Null()
			continue
		}
		v, err := pgcodec.DecodeText(&c.s.sem, f.val, c.types[i])
		if err != nil {
			return withContext(err, copyContext(c.t.Name, lineNo, c.names[i], f.val, true))
		}
		c.vals[i] = v
	}
	if err := c.insert(); err != nil {
		if pgerr.CodeOf(err) == pgerr.UniqueViolation {
			return withContext(err, copyContext(c.t.Name, lineNo, "", nil, false))
		}
		return lineErr(err)
	}
	return nil
}

// matchHeader is HEADER MATCH: the header names the copied columns.
func (c *CopyIn) matchHeader(fields []copyField) error {
	if len(fields) != len(c.names) {
		return pgerr.New(pgerr.BadCopyFileFormat, "wrong number of fields in header line: got %d, expected %d", len(fields), len(c.names))
	}
	for i, f := range fields {
		if f.null {
			return pgerr.New(pgerr.BadCopyFileFormat, "column name mismatch in header line field %d: got null value (%q), expected %q", i+1, c.opts.null, c.names[i])
		}
		if string(f.val) != c.names[i] {
			return pgerr.New(pgerr.BadCopyFileFormat, "column name mismatch in header line field %d: got %q, expected %q", i+1, f.val, c.names[i])
		}
	}
	return nil
}

// insert writes the row whose fields are in vals, as INSERT does.
func (c *CopyIn) insert() error {
	full, err := c.rows.next()
	if err != nil {
		return err
	}
	n := len(c.t.Columns)
	row := full[:n]
	if err := c.w.check(row, full[n:], c.checks); err != nil {
		return err
	}
	if err := c.w.insert(c.run.ctx, row); err != nil {
		return err
	}
	c.count++
	return c.run.afterInsert(c.w, row)
}

// copyRows evaluates the planned INSERT's source for one row of
// parameters: the VALUES row (parameters and defaults) and the CHECK
// projection above it, compiled once. A plan of another shape is run
// through exec.Build per row, slower but equally right.
type copyRows struct {
	ec      *exec.Context
	node    plan.Node
	values  []exec.Eval
	project []exec.Eval
	mid     []storage.Value
	out     []storage.Value
}

func newCopyRows(ec *exec.Context, n plan.Node) *copyRows {
	r := &copyRows{ec: ec, node: n}
	v, ok := n.(*plan.Values)
	var p *plan.Project
	if !ok {
		if p, ok = n.(*plan.Project); ok {
			v, ok = p.Input.(*plan.Values)
		}
	}
	if !ok || len(v.Rows) != 1 {
		return r
	}
	for _, e := range v.Rows[0] {
		r.values = append(r.values, exec.Compile(ec, e))
	}
	r.mid = make([]storage.Value, len(r.values))
	if p != nil {
		for _, e := range p.Exprs {
			r.project = append(r.project, exec.Compile(ec, e))
		}
		r.out = make([]storage.Value, len(r.project))
	}
	return r
}

// next returns the row; it is valid until the next call.
func (r *copyRows) next() ([]storage.Value, error) {
	if r.values == nil {
		it, err := exec.Build(r.ec, r.node)
		if err != nil {
			return nil, err
		}
		rows, err := exec.Collect(it)
		if err != nil {
			return nil, err
		}
		if len(rows) != 1 {
			return nil, errors.New("sql: COPY's INSERT plan made other than one row")
		}
		return rows[0], nil
	}
	var err error
	for i, f := range r.values {
		if r.mid[i], err = f(nil); err != nil {
			return nil, err
		}
	}
	if r.project == nil {
		return r.mid, nil
	}
	for i, f := range r.project {
		if r.out[i], err = f(r.mid); err != nil {
			return nil, err
		}
	}
	return r.out, nil
}
