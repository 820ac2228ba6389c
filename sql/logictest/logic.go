// The dialect
//
// A test file is a sequence of records separated by blank lines. Lines
// starting with '#' are comments, anywhere. This is SQLite's sqllogictest
// format (https://sqlite.org/sqllogictest), which runs SQLite's corpus
// unchanged, plus the extensions marked (ext) for the project's own files in
// testdata/logic/*.test.
//
//	statement ok
//	<SQL, one or more lines>
//
// runs the SQL; it must succeed.
//
//	statement error [SQLSTATE] [regexp]
//	<SQL>
//
// must fail. (ext) With a SQLSTATE (five digits or capitals, e.g. 23505) the
// error must carry that code (see SQLStater); with a regexp the message
// must match it. Bare `statement error` accepts any error.
//
//	query <types> [nosort|rowsort|valuesort] [label]
//	<SQL>
//	----
//	<expected>
//
// runs the SQL and compares its rendered results. <types> has one letter per
// column: T text, I integer, R real (render.go says exactly how each letter
// prints a value, as SQLite's runner does). The sort mode (default nosort)
// orders the rendered values before comparing: rowsort sorts rows,
// valuesort sorts the values ignoring rows; both compare byte-wise.
// <expected> is one value per line; or, if the result has more values than
// the hash threshold, the single line "<N> values hashing to <md5>" (md5 of
// the sorted values, each followed by "\n"); or (ext) one row per line,
// values separated by white space, for multi-column results in our own
// files. A query without `----` is run and not checked. A label names a
// result: all queries with the same label in a file must return values
// with the same hash (used for equivalent spellings of one query).
//
//	query error [SQLSTATE] [regexp]
//	<SQL>
//
// (ext) the query must fail, as for statement error.
//
//	hash-threshold <N>
//
// from here on, results with more than N values are compared by hash (0:
// never, which is where files start). An expected result that is a single
// hash line is compared by hash whatever the threshold, so files written
// with a threshold they do not state (select1.test) pass too. -rewrite
// writes the form the expected result had (hash line, values, rows); a new
// result is hashed above the threshold, else one value per line.
//
//	halt
//
// stops the file here; later records count as skipped.
//
//	skipif <engine>
//	onlyif <engine>
//
// prefix any record (several may stack): skip it if the engine has that
// label / lacks it. Engines have labels (Config.Labels, -label): the
// PostgreSQL oracle and PersianDB both answer to `postgresql`, so the
// corpus's PostgreSQL-specific spellings apply to both; PersianDB adds
// `persiandb`. Comparison ignores case; text after the engine name (the
// corpus writes "skipif mysql # reason") is ignored.
//
//	session <name>
//
// (ext) later records run on the named session, a connection of its own
// with its own transaction, opened on first use. Files start in session
// "default". Sessions interleave record by record on one goroutine, so a
// record that blocks on another session's lock blocks the file.
// hash-threshold, halt and session take one line and may be followed by
// another command in the same block.
//
// Each file runs on a fresh database (Opener). -rewrite (Config.Rewrite)
// replaces the expected results of queries that mismatch, or have none,
// with the actual output, and leaves every other byte of the file as it
// was; use it on our own files, never on the corpus.

package logictest

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// DefaultHashThreshold is the hash threshold a file starts with: none, so
// our own files show values. The corpus still passes: select1.test gives
// hashes without a hash-threshold line (SQLite's runner was run with -ht 8)
// and an expected single hash line is compared by hash at any threshold.
const DefaultHashThreshold = 0

// Config controls a run.
type Config struct {
	// Labels are the engine names skipif/onlyif match, e.g. "postgresql".
	Labels []string
	// MaxFailures is how many failures per file are kept for the report
	// (all are counted); 0 keeps none.
	MaxFailures int
	// Rewrite rewrites the expected results of mismatching queries in
	// place instead of failing them.
	Rewrite bool
	// Timeout bounds each record; 0 means no limit.
	Timeout time.Duration
	// Verbose, if set, gets one line per record run.
	Verbose io.Writer
}

// Failure is one failed record.
type Failure struct {
	Pos      string // path:line
	SQL      string
	Message  string   // what went wrong
	Expected []string // expected lines, for result mismatches
	Got      []string // actual lines, for result mismatches
}

// FileResult is the outcome of one file. Run counts the statements and
// queries executed; Passed+Failed == Run. Skipped counts those skipped by
// skipif/onlyif or after halt.
type FileResult struct {
	Path                         string
	Run, Passed, Failed, Skipped int
	Rewritten                    int // queries whose results -rewrite replaced
	Duration                     time.Duration
	Failures                     []Failure // the first Config.MaxFailures
	// Err is a file-level error (parse error, engine open, rewrite write);
	// the counts cover what ran before it.
	Err error
}

// OK reports whether the file ran completely without failures.
func (r *FileResult) OK() bool { return r.Err == nil && r.Failed == 0 }

// RunFile parses and runs one file on a fresh engine from open.
func RunFile(ctx context.Context, open Opener, path string, cfg Config) (res FileResult) {
	start := time.Now()
	res.Path = path
	defer func() { res.Duration = time.Since(start) }()
	f, err := ParseFile(path)
	if err != nil {
		res.Err = err
		return res
	}
	eng, err := open(ctx, path)
	if err != nil {
		res.Err = fmt.Errorf("%s: open engine: %w", path, err)
		return res
	}
	r := &runner{cfg: cfg, file: f, eng: eng, res: &res,
		sessions: map[string]Session{}, current: "default", threshold: DefaultHashThreshold,
		labels: map[string]string{}, rewrites: map[int][]string{}}
	r.run(ctx)
	if err := r.close(); err != nil && res.Err == nil {
		res.Err = fmt.Errorf("%s: close engine: %w", path, err)
	}
	if cfg.Rewrite && len(r.rewrites) > 0 && res.Err == nil {
		if err := os.WriteFile(path, rewrite(f, r.rewrites), 0o644); err != nil {
			res.Err = err
		}
	}
	return res
}

