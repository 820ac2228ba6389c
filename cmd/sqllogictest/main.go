// Command sqllogictest runs SQL logic test files (the dialect is documented
// at the top of sql/logictest/logic.go) against an engine and reports, per
// file, records run, passed, failed, skipped and time. It exits 1 if any
// record failed or any file could not run, 2 on bad usage.
//
//	sqllogictest -engine postgres -dsn postgres://user@127.0.0.1:54329/postgres \
//	    [-label postgresql] [-v] [-max-failures N] [-parallel N] [-timeout D] \
//	    [-rewrite] FILES_OR_DIRS...
//
// Directories contribute every *.test under them. -rewrite replaces the
// expected results of mismatching queries in the given files: use it on the
// project's testdata/logic files only.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"

	"github.com/persiandb/persiandb/sql/logictest"
)

func main() {
	os.Exit(run())
}

func run() int {
	var (
		engine      = flag.String("engine", "postgres", "engine to test: postgres (the oracle), persiandb (in process) or persiandb-wire (over the PostgreSQL protocol)")
		dsn         = flag.String("dsn", os.Getenv("SLT_DSN"), "postgres: server URL; its user must be able to CREATE DATABASE (default $SLT_DSN)")
		label       = flag.String("label", "postgresql", "comma-separated engine names that skipif/onlyif match")
		verbose     = flag.Bool("v", false, "print every record's outcome")
		maxFailures = flag.Int("max-failures", 10, "failures printed per file")
		parallel    = flag.Int("parallel", 1, "files run at once (each on its own database)")
		timeout     = flag.Duration("timeout", 0, "limit per record (0: none)")
		rewrite     = flag.Bool("rewrite", false, "rewrite expected query results in place with the actual output")
		baseline    = flag.String("baseline", "", "file of records passed per file by a reference engine: succeed if every file passes at least as many")
		writeBase   = flag.String("write-baseline", "", "write the records passed per file to this file")
		root        = flag.String("root", "", "corpus root that baseline paths are relative to (default: the first argument if a directory)")
	)
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: sqllogictest [flags] FILES_OR_DIRS...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	switch *engine {
	case "postgres":
	case "persiandb", "persiandb-wire":
	default:
		fmt.Fprintf(os.Stderr, "sqllogictest: unknown engine %q (want postgres, persiandb or persiandb-wire)\n", *engine)
		return 2
	}
	files, err := logictest.CollectFiles(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqllogictest:", err)
		return 2
	}

	var open logictest.Opener
	switch *engine {
	case "postgres":
		if *dsn == "" {
			fmt.Fprintln(os.Stderr, "sqllogictest: -engine postgres needs -dsn (or $SLT_DSN)")
			return 2
		}
		pg, err := logictest.NewPostgres(ctx, *dsn)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sqllogictest: connect:", err)
			return 1
		}
		defer pg.Close()
		open = pg.Open
	case "persiandb":
		open = logictest.OpenPersianDB
	case "persiandb-wire":
		open = logictest.OpenPersianDBWire
	}

	cfg := logictest.Config{
		Labels:      strings.Split(*label, ","),
		MaxFailures: *maxFailures,
		Rewrite:     *rewrite,
		Timeout:     *timeout,
	}
	if *verbose {
		cfg.Verbose = &lockedWriter{w: os.Stdout}
	}
	results := runAll(ctx, open, files, cfg, max(*parallel, 1))
	fmt.Println()
	logictest.WriteSummary(os.Stdout, results)
	base := *root
	if base == "" {
		if st, err := os.Stat(flag.Arg(0)); err == nil && st.IsDir() {
			base = flag.Arg(0)
		} else {
			base = "."
		}
	}
	if *writeBase != "" {
		f, err := os.Create(*writeBase)
		if err == nil {
			err = logictest.WriteBaseline(f, base, results, *engine)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "sqllogictest:", err)
			return 1
		}
	}
	if *baseline != "" {
		b, err := logictest.ReadBaseline(*baseline)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sqllogictest:", err)
			return 2
		}
		short := b.Check(base, results)
		for _, s := range short {
			fmt.Printf("BELOW BASELINE %s: passed %d, reference passed %d\n", s.Path, s.Passed, s.Wanted)
		}
		if len(short) > 0 {
			return 1
		}
		fmt.Println("every file passed at least as many records as the baseline")
		return 0
	}
	for i := range results {
		if !results[i].OK() {
			return 1
		}
	}
	return 0
}

// runAll runs the files, up to parallel at once, printing each file's
// failures as it finishes; results come back in the order of files.
func runAll(ctx context.Context, open logictest.Opener, files []string, cfg logictest.Config, parallel int) []logictest.FileResult {
	results := make([]logictest.FileResult, len(files))
	var (
		wg  sync.WaitGroup
		out sync.Mutex // serializes printing
		sem = make(chan struct{}, parallel)
	)
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = logictest.RunFile(ctx, open, f, cfg)
			out.Lock()
			defer out.Unlock()
			r := &results[i]
			logictest.WriteFailures(os.Stdout, r)
			fmt.Printf("%s: %d run, %d passed, %d failed, %d skipped in %v\n",
				r.Path, r.Run, r.Passed, r.Failed, r.Skipped, r.Duration.Round(1e6))
		}()
	}
	wg.Wait()
	return results
}

// lockedWriter lets parallel files share stdout for -v.
type lockedWriter struct {
	mu sync.Mutex
	w  *os.File
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
