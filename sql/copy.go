package sql

import (
	"context"
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
)

// COPY: copy.go dispatches and reads the options, copy_in.go runs
// COPY FROM STDIN, copy_lines.go and copy_fields.go split its text and
// CSV input, copy_binary.go reads the binary format, and copy_out.go
// produces COPY TO STDOUT.
//
// # The model
//
// COPY FROM STDIN outlives the call that starts it: execStmt returns a
// Result whose CopyIn the caller feeds with the client's CopyData
// payloads, then ends with Done or Fail. Meanwhile the statement's
// transaction stays open (the block's, or an implicit one held by the
// CopyIn), and rows are inserted as soon as a whole line (a whole tuple
// in binary) has arrived, so memory holds one partial line, never the
// load. Rows go through the same rowWriter and dmlRun as INSERT: the
// planner plans "INSERT INTO t (cols) VALUES ($1, ...)" once, with the
// parameters typed as the columns, and each row is that plan's defaults
// and CHECK expressions evaluated with the decoded fields as parameters.
// Foreign keys are checked at Done, as Postgres's RI triggers fire at
// the end of the statement.
//
// # Invariants
//
//  1. A payload may end anywhere: inside a field, a CRLF, a backslash
//     escape, a CSV quote, a binary length word. The line scanner keeps
//     its position and quote state across payloads and rescans nothing.
//  2. The first error ends the COPY: the CopyIn records it, rolls back
//     an implicit transaction or fails the block (Session.fail), and
//     returns the same error from every later call.
//  3. Until Done or Fail returns, nothing else runs on the session.
//
// # Debugging
//
// Errors name the line as Postgres's CONTEXT does ("COPY t, line 3,
// column b: "x""); pgerr has no CONTEXT field, so the text goes to
// Detail when the error has none.

// copyStmt runs COPY.
func (s *Session) copyStmt(ctx context.Context, st *dialect.Stmt) (*Result, error) {
	cp := st.Copy
	if cp.File || cp.Program {
		what := "a file"
		if cp.Program {
			what = "an external program"
		}
		dir := map[bool]string{true: "FROM STDIN", false: "TO STDOUT"}[cp.From]
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY to or from %s is not supported", what).
			WithHint("PersianDB is in memory and reads no server files: use COPY ... %s, as psql's \\copy does.", dir)
	}
	opts, err := parseCopyOptions(cp.Options, cp.From)
	if err != nil {
		return nil, err
	}
	if cp.From {
		return s.copyIn(ctx, cp, opts)
	}
	return s.copyOut(ctx, cp, opts)
}

// copyFormat is COPY's FORMAT option.
type copyFormat uint8

const (
	formatText copyFormat = iota
	formatCSV
	formatBinary
)

// copyOptions are the checked options of one COPY.
type copyOptions struct {
	format      copyFormat
	delim       byte
	null        string
	header      bool
	headerMatch bool
	quote       byte
	escape      byte
	// forceQuoteAll is FORCE_QUOTE *; the lists hold column names.
	forceQuoteAll bool
	forceQuote    []string
	forceNotNull  []string
	forceNull     []string
}

// parseCopyOptions checks options as Postgres's ProcessCopyOptions does,
// in its order, so the first complaint is the one Postgres makes.
func parseCopyOptions(list []dialect.Option, from bool) (copyOptions, error) {
	o := copyOptions{}
	seen := map[string]bool{}
	var delim, null, quote, escape *string
	for _, opt := range list {
		if seen[opt.Name] {
			return o, pgerr.New(pgerr.SyntaxError, "conflicting or redundant options")
		}
		seen[opt.Name] = true
		v := opt.Value
		var err error
		switch opt.Name {
		case "format":
			switch v {
			case "text":
				o.format = formatText
			case "csv":
				o.format = formatCSV
			case "binary":
				o.format = formatBinary
			default:
				return o, pgerr.New(pgerr.InvalidParameterValue, "COPY format %q not recognized", v)
			}
		case "freeze":
			// Accepted and ignored: there is no visibility map to set.
			_, err = copyBool(opt)
		case "delimiter":
			delim = &opt.Value
		case "null":
			null = &opt.Value
		case "header":
			if strings.EqualFold(v, "match") {
				o.header, o.headerMatch = true, true
				break
			}
			if o.header, err = copyBool(opt); err != nil {
				err = pgerr.New(pgerr.SyntaxError, "header requires a Boolean value or \"match\"")
			}
		case "quote":
			quote = &opt.Value
		case "escape":
			escape = &opt.Value
		case "force_quote":
			if v == "*" {
				o.forceQuoteAll = true
			} else {
				o.forceQuote = strings.Split(v, ",")
			}
		case "force_not_null":
			o.forceNotNull = strings.Split(v, ",")
		case "force_null":
			o.forceNull = strings.Split(v, ",")
		case "encoding":
			err = copyEncoding(v)
		default:
			return o, pgerr.New(pgerr.SyntaxError, "option %q not recognized", opt.Name)
		}
		if err != nil {
			return o, err
		}
	}
	return o, o.check(from, delim, null, quote, escape)
}

