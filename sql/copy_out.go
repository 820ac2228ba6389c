package sql

import (
	"context"
	"encoding/binary"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/sql/pgcodec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// CopyOut is the output of COPY TO STDOUT.
type CopyOut struct {
	// Binary is the overall format for CopyOutResponse.
	Binary     bool
	NumColumns int
	// Data are the CopyData payloads: one per row (and one for the text
	// header line); in binary, the file header goes with the first row
	// and the trailer is the last payload. Payloads share large backing
	// arrays, so a few allocations serve many rows.
	Data [][]byte
}

// copyOut runs COPY TO STDOUT, from a table or a query.
func (s *Session) copyOut(ctx context.Context, cp *dialect.CopyStmt, opts copyOptions) (*Result, error) {
	return s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) {
		s.plan.Txn = tx
		q, t, err := s.planCopyOut(cp)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(q.Columns))
		types := make([]planner.Type, len(q.Columns))
		hasReg := false
		for i, c := range q.Columns {
			names[i], types[i] = c.Name, c.Type
			hasReg = hasReg || c.Type.IsReg()
		}
		w := &copyWriter{opts: &opts, types: types, loc: s.sem.Loc, single: len(names) == 1}
		if w.forceQuote, err = forceList(t, names, opts.forceQuote, "FORCE_QUOTE"); err != nil {
			return nil, err
		}
		if opts.forceQuoteAll {
			for i := range w.forceQuote {
				w.forceQuote[i] = true
			}
		}
		it, err := exec.Build(s.execContext(ctx, tx, nil), q.Plan)
		if err != nil {
			return nil, err
		}
		defer it.Close()
		if opts.header {
			w.header(names)
		}
		n := 0
		for {
			row, err := it.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			if hasReg && opts.format != formatBinary {
				// reg* columns print names in text, as in a query's
				// result; binary COPY sends their OIDs, as Postgres does.
				row = append([]storage.Value(nil), row...)
				s.regNames(q.Columns, [][]storage.Value{row})
			}
			if err := w.row(row); err != nil {
				return nil, err
			}
			n++
		}
		w.finish()
		out := &CopyOut{Binary: opts.format == formatBinary, NumColumns: len(names), Data: w.data}
		return &Result{CopyOut: out, Tag: "COPY " + strconv.Itoa(n)}, nil
	})
}

// planCopyOut plans the query whose rows COPY sends; t is the table for
// COPY table TO (nil for a query).
func (s *Session) planCopyOut(cp *dialect.CopyStmt) (*planner.Query, *catalog.Table, error) {
	st := cp.Query
	var t *catalog.Table
	if st == nil {
		var err error
		if t, err = s.plan.TableByName(cp.Table.Name); err != nil {
			if _, verr := s.e.cat.View(s.plan.Txn, cp.Table.Name); verr == nil {
				return nil, nil, pgerr.New(pgerr.WrongObjectType, "cannot copy from view %q", cp.Table.Name).
					WithHint("Try the COPY (SELECT ...) TO variant.")
			}
			return nil, nil, err
		}
		names, err := copyColumns(t, cp.Columns)
		if err != nil {
			return nil, nil, err
		}
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = quoteIdent(n)
		}
		if st, err = dialect.Prepare("SELECT " + strings.Join(quoted, ", ") + " FROM " + quoteIdent(t.Name)); err != nil {
			return nil, nil, syntaxError(err)
		}
	}
	nodes, _, err := s.parser.Parse(st.Text, "", "")
	if err != nil {
		return nil, nil, stmtParseError(st, err)
	}
	sel, ok := nodes[0].(ast.ResultSetNode)
	if len(nodes) != 1 || !ok {
		return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "COPY (query) TO supports only SELECT, VALUES and TABLE queries")
	}
	s.plan.Begin(st, nil)
	q, err := s.plan.PlanSelect(sel)
	return q, t, err
}

// copyWriter formats COPY TO's rows as Postgres's CopyOneRowTo does.
type copyWriter struct {
	opts       *copyOptions
	types      []planner.Type
	loc        *time.Location
	forceQuote []bool
	single     bool // one column: a CSV value \. must be quoted
	started    bool // the binary header is out
	data       [][]byte
	arena      []byte // backing array of the latest payloads
	line, val  []byte // scratch
}

