package clitest

// TestPsql runs scripted psql sessions against the server. The dialect:
//
//	testdata/psql/NAME.sql   a psql script, run from testdata/psql as
//	                           psql -X -w -h HOST -p PORT -U postgres -d postgres \
//	                             -v ON_ERROR_STOP=1 [ARGS] -f NAME.sql
//	                         so errors are reported as "psql:NAME.sql:LINE: ERROR:  ...".
//	                         Leading lines "-- psql: ARGS" add ARGS (words, with
//	                         '...' and "..." quoting) to the command line. If ARGS
//	                         has -c, the script is not passed with -f: psql runs
//	                         the commands and the file only holds the arguments.
//	testdata/psql/NAME.out   psql's stdout and stderr, interleaved as written.
//	testdata/psql/NAME.exit  psql's exit status when it is not 0 (psql exits 3
//	                         when a script stops at an error with ON_ERROR_STOP).
//	-- serial                a leading line that runs the script alone, before
//	                         the others start: for scripts that list the whole
//	                         database (\d, \dt), whose output other scripts'
//	                         tables would change on a shared PostgreSQL.
//
// Each script gets a server of its own; the scripts still use table names
// of their own and drop what they create, so that they can run together
// against one PostgreSQL.
//
// The .out files are PostgreSQL 15's output, never PersianDB's: to write
// one, run the command the test logs against a throwaway PostgreSQL 15
// (initdb -U postgres -A trust, locale C.UTF-8) from testdata/psql, e.g.
//
//	psql -X -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -f NAME.sql >NAME.out 2>&1
//
// and check the whole directory against it with
//
//	PERSIANDB_CLITEST_ADDR=127.0.0.1:5432 go test -run TestPsql ./pgwire/clitest/
//
// psql's catalog commands (\d, \dt, \di, \du, \dn, \df, ...) read
// pg_catalog, which PersianDB computes from its catalog (describe.sql).
// Scripts avoid those whose output differs by design: \l (no template
// databases), sizes (\dt+, \di+: estimates) and the definitions of
// views more complex than one table's columns (kept as written, not
// deparsed); TestCatalogOwnOutput checks the first two against
// PersianDB's own expectations. Scripts also avoid what
// differs between two PostgreSQL servers: \conninfo, \timing, the server
// version, the default time zone.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const psqlTimeout = time.Minute

func TestPsql(t *testing.T) {
	psql := NeedTool(t, "psql")
	scripts, err := filepath.Glob(filepath.Join("testdata", "psql", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("no testdata/psql/*.sql")
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".sql")
		src, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		serial := hasDirective(string(src), "-- serial")
		t.Run(name, func(t *testing.T) {
			if !serial {
				t.Parallel()
			}
			runPsqlScript(t, psql, name)
		})
	}
}

func runPsqlScript(t *testing.T, psql, name string) {
	dir := filepath.Join("testdata", "psql")
	src, err := os.ReadFile(filepath.Join(dir, name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	wantCode := 0
	if b, err := os.ReadFile(filepath.Join(dir, name+".exit")); err == nil {
		if wantCode, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil {
			t.Fatalf("%s.exit: %v", name, err)
		}
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}
	extra, err := scriptArgs(string(src))
	if err != nil {
		t.Fatalf("%s.sql: %v", name, err)
	}

	host, port := StartServer(t)
	args := []string{"-X", "-w", "-h", host, "-p", strconv.Itoa(port), "-U", "postgres", "-d", "postgres",
		"-v", "ON_ERROR_STOP=1"}
	args = append(args, extra...)
	if !hasCommand(extra) {
		args = append(args, "-f", name+".sql")
	}
	ctx, cancel := context.WithTimeout(context.Background(), psqlTimeout)
	defer cancel()
	got, code, err := Run(ctx, dir, psql, args...)
	if err != nil {
		t.Fatalf("psql %s: %v\n%s", quoteArgs(args), err, got)
	}
	if code != wantCode || string(got) != string(want) {
		t.Errorf("from %s: psql %s\nexit status %d, want %d\n--- %s.out (PostgreSQL 15)\n+++ psql output\n%s",
			dir, quoteArgs(args), code, wantCode, name, unifiedDiff(string(want), string(got)))
	}
}

// hasDirective reports whether one of the script's leading comment lines
// is exactly d.
func hasDirective(src, d string) bool {
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "--") {
			return false
		}
		if strings.TrimSpace(line) == d {
			return true
		}
	}
	return false
}

