package logictest

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Kind says what a record does.
type Kind int

const (
	// KindStatement is `statement ok` or `statement error ...`.
	KindStatement Kind = iota
	// KindQuery is `query <types> [sort] [label]` or `query error ...`.
	KindQuery
	// KindHashThreshold is `hash-threshold N`: hash results of more than N
	// values from here to the end of the file (0 turns hashing off).
	KindHashThreshold
	// KindHalt is `halt`: stop running the file here.
	KindHalt
	// KindSession is `session <name>` (extension): later records run on
	// that session's connection.
	KindSession
)

func (k Kind) String() string {
	switch k {
	case KindStatement:
		return "statement"
	case KindQuery:
		return "query"
	case KindHashThreshold:
		return "hash-threshold"
	case KindHalt:
		return "halt"
	case KindSession:
		return "session"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// SortMode is how a query's rendered results are ordered before comparing.
type SortMode int

const (
	// NoSort keeps the engine's order.
	NoSort SortMode = iota
	// RowSort sorts rows, comparing rendered values column by column
	// byte-wise.
	RowSort
	// ValueSort sorts all rendered values byte-wise, ignoring rows.
	ValueSort
)

func (m SortMode) String() string {
	return [...]string{"nosort", "rowsort", "valuesort"}[m]
}

// Condition is one `skipif <engine>` or `onlyif <engine>` line before a
// record.
type Condition struct {
	Skip   bool // skipif; false for onlyif
	Engine string
}

// Record is one parsed command with where it came from.
type Record struct {
	Kind Kind
	// Path and Line locate the command line (`statement ...`, `query ...`),
	// 1-based, for messages.
	Path string
	Line int
	// Conditions are the skipif/onlyif lines before the command.
	Conditions []Condition

	// SQL is the statement text (lines joined by "\n"), for statements and
	// queries.
	SQL string

	// ExpectError is set by `statement error` and `query error`. ErrorCode
	// (a SQLSTATE) and ErrorPattern (a regexp on the message) are optional
	// extensions; empty means any error passes.
	ExpectError  bool
	ErrorCode    string
	ErrorPattern *regexp.Regexp

	// Types is the query's type string (one letter per column: T, I, R).
	Types string
	Sort  SortMode
	// Label, if set, names a result: every query with the same label in
	// the file must return the same values (compared by hash).
	Label string
	// HasResults says a `----` line was present; Expected are the lines
	// after it, up to the blank line ending the record.
	HasResults bool
	Expected   []string
	// ResultStart and ResultEnd are the 0-based line indexes [start, end)
	// of Expected in the file (the `----` line is ResultStart-1). Without
	// `----`, both are the index of the line after the SQL, where -rewrite
	// inserts a result section.
	ResultStart, ResultEnd int

	// Threshold is the argument of hash-threshold.
	Threshold int
	// Session is the argument of session.
	Session string
}

// Pos returns "path:line".
func (r *Record) Pos() string { return fmt.Sprintf("%s:%d", r.Path, r.Line) }

// File is a parsed test file. Lines keeps the raw lines, each with its line
// ending, so -rewrite can reproduce everything it does not change byte for
// byte.
type File struct {
	Path    string
	Lines   []string
	Records []Record
}

// ParseFile reads and parses the file at path.
func ParseFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// sqlstateRE matches a SQLSTATE: five digits or upper-case letters.
var sqlstateRE = regexp.MustCompile(`^[0-9A-Z]{5}$`)

// Parse parses a test file's contents; path is used in positions.
func Parse(path string, data []byte) (*File, error) {
	f := &File{Path: path, Lines: splitLines(data)}
	p := parser{f: f}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return f, nil
}

// splitLines splits data after each "\n"; the last line may lack one.
func splitLines(data []byte) []string {
	var lines []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, string(data))
			break
		}
		lines = append(lines, string(data[:i+1]))
		data = data[i+1:]
	}
	return lines
}

type parser struct {
	f *File
	i int // index of the next line
}

// text returns line i without its line ending.
func (p *parser) text(i int) string {
	return strings.TrimRight(p.f.Lines[i], "\r\n")
}

// blank reports whether line i ends a record: empty or only white space.
func (p *parser) blank(i int) bool { return strings.TrimSpace(p.text(i)) == "" }

// comment reports whether line i is a comment: it starts with '#'. As in
// SQLite's runner, comment lines are ignored everywhere, even inside a
// record.
func (p *parser) comment(i int) bool { return strings.HasPrefix(p.text(i), "#") }

func (p *parser) errorf(i int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.f.Path, i+1, fmt.Sprintf(format, args...))
}

func (p *parser) parse() error {
	n := len(p.f.Lines)
	for p.i < n {
		if p.blank(p.i) || p.comment(p.i) {
			p.i++
			continue
		}
		if err := p.block(); err != nil {
			return err
		}
	}
	return nil
}

