package main

// persiandb checkpoint: offline tools over a data directory's checkpoints
// (list, verify, inspect). They read <data-dir>/checkpoints only and
// never write to it; run them on a stopped server's directory or a copy
// (a running server may remove old chains while they read).

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/recovery"
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/sqlrecover"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

const checkpointUsage = `usage: persiandb checkpoint <command> --data-dir DIR [--id N]

commands:
  list      the chains in DIR/checkpoints: every full checkpoint and delta,
            newest last, with its status (ok, or damaged: why)
  verify    verify the newest checkpoint (or --id N) with its chain offline:
            checksums, the cut rule, one version per key, and the catalog
            (every table it names, every row decodes with its schema).
            Exit status 0 if intact, 1 on damage
  inspect   the newest checkpoint's (or --id N's) manifest and its
            recovered tables with their row counts
`

// checkpointCmd runs `persiandb checkpoint ARGS` and returns the exit
// status: 0 success, 1 damage or failure, 2 a usage error.
func checkpointCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) < 1 {
		fmt.Fprint(stderr, checkpointUsage)
		return 2
	}
	sub := args[0]
	if sub == "help" || sub == "--help" || sub == "-h" {
		fmt.Fprint(stdout, checkpointUsage)
		return 0
	}
	var run func(dir string, id uint64, stdout io.Writer) error
	switch sub {
	case "list":
		run = func(dir string, _ uint64, w io.Writer) error { return checkpointList(dir, w) }
	case "verify":
		run = checkpointVerify
	case "inspect":
		run = checkpointInspect
	default:
		fmt.Fprintf(stderr, "persiandb checkpoint: unknown command %q\n\n%s", sub, checkpointUsage)
		return 2
	}
	fs := flag.NewFlagSet("checkpoint "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", "./data", "data directory (its checkpoints subdirectory is read)")
	var id uint64
	if sub != "list" {
		fs.Uint64Var(&id, "id", 0, "checkpoint id (a full checkpoint or a delta); 0 means the newest")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "persiandb checkpoint %s: unexpected argument %q\n", sub, fs.Arg(0))
		return 2
	}
	if err := run(filepath.Join(*dataDir, "checkpoints"), id, stdout); err != nil {
		fmt.Fprintf(stderr, "persiandb checkpoint %s: %v\n", sub, err)
		return 1
	}
	return 0
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// checkpointList prints the chains of dir as a table, oldest first.
func checkpointList(dir string, w io.Writer) error {
	l, err := cpr.List(cpr.OSFS{}, dir)
	if err != nil {
		return err
	}
	if len(l.Chains) == 0 {
		fmt.Fprintf(w, "no checkpoint in %s\n", dir)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHAIN\tID\tKIND\tVERSION\tCUT\tSTARTED\tFINISHED\tSEGMENTS\tRECORDS\tBYTES\tSTATUS")
	row := func(chain uint64, m *cpr.Manifest, kind, status string) {
		var recs uint64
		for _, s := range m.Segments {
			recs += s.Records
		}
		segs := fmt.Sprint(len(m.Segments))
		if !m.Full {
			segs = "-" // a delta's records live in the delta log
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%#x\t%s\t%s\t%s\t%d\t%d\t%s\n", chain, m.ID, kind, m.Version, m.Cut,
			fmtTime(m.Started), fmtTime(m.Finished), segs, recs, m.Bytes(), status)
	}
	for _, c := range l.Chains {
		if c.Base == nil {
			fmt.Fprintf(tw, "%d\t%d\tfull\t-\t-\t-\t-\t-\t-\t-\tdamaged: %v\n", c.ID, c.ID, c.Err)
			continue
		}
		status := "ok"
		if c.Err != nil {
			status = "damaged: " + c.Err.Error()
		}
		row(c.ID, c.Base, "full", status)
		for _, d := range c.Deltas {
			st := "ok"
			if c.Err != nil {
				st = "unusable: its full checkpoint is damaged"
			}
			row(c.ID, d, "delta", st)
		}
		if c.DeltaErr != "" {
			fmt.Fprintf(tw, "%d\t-\tdelta log\t-\t-\t-\t-\t-\t-\t-\tdamaged: %s\n", c.ID, c.DeltaErr)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, o := range l.Orphans {
		fmt.Fprintf(w, "not owned by a readable manifest: %s\n", o)
	}
	return nil
}

// verifyReport is what checkpointVerify checked.
type verifyReport struct {
	Manifest, Base *cpr.Manifest
	Deltas         int
	Tables         []verifyTable
	CatalogRows    int
	IgnoredRows    int
	Sessions       int
}

type verifyTable struct {
	ID   uint32
	Name string
	Rows int
}

// verifyCheckpoint verifies checkpoint id of dir (0: the newest chain,
// read to its end) offline; see checkpointUsage. The error names the file
// and the failed check.
func verifyCheckpoint(dir string, id uint64) (*verifyReport, error) {
	fsys := cpr.OSFS{}
	var snap *cpr.Snapshot
	var err error
	if id == 0 {
		// The newest chain whole: a delta log that does not end cleanly
		// is damage here, although Load would recover its prefix.
		l, err := cpr.List(fsys, dir)
		if err != nil {
			return nil, err
		}
		if len(l.Chains) == 0 {
			return nil, fmt.Errorf("no checkpoint in %s", dir)
		}
		c := l.Chains[len(l.Chains)-1]
		switch {
		case c.Err != nil:
			return nil, fmt.Errorf("checkpoint %d: %w", c.ID, c.Err)
		case c.DeltaErr != "":
			return nil, fmt.Errorf("%w: chain %d: %s (checkpoint %d, before the damage, is intact: --id %d verifies it)",
				cpr.ErrCorrupt, c.ID, c.DeltaErr, c.Newest().ID, c.Newest().ID)
		}
		id = c.Newest().ID
	}
	if snap, err = cpr.LoadTo(fsys, dir, id); err != nil {
		return nil, err
	}
	target := snap.Manifest.ID
	rep := &verifyReport{Manifest: snap.Manifest, Base: snap.Base, Deltas: snap.Deltas}

	// The catalog: recover the checkpoint in memory as the server would.
	_, res, err := sqlrecover.Open(dir, recovery.Options{ID: target, Strict: true, FS: fsys, Log: zerolog.Nop()})
	if err != nil {
		return nil, fmt.Errorf("checkpoint %d: recovering it (catalog, sequences): %w", target, err)
	}
	defer res.Manager.Close()
	rep.CatalogRows, rep.IgnoredRows, rep.Sessions = res.CatalogRows, res.IgnoredRows, len(res.Sessions)
	cat, err := catalog.Open(res.Manager)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %d: reading its catalog: %w", target, err)
	}
	s := res.Manager.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	tables, err := cat.Tables(tx)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %d: listing its catalog's tables: %w", target, err)
	}
	st := res.Manager.Store()
	var vals []storage.Value
	for _, t := range tables {
		if st.Table(t.ID) == nil {
			return nil, fmt.Errorf("%w: checkpoint %d: the catalog names table %q (id %d), which was not recovered", cpr.ErrCorrupt, target, t.Name, t.ID)
		}
		types := t.Types()
		rows := snap.Tables[t.ID]
		for key, r := range rows {
			if vals, err = storage.DecodeRow(r.Value, types, vals); err != nil {
				return nil, fmt.Errorf("%w: checkpoint %d: table %q (id %d) key %x (beginTS %#x): the row does not decode with the table's schema: %v",
					cpr.ErrCorrupt, target, t.Name, t.ID, key, r.BeginTS, err)
			}
		}
		rep.Tables = append(rep.Tables, verifyTable{ID: t.ID, Name: t.Name, Rows: len(rows)})
	}
	g := st.NewGuard()
	defer g.Close()
	if err := st.CheckConsistency(g); err != nil {
		return nil, fmt.Errorf("checkpoint %d: the recovered store is inconsistent: %w", target, err)
	}
	sort.Slice(rep.Tables, func(i, j int) bool { return rep.Tables[i].ID < rep.Tables[j].ID })
	return rep, nil
}

func checkpointVerify(dir string, id uint64, w io.Writer) error {
	rep, err := verifyCheckpoint(dir, id)
	if err != nil {
		return fmt.Errorf("DAMAGED: %w", err)
	}
	m := rep.Manifest
	rows := 0
	for _, t := range rep.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(w, "checkpoint %d OK: chain %d (full checkpoint %d: %d segments) + %d deltas, version %d, cut %#x\n",
		m.ID, rep.Base.ID, rep.Base.ID, len(rep.Base.Segments), rep.Deltas, m.Version, m.Cut)
	fmt.Fprintf(w, "  checked: manifest and segment checksums, sizes and record counts; delta log checksums and order; every beginTS below its cut (delta records in [previous cut, cut)); one version per key; the catalog's %d tables recovered and their %d rows decoded with their schemas; %d catalog rows; %d session points\n",
		len(rep.Tables), rows, rep.CatalogRows, rep.Sessions)
	if rep.IgnoredRows > 0 {
		fmt.Fprintf(w, "  note: %d rows of tables the catalog no longer names (dropped before the cut) are ignored by recovery\n", rep.IgnoredRows)
	}
	return nil
}

// checkpointInspect prints checkpoint id's manifest (0: the one the
// server would recover) and its recovered tables.
func checkpointInspect(dir string, id uint64, w io.Writer) error {
	_, res, err := sqlrecover.Open(dir, recovery.Options{ID: id, FS: cpr.OSFS{}, Log: zerolog.Nop()})
	if err != nil {
		return err
	}
	defer res.Manager.Close()
	m := res.Manifest
	if m == nil {
		fmt.Fprintf(w, "no checkpoint in %s\n", dir)
		return nil
	}
	kind := "full"
	if !m.Full {
		kind = "delta"
	}
	fmt.Fprintf(w, "checkpoint %d (%s)\n", m.ID, kind)
	fmt.Fprintf(w, "  chain:          %d (%d deltas applied on it)\n", m.Chain, res.Deltas)
	fmt.Fprintf(w, "  version:        %d\n", m.Version)
	fmt.Fprintf(w, "  cut:            %#x\n", m.Cut)
	fmt.Fprintf(w, "  previous:       %d (cut %#x)\n", m.Previous, m.PrevCut)
	fmt.Fprintf(w, "  started:        %s\n", fmtTime(m.Started))
	fmt.Fprintf(w, "  finished:       %s (took %v)\n", fmtTime(m.Finished), m.Finished.Sub(m.Started))
	fmt.Fprintf(w, "  extra:          %d bytes\n", len(m.Extra))
	fmt.Fprintf(w, "  segments:       %d\n", len(m.Segments))
	for _, s := range m.Segments {
		fmt.Fprintf(w, "    %s  %d bytes  crc %08x  %d records\n", s.Name, s.Size, s.CRC, s.Records)
	}
	fmt.Fprintf(w, "  sessions:       %d (commit points at the cut)\n", len(m.Sessions))
	for _, p := range m.Sessions {
		fmt.Fprintf(w, "    %-20s %d\n", p.Name, p.Serial)
	}
	for _, why := range res.Skipped {
		fmt.Fprintf(w, "  passed over:    %s\n", why)
	}
	fmt.Fprintf(w, "tables: %d, rows: %d (catalog rows %d, ignored rows of dropped tables %d)\n",
		len(res.Tables), res.Rows(), res.CatalogRows, res.IgnoredRows)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tTABLE\tROWS\tINDEXES")
	for _, t := range res.Tables {
		fmt.Fprintf(tw, "  %d\t%s\t%d\t%d\n", t.ID, t.Name, t.Rows, t.Indexes)
	}
	return tw.Flush()
}

// warnNewerCheckpoints logs, after `serve --recover-to id`, the
// checkpoints newer than id left in dir. They are not this server's
// history: cpr.New gives new checkpoints ids above every file in dir (so
// the next start-up recovers the new ones, not these) and does not take
// their cuts or session points (their cuts are ahead of the recovered
// clock). Retention removes them once --checkpoint-keep newer chains
// exist.
func warnNewerCheckpoints(log zerolog.Logger, dir string, id uint64) {
	l, err := cpr.List(cpr.OSFS{}, dir)
	if err != nil {
		log.Warn().Err(err).Msg("--recover-to: cannot list the checkpoints left in place")
		return
	}
	var newer []string
	for _, c := range l.Chains {
		if c.ID > id {
			newer = append(newer, cpr.ManifestName(c.ID))
		}
		for _, d := range c.Deltas {
			if d.ID > id {
				newer = append(newer, fmt.Sprintf("delta %d in %s", d.ID, cpr.DeltaLogName(c.ID)))
			}
		}
	}
	if len(newer) == 0 {
		return
	}
	log.Warn().Uint64("recovered_to", id).Strs("newer_checkpoints", newer).
		Msg("recovered to an older checkpoint: the newer ones are left on disk but are no longer this database's history; new checkpoints get higher ids and are recovered next time, and retention removes the older chains (these included) as new ones are written. Until then, a fallback recovery from a damaged new checkpoint could pick one of them: move them out of the checkpoint directory if you do not want that")
}
