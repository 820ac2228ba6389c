package sql_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
)

// copyIn runs a COPY FROM STDIN statement, feeding data in the chunks
// given, and returns its tag.
func copyIn(s *sql.Session, stmt string, chunks ...[]byte) (string, error) {
	ctx := context.Background()
	rs, err := s.Exec(ctx, stmt)
	if err != nil {
		return "", err
	}
	c := rs[len(rs)-1].CopyIn
	if c == nil {
		return "", fmt.Errorf("%s: no CopyIn", stmt)
	}
	for _, ch := range chunks {
		if err := c.Write(ctx, ch); err != nil {
			_ = c.Fail("stopped")
			return "", err
		}
	}
	r, err := c.Done(ctx)
	if err != nil {
		return "", err
	}
	return r.Tag, nil
}

func mustCopyIn(t *testing.T, s *sql.Session, stmt, data string) string {
	t.Helper()
	tag, err := copyIn(s, stmt, []byte(data))
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return tag
}

// copyOut runs COPY TO STDOUT and joins its payloads.
func copyOut(t *testing.T, s *sql.Session, stmt string) (string, *sql.CopyOut) {
	t.Helper()
	rs := mustExec(t, s, stmt)
	out := rs[0].CopyOut
	if out == nil {
		t.Fatalf("%s: no CopyOut", stmt)
	}
	return string(bytes.Join(out.Data, nil)), out
}

