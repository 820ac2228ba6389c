package sqlrecover_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/recovery"
)

// TestScenarios runs the recovery scenarios in testdata/recovery. A
// scenario is a list of commands, one per line ('#' comments):
//
//	exec [session] SQL        run SQL (one line) on a session ("" by default)
//	checkpoint                CHECKPOINT: what was committed so far is durable
//	crash                     end the run without a final checkpoint
//	recover                   start again from the checkpoint directory
//	query [session] SQL       run SQL; the expected rows follow, one per
//	                          line, values separated by '|', ended by "----"
//	error [session] SQL       run SQL; it must fail with the text after "=>"
//
// A session name in brackets ([alice]) opens or reuses a named session,
// whose commit point survives recovery.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "recovery", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runScenario(t, f) })
	}
}

func runScenario(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l := start(t, dir, recovery.Options{})
	sessions := map[string]int{}
	sess := func(name string) int {
		if i, ok := sessions[name]; ok {
			return i
		}
		l.session(name)
		sessions[name] = len(l.ss) - 1
		return sessions[name]
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	lineNo := 0
	next := func() (string, bool) {
		for sc.Scan() {
			lineNo++
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				return line, true
			}
		}
		return "", false
	}
	for {
		line, ok := next()
		if !ok {
			break
		}
		at := lineNo
		cmd, rest, _ := strings.Cut(line, " ")
		name := ""
		if strings.HasPrefix(rest, "[") {
			if i := strings.Index(rest, "]"); i > 0 {
				name, rest = rest[1:i], strings.TrimSpace(rest[i+1:])
			}
		}
		switch cmd {
		case "exec":
			if _, err := l.ss[sess(name)].Exec(context.Background(), rest); err != nil {
				t.Fatalf("%s:%d: %s: %v", path, at, rest, err)
			}
		case "checkpoint":
			if _, err := l.ss[sess("")].Exec(context.Background(), "CHECKPOINT"); err != nil {
				t.Fatalf("%s:%d: %v", path, at, err)
			}
		case "crash":
			l.stop()
		case "recover":
			l.stop()
			l = start(t, dir, recovery.Options{Strict: true})
			sessions = map[string]int{}
		case "query":
			var want []string
			for {
				row, ok := next()
				if !ok {
					t.Fatalf("%s:%d: query without ----", path, at)
				}
				if row == "----" {
					break
				}
				want = append(want, row)
			}
			var got []string
			for _, r := range query(t, l.ss[sess(name)], rest) {
				got = append(got, strings.Join(r, "|"))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("%s:%d: %s\n got: %q\nwant: %q", path, at, rest, got, want)
			}
		case "error":
			q, want, _ := strings.Cut(rest, "=>")
			_, err := l.ss[sess(name)].Exec(context.Background(), strings.TrimSpace(q))
			if err == nil || !strings.Contains(err.Error(), strings.TrimSpace(want)) {
				t.Fatalf("%s:%d: %s: error %v, want %q", path, at, q, err, strings.TrimSpace(want))
			}
		default:
			t.Fatalf("%s:%d: unknown command %q", path, at, cmd)
		}
	}
}
