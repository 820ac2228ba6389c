package logictest

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// CollectFiles expands the arguments into test files: a file is taken as
// is, a directory contributes every *.test under it, recursively, sorted.
func CollectFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".test") {
				found = append(found, p)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// WriteFailures prints a file's kept failures: position, SQL, and expected
// against actual.
func WriteFailures(w io.Writer, r *FileResult) {
	for _, f := range r.Failures {
		fmt.Fprintf(w, "--- FAIL %s: %s\n", f.Pos, f.Message)
		fmt.Fprintf(w, "%s\n", indent(f.SQL))
		if f.Expected != nil || f.Got != nil {
			fmt.Fprintf(w, "  expected:\n%s\n  got:\n%s\n", indent(strings.Join(f.Expected, "\n")), indent(strings.Join(f.Got, "\n")))
		}
	}
	if n := r.Failed - len(r.Failures); n > 0 && len(r.Failures) > 0 {
		fmt.Fprintf(w, "--- ... and %d more failures in %s\n", n, r.Path)
	}
	if r.Err != nil {
		fmt.Fprintf(w, "--- ERROR %v\n", r.Err)
	}
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// WriteSummary prints one line per file (records run, passed, failed,
// skipped, pass rate, time) and a total line.
func WriteSummary(w io.Writer, results []FileResult) {
	var tot FileResult
	var errs int
	fmt.Fprintf(w, "%-52s %7s %7s %6s %7s %8s %9s\n", "file", "run", "passed", "failed", "skipped", "pass%", "time")
	for i := range results {
		r := &results[i]
		status := ""
		if r.Err != nil {
			status = "  ERROR"
			errs++
		}
		fmt.Fprintf(w, "%-52s %7d %7d %6d %7d %8s %9s%s\n", r.Path, r.Run, r.Passed, r.Failed, r.Skipped,
			rate(r.Passed, r.Run), r.Duration.Round(time.Millisecond), status)
		tot.Run += r.Run
		tot.Passed += r.Passed
		tot.Failed += r.Failed
		tot.Skipped += r.Skipped
		tot.Rewritten += r.Rewritten
		tot.Duration += r.Duration
	}
	fmt.Fprintf(w, "%-52s %7d %7d %6d %7d %8s %9s\n", fmt.Sprintf("TOTAL (%d files, %d with errors)", len(results), errs),
		tot.Run, tot.Passed, tot.Failed, tot.Skipped, rate(tot.Passed, tot.Run), tot.Duration.Round(time.Millisecond))
	if tot.Rewritten > 0 {
		fmt.Fprintf(w, "rewrote the results of %d queries\n", tot.Rewritten)
	}
}

// rate is passed/run as a percentage rounded to two decimals, except that
// only a clean file shows 100.00%.
func rate(passed, run int) string {
	if run == 0 {
		return "-"
	}
	bp := (passed*10000 + run/2) / run
	if bp == 10000 && passed < run {
		bp = 9999
	}
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}