// check validates the combination and fills in the defaults.
func (o *copyOptions) check(from bool, delim, null, quote, escape *string) error {
	csv, binary := o.format == formatCSV, o.format == formatBinary
	notSupported := func(msg string) error { return pgerr.New(pgerr.FeatureNotSupported, "%s", msg) }
	invalid := func(msg string) error { return pgerr.New(pgerr.InvalidParameterValue, "%s", msg) }
	switch {
	case binary && delim != nil:
		return pgerr.New(pgerr.SyntaxError, "cannot specify DELIMITER in BINARY mode")
	case binary && null != nil:
		return pgerr.New(pgerr.SyntaxError, "cannot specify NULL in BINARY mode")
	case binary && o.header:
		return notSupported("cannot specify HEADER in BINARY mode")
	}
	d, n := "\t", `\N`
	if csv {
		d, n = ",", ""
	}
	if delim != nil {
		d = *delim
	}
	if null != nil {
		n = *null
	}
	o.null = n
	if len(d) != 1 {
		return notSupported("COPY delimiter must be a single one-byte character")
	}
	o.delim = d[0]
	if o.delim == '\n' || o.delim == '\r' {
		return invalid("COPY delimiter cannot be newline or carriage return")
	}
	if strings.ContainsAny(n, "\r\n") {
		return invalid("COPY null representation cannot use newline or carriage return")
	}
	if !csv && strings.IndexByte(`\.abcdefghijklmnopqrstuvwxyz0123456789`, o.delim) >= 0 {
		return pgerr.New(pgerr.InvalidParameterValue, `COPY delimiter cannot be "%s"`, d)
	}
	if !csv && quote != nil {
		return notSupported("COPY quote available only in CSV mode")
	}
	o.quote = '"'
	if quote != nil {
		if len(*quote) != 1 {
			return notSupported("COPY quote must be a single one-byte character")
		}
		o.quote = (*quote)[0]
	}
	if csv && o.delim == o.quote {
		return invalid("COPY delimiter and quote must be different")
	}
	if !csv && escape != nil {
		return notSupported("COPY escape available only in CSV mode")
	}
	o.escape = o.quote
	if escape != nil {
		if len(*escape) != 1 {
			return notSupported("COPY escape must be a single one-byte character")
		}
		o.escape = (*escape)[0]
	}
	switch {
	case (o.forceQuoteAll || o.forceQuote != nil) && !csv:
		return notSupported("COPY force quote available only in CSV mode")
	case (o.forceQuoteAll || o.forceQuote != nil) && from:
		return notSupported("COPY force quote only available using COPY TO")
	case o.forceNotNull != nil && !csv:
		return notSupported("COPY force not null available only in CSV mode")
	case o.forceNotNull != nil && !from:
		return notSupported("COPY force not null only available using COPY FROM")
	case o.forceNull != nil && !csv:
		return notSupported("COPY force null available only in CSV mode")
	case o.forceNull != nil && !from:
		return notSupported("COPY force null only available using COPY FROM")
	case !binary && strings.IndexByte(n, o.delim) >= 0:
		return notSupported("COPY delimiter must not appear in the NULL specification")
	case csv && strings.IndexByte(n, o.quote) >= 0:
		return notSupported("CSV quote character must not appear in the NULL specification")
	case o.headerMatch && !from:
		return notSupported(`cannot use "match" with HEADER in COPY TO`)
	}
	return nil
}

// copyBool is defGetBoolean.
func copyBool(o dialect.Option) (bool, error) {
	switch strings.ToLower(o.Value) {
	case "true", "on", "1":
		return true, nil
	case "false", "off", "0":
		return false, nil
	}
	return false, pgerr.New(pgerr.SyntaxError, "%s requires a Boolean value", o.Name)
}

// copyEncoding accepts UTF8, the only encoding PersianDB speaks, under
// the spellings pg_char_to_encoding accepts.
func copyEncoding(name string) error {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	switch n := b.String(); n {
	case "utf8", "unicode":
		return nil
	case "sqlascii", "latin1", "latin2", "latin9", "win1252", "win1251", "win866", "koi8r", "koi8u", "eucjp", "euckr",
		"euccn", "euctw", "sjis", "big5", "gbk", "gb18030", "uhc", "iso88591", "iso88595", "iso885915", "mule", "johab":
		return pgerr.New(pgerr.FeatureNotSupported, "COPY encoding %q is not supported", name).
			WithHint("Send the data as UTF8.")
	}
	return pgerr.New(pgerr.InvalidParameterValue, `argument to option "encoding" must be a valid encoding name`)
}

// copyContext formats Postgres's CONTEXT line for an error at line n
// (0: none) of table's data, with the column or line text when given.
func copyContext(table string, n int, col string, text []byte, withText bool) string {
	var b strings.Builder
	b.WriteString("COPY ")
	b.WriteString(table)
	if n > 0 {
		b.WriteString(", line ")
		b.WriteString(strconv.Itoa(n))
	}
	if col != "" {
		b.WriteString(", column ")
		b.WriteString(col)
	}
	if withText {
		b.WriteString(": \"")
		b.WriteString(limitPrintout(text))
		b.WriteByte('"')
	}
	return b.String()
}

// limitPrintout is limit_printout_length: at most 100 bytes, cut at a
// character boundary, then "...".
func limitPrintout(b []byte) string {
	const max = 100
	if len(b) <= max {
		return string(b)
	}
	n := max
	for n > 0 && b[n]&0xc0 == 0x80 {
		n--
	}
	return string(b[:n]) + "..."
}

// withContext attaches a CONTEXT text to err (see Debugging above).
func withContext(err error, context string) error {
	if err == nil {
		return nil
	}
	e := pgerr.Flatten(err)
	if e.Where != "" || context == "" {
		return e
	}
	return e.WithWhere("%s", context)
}