// emit adds a payload, copied into the arena.
func (w *copyWriter) emit(b []byte) {
	if cap(w.arena)-len(w.arena) < len(b) {
		w.arena = make([]byte, 0, max(64<<10, len(b)))
	}
	start := len(w.arena)
	w.arena = append(w.arena, b...)
	w.data = append(w.data, w.arena[start:len(w.arena):len(w.arena)])
}

func (w *copyWriter) header(names []string) {
	w.line = w.line[:0]
	for i, n := range names {
		if i > 0 {
			w.line = append(w.line, w.opts.delim)
		}
		if w.opts.format == formatCSV {
			w.line = w.appendCSV(w.line, []byte(n), false)
		} else {
			w.line = w.appendText(w.line, []byte(n))
		}
	}
	w.line = append(w.line, '\n')
	w.emit(w.line)
}

func (w *copyWriter) row(row []storage.Value) error {
	w.line = w.line[:0]
	if w.opts.format == formatBinary {
		return w.binaryRow(row)
	}
	for i, v := range row {
		if i > 0 {
			w.line = append(w.line, w.opts.delim)
		}
		if v.IsNull() {
			w.line = append(w.line, w.opts.null...)
			continue
		}
		w.val = pgcodec.AppendText(w.val[:0], v, w.types[i], w.loc)
		if w.opts.format == formatCSV {
			w.line = w.appendCSV(w.line, w.val, w.forceQuote[i])
		} else {
			w.line = w.appendText(w.line, w.val)
		}
	}
	w.line = append(w.line, '\n')
	w.emit(w.line)
	return nil
}

func (w *copyWriter) binaryRow(row []storage.Value) error {
	if !w.started {
		w.line = binaryHeader(w.line)
		w.started = true
	}
	w.line = binary.BigEndian.AppendUint16(w.line, uint16(len(row)))
	for i, v := range row {
		if v.IsNull() {
			w.line = binary.BigEndian.AppendUint32(w.line, 0xffffffff)
			continue
		}
		at := len(w.line)
		w.line = append(w.line, 0, 0, 0, 0)
		var err error
		if w.line, err = pgcodec.AppendBinary(w.line, v, w.types[i]); err != nil {
			return err
		}
		binary.BigEndian.PutUint32(w.line[at:], uint32(len(w.line)-at-4))
	}
	w.emit(w.line)
	return nil
}

func binaryHeader(b []byte) []byte {
	b = append(b, binarySignature...)
	return append(b, 0, 0, 0, 0, 0, 0, 0, 0) // flags, header extension length
}

// finish adds the binary trailer.
func (w *copyWriter) finish() {
	if w.opts.format != formatBinary {
		return
	}
	w.line = w.line[:0]
	if !w.started {
		w.line = binaryHeader(w.line)
	}
	w.emit(append(w.line, 0xff, 0xff))
}

// appendText is CopyAttributeOutText: backslash escapes for the control
// characters that have one, the backslash and the delimiter.
func (w *copyWriter) appendText(dst, s []byte) []byte {
	delim := w.opts.delim
	for _, c := range s {
		if c < 0x20 {
			var e byte
			switch c {
			case '\b':
				e = 'b'
			case '\f':
				e = 'f'
			case '\n':
				e = 'n'
			case '\r':
				e = 'r'
			case '\t':
				e = 't'
			case '\v':
				e = 'v'
			default:
				if c == delim {
					e = c
				}
			}
			if e != 0 {
				dst = append(dst, '\\', e)
			} else {
				dst = append(dst, c)
			}
			continue
		}
		if c == '\\' || c == delim {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return dst
}

// appendCSV is CopyAttributeOutCSV: a value is quoted when forced, when
// it equals the NULL string, when it holds the delimiter, the quote or a
// line end, and when it is \. alone on its line.
func (w *copyWriter) appendCSV(dst, s []byte, quote bool) []byte {
	o := w.opts
	if !quote && string(s) == o.null {
		quote = true
	}
	if !quote && w.single && string(s) == `\.` {
		quote = true
	}
	if !quote {
		for _, c := range s {
			if c == o.delim || c == o.quote || c == '\n' || c == '\r' {
				quote = true
				break
			}
		}
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, o.quote)
	for _, c := range s {
		if c == o.quote || c == o.escape {
			dst = append(dst, o.escape)
		}
		dst = append(dst, c)
	}
	return append(dst, o.quote)
}