// dump returns a query's rows as text lines, NULL as <null>.
func dump(t *testing.T, s *sql.Session, q string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range mustExec(t, s, q)[0].Rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte('|')
			}
			if v.IsNull() {
				b.WriteString("<null>")
			} else {
				b.WriteString(sem.Format(v, time.UTC))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func copyWantErr(t *testing.T, err error, code pgerr.Code, msg string) {
	t.Helper()
	e := pgerr.As(err)
	if e == nil || e.Code != code || e.Message != msg {
		t.Fatalf("error %v (%v), want %s %q", err, pgerr.CodeOf(err), code, msg)
	}
}

func TestCopyInText(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t(a integer, b text, c integer DEFAULT 7)")
	data := "1\tx\t2\n2\t\\N\t\\N\n3\ta\\tb\\\\c\\nd\\101\\x41\\q\t4\n\\.\nignored\n"
	if tag := mustCopyIn(t, s, "COPY t FROM STDIN", data); tag != "COPY 3" {
		t.Fatalf("tag %q", tag)
	}
	got := dump(t, s, "SELECT a, b, c FROM t ORDER BY a")
	want := "1|x|2\n2|<null>|<null>\n3|a\tb\\c\ndAAq|4\n"
	if got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	mustCopyIn(t, s, "COPY t (b, a) FROM STDIN WITH (DELIMITER ',', NULL 'nil')", "y,10\nnil,11\n")
	if got := dump(t, s, "SELECT a, b, c FROM t WHERE a >= 10 ORDER BY a"); got != "10|y|7\n11|<null>|7\n" {
		t.Fatalf("got %q", got)
	}
}

func TestCopyInDefaults(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t(id serial PRIMARY KEY, a integer NOT NULL, b text DEFAULT 'dflt')")
	mustCopyIn(t, s, "COPY t (a) FROM STDIN", "5\n6\n")
	if got := dump(t, s, "SELECT id, a, b FROM t ORDER BY id"); got != "1|5|dflt\n2|6|dflt\n" {
		t.Fatalf("got %q", got)
	}
	mustExec(t, s, "INSERT INTO t (a) VALUES (7)")
	if got := dump(t, s, "SELECT max(id) FROM t"); got != "3\n" {
		t.Fatalf("sequence after COPY: %q", got)
	}
}

// Every cut of the input gives the same rows.
func TestCopyInChunking(t *testing.T) {
	cases := []struct{ stmt, data string }{
		{"COPY t FROM STDIN", "1\ta\\tb\\\\\\x41\\101\n2\t\\N\n"},
		{"COPY t FROM STDIN", "1\tcr\r2\tx\r\\.\r"},
		{"COPY t FROM STDIN", "1\tcrlf\r\n2\tx\r\n\\.\r\n"},
		{"COPY t FROM STDIN WITH (FORMAT csv)", "1,\"a,b\"\"c\r\nd\"\n2,\n3,\"\"\n\\.\n"},
		{"COPY t FROM STDIN WITH (FORMAT csv, HEADER true)", "a,b\n1,\"x\n\\.\ny\"\n"},
		{"COPY t FROM STDIN WITH (FORMAT csv, ESCAPE '\\')", "1,\"q\\\"q\\\\\"\n"},
	}
	for _, tc := range cases {
		s := newSession(t)
		mustExec(t, s, "CREATE TABLE t(a integer, b text)")
		mustCopyIn(t, s, tc.stmt, tc.data)
		want := dump(t, s, "SELECT a, b FROM t ORDER BY a")
		check := func(how string, chunks [][]byte) {
			mustExec(t, s, "TRUNCATE t")
			if _, err := copyIn(s, tc.stmt, chunks...); err != nil {
				t.Fatalf("%s %q: %v", how, tc.data, err)
			}
			if got := dump(t, s, "SELECT a, b FROM t ORDER BY a"); got != want {
				t.Fatalf("%s %q: got %q want %q", how, tc.data, got, want)
			}
		}
		var bytewise [][]byte
		for i := 0; i < len(tc.data); i++ {
			bytewise = append(bytewise, []byte{tc.data[i]})
		}
		check("byte at a time", bytewise)
		for i := 0; i <= len(tc.data); i++ {
			check(fmt.Sprintf("split at %d", i), [][]byte{[]byte(tc.data[:i]), []byte(tc.data[i:])})
		}
		seed := rand.Int63()
		rng := rand.New(rand.NewSource(seed))
		for k := 0; k < 50; k++ {
			var chunks [][]byte
			for rest := tc.data; rest != ""; {
				n := 1 + rng.Intn(len(rest))
				chunks = append(chunks, []byte(rest[:n]))
				rest = rest[n:]
			}
			check(fmt.Sprintf("random split (seed %d)", seed), chunks)
		}
	}
}

// pgOutTable is the table whose COPY TO output PostgreSQL 15 produced
// below (psql -c "copy o to stdout ...").
const pgOutTable = `CREATE TABLE o(id int primary key, s text, n numeric(10,2), d date, ts timestamp, b boolean, f float8, v varchar(5), c char(3), i bigint);
INSERT INTO o VALUES (1, E'tab\there\\back', 1.5, '2024-02-29', '2024-01-02 03:04:05.5', true, 1.25, 'ab', 'x', -9),
 (2, 'q"uo,te', -0.25, null, null, false, null, '', null, null),
 (3, E'line\nbreak\r\\.', 100, '1999-12-31', '2000-01-01 00:00:00', null, -2.5e10, 'z', 'abc', 9223372036854775807),
 (4, '\.', 0, null, null, null, null, null, null, null)`

func TestCopyOutMatchesPostgres(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, pgOutTable)
	cases := []struct{ opts, want string }{
		{"", "1\ttab\\there\\\\back\t1.50\t2024-02-29\t2024-01-02 03:04:05.5\tt\t1.25\tab\tx  \t-9\n2\tq\"uo,te\t-0.25\t\\N\t\\N\tf\t\\N\t\t\\N\t\\N\n3\tline\\nbreak\\r\\\\.\t100.00\t1999-12-31\t2000-01-01 00:00:00\t\\N\t-25000000000\tz\tabc\t9223372036854775807\n4\t\\\\.\t0.00\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n"},
		{"WITH (FORMAT csv, HEADER)", "id,s,n,d,ts,b,f,v,c,i\n1,tab\there\\back,1.50,2024-02-29,2024-01-02 03:04:05.5,t,1.25,ab,x  ,-9\n2,\"q\"\"uo,te\",-0.25,,,f,,\"\",,\n3,\"line\nbreak\r\\.\",100.00,1999-12-31,2000-01-01 00:00:00,,-25000000000,z,abc,9223372036854775807\n4,\\.,0.00,,,,,,,\n"},
		{"WITH (FORMAT csv, FORCE_QUOTE (s, n), NULL 'NULL')", "1,\"tab\there\\back\",\"1.50\",2024-02-29,2024-01-02 03:04:05.5,t,1.25,ab,x  ,-9\n2,\"q\"\"uo,te\",\"-0.25\",NULL,NULL,f,NULL,,NULL,NULL\n3,\"line\nbreak\r\\.\",\"100.00\",1999-12-31,2000-01-01 00:00:00,NULL,-25000000000,z,abc,9223372036854775807\n4,\"\\.\",\"0.00\",NULL,NULL,NULL,NULL,NULL,NULL,NULL\n"},
		{"WITH (DELIMITER '|', NULL '')", "1|tab\\there\\\\back|1.50|2024-02-29|2024-01-02 03:04:05.5|t|1.25|ab|x  |-9\n2|q\"uo,te|-0.25|||f||||\n3|line\\nbreak\\r\\\\.|100.00|1999-12-31|2000-01-01 00:00:00||-25000000000|z|abc|9223372036854775807\n4|\\\\.|0.00|||||||\n"},
	}
	for _, tc := range cases {
		got, out := copyOut(t, s, "COPY o TO STDOUT "+tc.opts)
		if got != tc.want {
			t.Errorf("COPY o TO STDOUT %s:\ngot  %q\nwant %q", tc.opts, got, tc.want)
		}
		if out.Binary || out.NumColumns != 10 {
			t.Errorf("%s: binary %v, %d columns", tc.opts, out.Binary, out.NumColumns)
		}
	}
	const pgBinary = "5047434f50590aff0d0a000000000000000000000a00000004000000010000000d74616209686572655c6261636b0000000c0002000000000002000113880000000400002279000000080002b0ec851d94600000000101000000083ff40000000000000000000261620000000378202000000008fffffffffffffff7000a0000000400000002000000077122756f2c74650000000a0001ffff4000000209c4ffffffffffffffff0000000100ffffffff00000000ffffffffffffffff000a00000004000000030000000d6c696e650a627265616b0d5c2e0000000a0001000000000002006400000004ffffffff000000080000000000000000ffffffff00000008c2174876e8000000000000017a00000003616263000000087fffffffffffffff000a0000000400000004000000025c2e000000080000000000000002ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	got, out := copyOut(t, s, "COPY o TO STDOUT WITH (FORMAT binary)")
	if fmt.Sprintf("%x", got) != pgBinary || !out.Binary {
		t.Errorf("binary:\ngot  %x\nwant %s", got, pgBinary)
	}
	if got, _ := copyOut(t, s, "COPY (SELECT s FROM o WHERE id = 4) TO STDOUT (FORMAT csv)"); got != "\"\\.\"\n" {
		t.Errorf("lone \\. in CSV: %q", got)
	}
	rs := mustExec(t, s, "COPY o (id, c) TO STDOUT")
	if rs[0].Tag != "COPY 4" || string(rs[0].CopyOut.Data[0]) != "1\tx  \n" {
		t.Errorf("column list: %q %q", rs[0].Tag, rs[0].CopyOut.Data[0])
	}
}