// block parses the commands of one block of non-blank lines. Directives
// (hash-threshold, halt, session) take one line and may be followed by
// another command in the same block.
func (p *parser) block() error {
	n := len(p.f.Lines)
	var conds []Condition
	for p.i < n && !p.blank(p.i) {
		if p.comment(p.i) {
			p.i++
			continue
		}
		line := p.i
		fields := strings.Fields(p.text(line))
		p.i++
		rec := Record{Path: p.f.Path, Line: line + 1}
		switch fields[0] {
		case "skipif", "onlyif":
			if len(fields) < 2 {
				return p.errorf(line, "%s needs an engine name", fields[0])
			}
			conds = append(conds, Condition{Skip: fields[0] == "skipif", Engine: fields[1]})
			continue
		case "hash-threshold":
			if len(fields) < 2 {
				return p.errorf(line, "hash-threshold needs a number")
			}
			t, err := strconv.Atoi(fields[1])
			if err != nil || t < 0 {
				return p.errorf(line, "bad hash-threshold %q", fields[1])
			}
			rec.Kind, rec.Threshold = KindHashThreshold, t
		case "halt":
			rec.Kind = KindHalt
		case "session":
			if len(fields) != 2 {
				return p.errorf(line, "usage: session <name>")
			}
			rec.Kind, rec.Session = KindSession, fields[1]
		case "statement":
			rec.Kind = KindStatement
			if err := p.statementHeader(&rec, line, fields); err != nil {
				return err
			}
			rec.SQL = p.sql(false)
		case "query":
			rec.Kind = KindQuery
			if err := p.queryHeader(&rec, line, fields); err != nil {
				return err
			}
			rec.SQL = p.sql(true)
			if !rec.ExpectError {
				p.results(&rec)
			}
		default:
			return p.errorf(line, "unknown command %q", fields[0])
		}
		if (rec.Kind == KindStatement || rec.Kind == KindQuery) && rec.SQL == "" {
			return p.errorf(line, "%s without SQL", rec.Kind)
		}
		rec.Conditions, conds = conds, nil
		p.f.Records = append(p.f.Records, rec)
	}
	if conds != nil {
		return p.errorf(p.i-1, "skipif/onlyif without a command")
	}
	return nil
}

func (p *parser) statementHeader(rec *Record, line int, fields []string) error {
	if len(fields) < 2 {
		return p.errorf(line, "statement needs ok or error")
	}
	switch fields[1] {
	case "ok":
		return nil
	case "error":
		return p.errorSpec(rec, line)
	}
	return p.errorf(line, "statement %q: want ok or error", fields[1])
}

// errorSpec parses "<statement|query> error [SQLSTATE] [regexp]".
func (p *parser) errorSpec(rec *Record, line int) error {
	rec.ExpectError = true
	rest := afterFields(p.text(line), 2) // drop "statement error"
	if code, tail, _ := strings.Cut(rest, " "); sqlstateRE.MatchString(code) {
		rec.ErrorCode, rest = code, strings.TrimSpace(tail)
	}
	if rest != "" {
		re, err := regexp.Compile(rest)
		if err != nil {
			return p.errorf(line, "bad error regexp: %v", err)
		}
		rec.ErrorPattern = re
	}
	return nil
}

func (p *parser) queryHeader(rec *Record, line int, fields []string) error {
	if len(fields) < 2 {
		return p.errorf(line, "query needs a type string")
	}
	if fields[1] == "error" {
		return p.errorSpec(rec, line)
	}
	rec.Types = fields[1]
	for _, c := range rec.Types {
		if c != 'T' && c != 'I' && c != 'R' {
			return p.errorf(line, "type letter %q: want T, I or R", c)
		}
	}
	if len(fields) > 2 {
		switch fields[2] {
		case "nosort":
			rec.Sort = NoSort
		case "rowsort":
			rec.Sort = RowSort
		case "valuesort":
			rec.Sort = ValueSort
		default:
			return p.errorf(line, "sort mode %q: want nosort, rowsort or valuesort", fields[2])
		}
	}
	if len(fields) > 3 {
		rec.Label = fields[3]
	}
	return nil
}

// sql collects SQL lines up to the end of the block (or, for a query, up to
// a `----` line, which it does not consume).
func (p *parser) sql(query bool) string {
	var b strings.Builder
	n := len(p.f.Lines)
	for ; p.i < n && !p.blank(p.i); p.i++ {
		if p.comment(p.i) {
			continue
		}
		t := p.text(p.i)
		if query && t == "----" {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(t)
	}
	return b.String()
}

// results consumes an optional `----` line and the expected lines after it.
func (p *parser) results(rec *Record) {
	n := len(p.f.Lines)
	if p.i >= n || p.text(p.i) != "----" {
		rec.ResultStart, rec.ResultEnd = p.i, p.i
		return
	}
	p.i++
	rec.HasResults = true
	rec.ResultStart = p.i
	for ; p.i < n && !p.blank(p.i); p.i++ {
		if !p.comment(p.i) {
			rec.Expected = append(rec.Expected, p.text(p.i))
		}
	}
	rec.ResultEnd = p.i
}

// afterFields returns s without its first n white-space separated fields,
// trimmed.
func afterFields(s string, n int) string {
	for range n {
		s = strings.TrimLeft(s, " \t")
		if i := strings.IndexAny(s, " \t"); i >= 0 {
			s = s[i:]
		} else {
			s = ""
		}
	}
	return strings.TrimSpace(s)
}