// runner is the state of one file's run.
type runner struct {
	cfg       Config
	file      *File
	eng       Engine
	res       *FileResult
	sessions  map[string]Session
	current   string
	threshold int
	labels    map[string]string // label -> hash of its first result
	rewrites  map[int][]string  // record index -> new result lines
}

func (r *runner) run(ctx context.Context) {
	recs := r.file.Records
	for i := range recs {
		rec := &recs[i]
		if r.skip(rec) {
			if rec.Kind == KindStatement || rec.Kind == KindQuery {
				r.res.Skipped++
			}
			continue
		}
		switch rec.Kind {
		case KindHashThreshold:
			r.threshold = rec.Threshold
		case KindSession:
			r.current = rec.Session
		case KindHalt:
			for _, later := range recs[i+1:] {
				if later.Kind == KindStatement || later.Kind == KindQuery {
					r.res.Skipped++
				}
			}
			return
		case KindStatement, KindQuery:
			r.res.Run++
			msg := r.record(ctx, i, rec)
			if r.cfg.Verbose != nil {
				outcome := "ok"
				if msg != nil {
					outcome = "FAIL: " + msg.Message
				}
				fmt.Fprintf(r.cfg.Verbose, "%s: %s [%s] %s\n", rec.Pos(), rec.Kind, r.current, outcome)
			}
			if msg == nil {
				r.res.Passed++
				continue
			}
			r.res.Failed++
			if len(r.res.Failures) < r.cfg.MaxFailures {
				msg.Pos, msg.SQL = rec.Pos(), rec.SQL
				r.res.Failures = append(r.res.Failures, *msg)
			}
		}
		if ctx.Err() != nil {
			r.res.Err = ctx.Err()
			return
		}
	}
}

// skip reports whether rec's conditions exclude it on this engine.
func (r *runner) skip(rec *Record) bool {
	for _, c := range rec.Conditions {
		if r.hasLabel(c.Engine) == c.Skip {
			return true
		}
	}
	return false
}

func (r *runner) hasLabel(engine string) bool {
	for _, l := range r.cfg.Labels {
		if strings.EqualFold(l, engine) {
			return true
		}
	}
	return false
}

func (r *runner) session(ctx context.Context) (Session, error) {
	if s, ok := r.sessions[r.current]; ok {
		return s, nil
	}
	s, err := r.eng.NewSession(ctx, r.current)
	if err != nil {
		return nil, fmt.Errorf("open session %q: %w", r.current, err)
	}
	r.sessions[r.current] = s
	return s, nil
}

func (r *runner) close() error {
	var first error
	for _, s := range r.sessions {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	if err := r.eng.Close(); err != nil && first == nil {
		first = err
	}
	return first
}

// record runs a statement or query and returns nil if it passed.
func (r *runner) record(ctx context.Context, i int, rec *Record) *Failure {
	if r.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.cfg.Timeout)
		defer cancel()
	}
	s, err := r.session(ctx)
	if err != nil {
		return &Failure{Message: err.Error()}
	}
	if rec.Kind == KindStatement {
		return checkError(rec, s.Exec(ctx, rec.SQL))
	}
	cols, rows, err := s.Query(ctx, rec.SQL)
	if rec.ExpectError || err != nil {
		return checkError(rec, err)
	}
	res, err := RenderResult(rec.Types, rec.Sort, cols, rows)
	if err != nil {
		return &Failure{Message: err.Error()}
	}
	if rec.Label != "" {
		h := res.Hash()
		if prev, ok := r.labels[rec.Label]; !ok {
			r.labels[rec.Label] = h
		} else if prev != h {
			return &Failure{Message: fmt.Sprintf("result differs from the earlier query labeled %s", rec.Label)}
		}
	}
	ok, form := res.Match(rec.Expected, r.threshold)
	if ok && rec.HasResults {
		return nil
	}
	got := res.Lines(form)
	if r.cfg.Rewrite {
		r.rewrites[i] = got
		r.res.Rewritten++
		return nil
	}
	if !rec.HasResults {
		return nil // unchecked query
	}
	return &Failure{Message: "results differ", Expected: rec.Expected, Got: got}
}

// checkError compares an execution error with what rec expects.
func checkError(rec *Record, err error) *Failure {
	switch {
	case err == nil && !rec.ExpectError:
		return nil
	case err == nil:
		return &Failure{Message: "succeeded, expected an error"}
	case !rec.ExpectError:
		return &Failure{Message: describe(err)}
	}
	if rec.ErrorCode != "" && SQLState(err) != rec.ErrorCode {
		return &Failure{Message: fmt.Sprintf("expected SQLSTATE %s, got %s", rec.ErrorCode, describe(err))}
	}
	if rec.ErrorPattern != nil && !rec.ErrorPattern.MatchString(err.Error()) {
		return &Failure{Message: fmt.Sprintf("expected an error matching %q, got %s", rec.ErrorPattern, describe(err))}
	}
	return nil
}

// describe prints an error with its SQLSTATE.
func describe(err error) string {
	if code := SQLState(err); code != "" {
		return fmt.Sprintf("error %s: %v", code, err)
	}
	return "error: " + err.Error()
}
