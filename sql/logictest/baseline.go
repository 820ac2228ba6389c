package logictest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// A Baseline is, per test file, how many records a reference engine
// passed: the corpus goal is to pass at least as many as PostgreSQL does
// on each file. Files are named relative to the corpus root.
type Baseline map[string]int

// ReadBaseline reads "path passed" lines; # starts a comment.
func ReadBaseline(path string) (Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := Baseline{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			return nil, fmt.Errorf("%s:%d: want \"path passed\"", path, n)
		}
		passed, err := strconv.Atoi(fields[1])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		b[fields[0]] = passed
	}
	return b, sc.Err()
}

// WriteBaseline records results, with paths relative to root.
func WriteBaseline(w io.Writer, root string, results []FileResult, label string) error {
	fmt.Fprintf(w, "# Records passed per file by %s (path relative to the corpus root, passed, run).\n", label)
	lines := make([]string, 0, len(results))
	for _, r := range results {
		rel, err := filepath.Rel(root, r.Path)
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%s %d %d", filepath.ToSlash(rel), r.Passed, r.Run))
	}
	sort.Strings(lines)
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}

// Shortfall is a file that passed fewer records than its baseline.
type Shortfall struct {
	Path           string
	Passed, Wanted int
}

// Check compares results (paths under root) with the baseline. Files
// missing from the baseline must pass completely; a file that could not
// run is a shortfall.
func (b Baseline) Check(root string, results []FileResult) []Shortfall {
	var out []Shortfall
	for _, r := range results {
		rel, err := filepath.Rel(root, r.Path)
		if err != nil {
			rel = r.Path
		}
		want, ok := b[filepath.ToSlash(rel)]
		if !ok {
			want = r.Run
		}
		if r.Err != nil || r.Passed < want {
			out = append(out, Shortfall{Path: r.Path, Passed: r.Passed, Wanted: want})
		}
	}
	return out
}
