package logictest

import (
	"strings"
	"testing"
)

const parseSnippet = `hash-threshold 8

# a comment
statement ok
CREATE TABLE t1(a INTEGER,
  b INTEGER)

skipif mysql # not compatible
onlyif postgresql
query II valuesort label-7
SELECT a,
# a comment inside a record
       b FROM t1
----
30 values hashing to 3c13dee48d9356ae19af2515e05e6b54

query T
SELECT 'x'
----

query I rowsort
SELECT 1

statement error 23505 duplicate key .* "t1_pkey"
INSERT INTO t1 VALUES (1, 1)

statement error
INSERT INTO nowhere VALUES (1)

query error 42P01
SELECT * FROM nowhere

session a
statement ok
BEGIN

halt
`

func TestParse(t *testing.T) {
	f, err := Parse("snippet.test", []byte(parseSnippet))
	if err != nil {
		t.Fatal(err)
	}
	recs := f.Records
	if len(recs) != 11 {
		t.Fatalf("%d records, want 11: %+v", len(recs), recs)
	}
	check := func(i int, ok bool, what string) {
		t.Helper()
		if !ok {
			t.Errorf("record %d (%s): %s: %+v", i, recs[i].Pos(), what, recs[i])
		}
	}
	check(0, recs[0].Kind == KindHashThreshold && recs[0].Threshold == 8 && recs[0].Line == 1, "hash-threshold 8 at line 1")
	check(1, recs[1].Kind == KindStatement && !recs[1].ExpectError && recs[1].Line == 4 &&
		recs[1].SQL == "CREATE TABLE t1(a INTEGER,\n  b INTEGER)", "multi-line statement")
	q := recs[2]
	check(2, q.Kind == KindQuery && q.Line == 10 && q.Types == "II" && q.Sort == ValueSort && q.Label == "label-7", "query header")
	check(2, len(q.Conditions) == 2 && q.Conditions[0] == Condition{Skip: true, Engine: "mysql"} &&
		q.Conditions[1] == Condition{Skip: false, Engine: "postgresql"}, "conditions")
	check(2, q.SQL == "SELECT a,\n       b FROM t1", "SQL without the comment")
	check(2, q.HasResults && len(q.Expected) == 1 && strings.HasPrefix(q.Expected[0], "30 values hashing to") &&
		q.ResultStart == 14 && q.ResultEnd == 15, "hash result and its 0-based line span")
	check(3, recs[3].HasResults && len(recs[3].Expected) == 0 && recs[3].Sort == NoSort, "empty result")
	check(4, !recs[4].HasResults && recs[4].Sort == RowSort && recs[4].ResultStart == 22, "no ----: results go at the blank line")
	check(5, recs[5].ExpectError && recs[5].ErrorCode == "23505" &&
		recs[5].ErrorPattern.String() == `duplicate key .* "t1_pkey"`, "statement error with code and regexp")
	check(6, recs[6].ExpectError && recs[6].ErrorCode == "" && recs[6].ErrorPattern == nil, "bare statement error")
	check(7, recs[7].Kind == KindQuery && recs[7].ExpectError && recs[7].ErrorCode == "42P01", "query error")
	check(8, recs[8].Kind == KindSession && recs[8].Session == "a", "session")
	check(9, recs[9].Kind == KindStatement && recs[9].SQL == "BEGIN" && recs[9].Line == 34, "statement after a directive in one block")
	check(10, recs[10].Kind == KindHalt, "halt")
}

func TestParseCRLF(t *testing.T) {
	f, err := Parse("crlf.test", []byte("query T nosort\r\nSELECT 'a'\r\n----\r\na\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Records[0]; r.SQL != "SELECT 'a'" || len(r.Expected) != 1 || r.Expected[0] != "a" {
		t.Errorf("%+v", r)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"statement maybe\nSELECT 1\n", "x.test:1: statement \"maybe\""},
		{"query X\nSELECT 1\n", "x.test:1: type letter 'X'"},
		{"query I sorted\nSELECT 1\n", "x.test:1: sort mode \"sorted\""},
		{"\n\nfrobnicate\n", "x.test:3: unknown command \"frobnicate\""},
		{"statement ok\n\n", "x.test:1: statement without SQL"},
		{"hash-threshold many\n", "x.test:1: bad hash-threshold"},
		{"skipif mysql\n", "x.test:1: skipif/onlyif without a command"},
		{"statement error 23505 (\nSELECT 1\n", "x.test:1: bad error regexp"},
		{"session\n", "x.test:1: usage: session <name>"},
	} {
		_, err := Parse("x.test", []byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want %s...", c.in, err, c.want)
		}
	}
}