// COPY TO binary then COPY FROM that data gives the same rows.
func TestCopyBinaryRoundTrip(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, pgOutTable)
	mustExec(t, s, "CREATE TABLE o2(id int primary key, s text, n numeric(10,2), d date, ts timestamp, b boolean, f float8, v varchar(5), c char(3), i bigint)")
	_, out := copyOut(t, s, "COPY o TO STDOUT (FORMAT binary)")
	var data []byte
	for _, d := range out.Data {
		data = append(data, d...)
	}
	var chunks [][]byte
	for i := range data {
		chunks = append(chunks, data[i:i+1])
	}
	tag, err := copyIn(s, "COPY o2 FROM STDIN (FORMAT binary)", chunks...)
	if err != nil || tag != "COPY 4" {
		t.Fatalf("%q %v", tag, err)
	}
	a := dump(t, s, "SELECT * FROM o ORDER BY id")
	if b := dump(t, s, "SELECT * FROM o2 ORDER BY id"); a != b {
		t.Fatalf("round trip:\n%s\nvs\n%s", a, b)
	}
}

func TestCopyInErrors(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t(a integer, b text, c integer DEFAULT 7)")
	cases := []struct {
		stmt, data string
		code       pgerr.Code
		msg        string
		detail     string
	}{
		{"COPY t FROM STDIN", "x\tb\t1\n", pgerr.InvalidTextRepresentation, `invalid input syntax for type integer: "x"`, `COPY t, line 1, column a: "x"`},
		{"COPY t FROM STDIN", "1\tb\t1\t4\n", pgerr.BadCopyFileFormat, "extra data after last expected column", "COPY t, line 1: \"1\tb\t1\t4\""},
		{"COPY t FROM STDIN", "1\tb\t1\n1\tb\n", pgerr.BadCopyFileFormat, `missing data for column "c"`, "COPY t, line 2: \"1\tb\""},
		{"COPY t FROM STDIN", "1\tb\t1\r\n2\tc\t2\n", pgerr.BadCopyFileFormat, "literal newline found in data", ""},
		{"COPY t FROM STDIN", "1\tb\\xff\t1\n", pgerr.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": 0xff`, "COPY t, line 1: \"1\tb\\xff\t1\""},
		{"COPY t FROM STDIN", "1\tb\xff\t1\n", pgerr.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": 0xff`, "COPY t, line 1"},
		{"COPY t FROM STDIN", "1\tb\t1\n\\.x\n", pgerr.BadCopyFileFormat, "end-of-copy marker corrupt", "COPY t, line 2"},
		{"COPY t FROM STDIN CSV", "1,\"b\n", pgerr.BadCopyFileFormat, "unterminated CSV quoted field", "COPY t, line 1: \"1,\"b\n\""},
		{"COPY t FROM STDIN (FORMAT csv, HEADER match)", "a,x,c\n", pgerr.BadCopyFileFormat, `column name mismatch in header line field 2: got "x", expected "b"`, ""},
		{"COPY t FROM STDIN (FORMAT csv, HEADER match)", "a,b\n", pgerr.BadCopyFileFormat, "wrong number of fields in header line: got 2, expected 3", ""},
		{"COPY t FROM STDIN (FORMAT binary)", "PGCOPY\n", pgerr.BadCopyFileFormat, "COPY file signature not recognized", ""},
		{"COPY t FROM STDIN (FORMAT binary)", "PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00\x01", pgerr.BadCopyFileFormat, "row field count is 1, expected 3", "COPY t, line 1"},
		{"COPY t FROM STDIN (FORMAT binary)", "PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xffx", pgerr.BadCopyFileFormat, "received copy data after EOF marker", "COPY t, line 2"},
		{"COPY t FROM STDIN (FORMAT binary)", "PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00\x01\xff\xff\xff\xff", pgerr.BadCopyFileFormat, "unexpected EOF in COPY data", "COPY t, line 1, column c"},
		{"COPY t FROM STDIN (FORMAT binary)", "PGCOPY\n\xff\r\n\x00\x00\x01\x00\x00\x00\x00\x00", pgerr.BadCopyFileFormat, "invalid COPY file header (WITH OIDS)", ""},
	}
	for _, tc := range cases {
		for _, bytewise := range []bool{false, true} {
			chunks := [][]byte{[]byte(tc.data)}
			if bytewise {
				chunks = nil
				for i := range tc.data {
					chunks = append(chunks, []byte{tc.data[i]})
				}
			}
			_, err := copyIn(s, tc.stmt, chunks...)
			copyWantErr(t, err, tc.code, tc.msg)
			if e := pgerr.As(err); tc.detail != "" && e.Where != tc.detail {
				t.Errorf("%s %q: context %q, want %q", tc.stmt, tc.data, e.Where, tc.detail)
			}
			if s.Status() != 'I' {
				t.Fatalf("status %c after a failed COPY", s.Status())
			}
		}
	}
	if got := dump(t, s, "SELECT count(*) FROM t"); got != "0\n" {
		t.Fatalf("failed COPYs left rows: %s", got)
	}
}

func TestCopyOptionErrors(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t(a integer, b text); CREATE VIEW v AS SELECT a FROM t")
	cases := []struct {
		stmt string
		code pgerr.Code
		msg  string
	}{
		{"COPY t FROM STDIN WITH (FORMAT xml)", pgerr.InvalidParameterValue, `COPY format "xml" not recognized`},
		{"COPY t FROM STDIN WITH (FORMAT csv, FORMAT text)", pgerr.SyntaxError, "conflicting or redundant options"},
		{"COPY t FROM STDIN WITH (bogus 1)", pgerr.SyntaxError, `option "bogus" not recognized`},
		{"COPY t FROM STDIN WITH (FORMAT binary, DELIMITER ',')", pgerr.SyntaxError, "cannot specify DELIMITER in BINARY mode"},
		{"COPY t FROM STDIN WITH (DELIMITER ',,')", pgerr.FeatureNotSupported, "COPY delimiter must be a single one-byte character"},
		{`COPY t FROM STDIN WITH (DELIMITER '\')`, pgerr.InvalidParameterValue, `COPY delimiter cannot be "\"`},
		{`COPY t FROM STDIN WITH (QUOTE '"')`, pgerr.FeatureNotSupported, "COPY quote available only in CSV mode"},
		{"COPY t FROM STDIN WITH (FORMAT csv, FORCE_QUOTE *)", pgerr.FeatureNotSupported, "COPY force quote only available using COPY TO"},
		{"COPY t (a) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (b))", pgerr.InvalidColumnReference, `FORCE_QUOTE column "b" not referenced by COPY`},
		{"COPY t TO STDOUT WITH (HEADER match)", pgerr.FeatureNotSupported, `cannot use "match" with HEADER in COPY TO`},
		{"COPY t FROM STDIN WITH (HEADER 2)", pgerr.SyntaxError, `header requires a Boolean value or "match"`},
		{"COPY t FROM STDIN WITH (ENCODING 'bogus')", pgerr.InvalidParameterValue, `argument to option "encoding" must be a valid encoding name`},
		{"COPY t (a, a) FROM STDIN", pgerr.DuplicateColumn, `column "a" specified more than once`},
		{"COPY t (zz) FROM STDIN", pgerr.UndefinedColumn, `column "zz" of relation "t" does not exist`},
		{"COPY v TO STDOUT", pgerr.WrongObjectType, `cannot copy from view "v"`},
		{"COPY v FROM STDIN", pgerr.WrongObjectType, `cannot copy to view "v"`},
		{"COPY t FROM '/tmp/x'", pgerr.FeatureNotSupported, "COPY to or from a file is not supported"},
		{"COPY t TO PROGRAM 'cat'", pgerr.FeatureNotSupported, "COPY to or from an external program is not supported"},
	}
	for _, tc := range cases {
		_, err := s.Exec(context.Background(), tc.stmt)
		copyWantErr(t, err, tc.code, tc.msg)
	}
	for _, ok := range []string{"COPY t FROM STDIN WITH (FREEZE on)", "COPY t FROM STDIN WITH (ENCODING 'utf-8')", "COPY t FROM STDIN CSV HEADER"} {
		mustCopyIn(t, s, ok, "")
	}
}

// A failure part way through a load undoes all of it.
func TestCopyInAtomic(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE p(a integer PRIMARY KEY); INSERT INTO p VALUES (1)")
	mustExec(t, s, "CREATE TABLE k(a integer PRIMARY KEY, b integer NOT NULL CHECK (b > 0), c integer REFERENCES p)")
	for _, tc := range []struct {
		data string
		code pgerr.Code
	}{
		{"1\t1\t1\n2\t\\N\t1\n", pgerr.NotNullViolation},
		{"1\t1\t1\n2\t-1\t1\n", pgerr.CheckViolation},
		{"1\t1\t1\n1\t1\t1\n", pgerr.UniqueViolation},
		{"1\t1\t1\n2\t1\t2\n", pgerr.ForeignKeyViolation},
	} {
		_, err := copyIn(s, "COPY k FROM STDIN", []byte(tc.data))
		if pgerr.CodeOf(err) != tc.code {
			t.Fatalf("%q: %v, want %s", tc.data, err, tc.code)
		}
		if got := dump(t, s, "SELECT count(*) FROM k"); got != "0\n" {
			t.Fatalf("%q left rows: %s", tc.data, got)
		}
	}
	_, err := copyIn(s, "COPY k FROM STDIN", []byte("1\t1\t1\n1\t1\t1\n"))
	if e := pgerr.As(err); e.Detail != "Key (a)=(1) already exists." {
		t.Fatalf("unique detail %q", e.Detail)
	}
	// CopyFail.
	rs := mustExec(t, s, "COPY k FROM STDIN")
	c := rs[0].CopyIn
	if err := c.Write(context.Background(), []byte("1\t1\t1\n")); err != nil {
		t.Fatal(err)
	}
	copyWantErr(t, c.Fail("client gave up"), pgerr.QueryCanceled, "COPY from stdin failed: client gave up")
	if got := dump(t, s, "SELECT count(*) FROM k"); got != "0\n" {
		t.Fatalf("Fail left rows: %s", got)
	}
}

func TestCopyInBlock(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t(a integer PRIMARY KEY)")
	mustExec(t, s, "BEGIN")
	mustCopyIn(t, s, "COPY t FROM STDIN", "1\n2\n")
	if got := dump(t, s, "SELECT count(*) FROM t"); got != "2\n" {
		t.Fatalf("inside the block: %s", got)
	}
	mustExec(t, s, "ROLLBACK")
	if got := dump(t, s, "SELECT count(*) FROM t"); got != "0\n" {
		t.Fatalf("after ROLLBACK: %s", got)
	}
	// An error fails the block.
	mustExec(t, s, "BEGIN")
	if _, err := copyIn(s, "COPY t FROM STDIN", []byte("1\n1\n")); pgerr.CodeOf(err) != pgerr.UniqueViolation {
		t.Fatal(err)
	}
	if s.Status() != 'E' {
		t.Fatalf("status %c, want E", s.Status())
	}
	_, err := s.Exec(context.Background(), "SELECT 1")
	copyWantErr(t, err, pgerr.InFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	mustExec(t, s, "ROLLBACK")
	// So does CopyFail.
	mustExec(t, s, "BEGIN")
	rs := mustExec(t, s, "COPY t FROM STDIN")
	_ = rs[0].CopyIn.Fail("no")
	if s.Status() != 'E' {
		t.Fatalf("status %c after Fail, want E", s.Status())
	}
	mustExec(t, s, "ROLLBACK")
	// Exec stops at the COPY.
	rs = mustExec(t, s, "SELECT 1; COPY t FROM STDIN; INSERT INTO t VALUES (9)")
	if len(rs) != 2 || rs[1].CopyIn == nil {
		t.Fatalf("Exec returned %d results", len(rs))
	}
	if _, err := rs[1].CopyIn.Done(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, s, "SELECT count(*) FROM t"); got != "0\n" {
		t.Fatalf("statement after COPY ran: %s", got)
	}
}

func TestCopyInCSVOptions(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t(a integer, b text, c text)")
	mustCopyIn(t, s, "COPY t FROM STDIN WITH (FORMAT csv, HEADER match, FORCE_NOT_NULL (b), FORCE_NULL (c))", "a,b,c\n1,,\"\"\n2,\"\",x\n")
	if got := dump(t, s, "SELECT a, b, c FROM t ORDER BY a"); got != "1||<null>\n2||x\n" {
		t.Fatalf("got %q", got)
	}
	mustExec(t, s, "TRUNCATE t")
	mustCopyIn(t, s, "COPY t FROM STDIN CSV DELIMITER ';' QUOTE '''' NULL 'N'", "1;'a;b';N\n2;'it''s';\n")
	if got := dump(t, s, "SELECT a, b, c FROM t ORDER BY a"); got != "1|a;b|<null>\n2|it's|\n" {
		t.Fatalf("got %q", got)
	}
}

// pgbench -i -s 1 loads pgbench_accounts with text COPY.
func BenchmarkCopyInText(b *testing.B) {
	const rows = 100000
	var data bytes.Buffer
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&data, "%d\t%d\t0\t\n", i, (i-1)/100000+1)
	}
	// pgbench sends about 8 kB per CopyData.
	var chunks [][]byte
	for rest := data.Bytes(); len(rest) > 0; {
		n := min(8192, len(rest))
		chunks = append(chunks, rest[:n])
		rest = rest[n:]
	}
	s := newSession(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := s.Exec(ctx, "DROP TABLE IF EXISTS pgbench_accounts; CREATE TABLE pgbench_accounts(aid int not null, bid int, abalance int, filler char(84)); ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid)"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tag, err := copyIn(s, "copy pgbench_accounts from stdin with (freeze on)", chunks...)
		if err != nil || tag != "COPY 100000" {
			b.Fatal(tag, err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