// scriptArgs returns the words of the script's leading "-- psql:" lines.
func scriptArgs(src string) ([]string, error) {
	var args []string
	for _, line := range strings.Split(src, "\n") {
		rest, ok := strings.CutPrefix(line, "-- psql:")
		if !ok {
			break
		}
		words, err := splitWords(rest)
		if err != nil {
			return nil, err
		}
		args = append(args, words...)
	}
	return args, nil
}

func hasCommand(args []string) bool {
	for _, a := range args {
		if a == "-c" || a == "--command" || strings.HasPrefix(a, "--command=") {
			return true
		}
	}
	return false
}

// splitWords splits s at blanks outside quotes; '...' and "..." quote
// (without escapes inside).
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c in %q", quote, s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// quoteArgs renders args for a shell, to rerun a failing script by hand.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && !strings.ContainsAny(a, " \t'\"\\$`;*?&|<>(){}!#~") {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// unifiedDiff returns a unified diff (3 lines of context) from want to got,
// line by line; a missing final newline shows as a "\ No newline" line.
func unifiedDiff(want, got string) string {
	a, b := diffLines(want), diffLines(got)
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:]; the outputs are small.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '-', '+'
		line string
		i, j int // line numbers before the op, in a and b
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i], i, j})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i], i, j})
			i++
		default:
			ops = append(ops, op{'+', b[j], i, j})
			j++
		}
	}
	const context = 3
	var out strings.Builder
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		// A hunk: from context lines before the change to context lines
		// after the last change that is at most 2*context lines from the
		// next.
		start := max(k-context, 0)
		end := k
		for n := k; n < len(ops); n++ {
			if ops[n].kind != ' ' {
				end = n
			} else if n-end > 2*context {
				break
			}
		}
		end = min(end+context+1, len(ops))
		na, nb := 0, 0
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				na++
			}
			if o.kind != '-' {
				nb++
			}
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", ops[start].i+1, na, ops[start].j+1, nb)
		for _, o := range ops[start:end] {
			out.WriteByte(o.kind)
			out.WriteString(o.line)
		}
		k = end
	}
	return out.String()
}

// diffLines splits s into lines that keep their "\n"; a last line without
// one is marked.
func diffLines(s string) []string {
	var lines []string
	for s != "" {
		n := strings.IndexByte(s, '\n')
		if n < 0 {
			lines = append(lines, s+"\n\\ No newline at end of file\n")
			break
		}
		lines = append(lines, s[:n+1])
		s = s[n+1:]
	}
	return lines
}

func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct{ want, got, diff string }{
		{"a\nb\n", "a\nb\n", ""},
		{"a\nb\nc\n", "a\nx\nc\n", "@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n"},
		{"a\n", "a", "@@ -1,1 +1,1 @@\n-a\n+a\n\\ No newline at end of file\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n",
			"@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n"},
	} {
		if d := unifiedDiff(tc.want, tc.got); d != tc.diff {
			t.Errorf("unifiedDiff(%q, %q) =\n%s\nwant\n%s", tc.want, tc.got, d, tc.diff)
		}
	}
}

func TestSplitWords(t *testing.T) {
	got, err := splitWords(` -A -F '|' -c "SELECT 1; SELECT 'x'" x'y z'`)
	want := []string{"-A", "-F", "|", "-c", "SELECT 1; SELECT 'x'", "xy z"}
	if err != nil || strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("splitWords = %q, %v; want %q", got, err, want)
	}
	if _, err := splitWords(`-c "open`); err == nil {
		t.Error("splitWords accepted an unterminated quote")
	}
}
