package pgwire

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestPgxJSON round-trips json and jsonb through pgx in every query mode:
// the extended protocol receives them in binary (json as its text, jsonb
// as version 1 and its text), the simple protocol in text; parameters go
// as Go values pgx encodes and as raw text.
func TestPgxJSON(t *testing.T) {
	ts := startServer(t)
	for _, mode := range []string{"", "&default_query_exec_mode=simple_protocol", "&default_query_exec_mode=describe_exec"} {
		t.Run(strings.TrimPrefix(mode, "&"), func(t *testing.T) {
			c := ts.connect(t, mode)
			ctx := ctxT(t)
			mustExec(t, c, `drop table if exists docs`)
			mustExec(t, c, `create table docs (id int primary key, j json, b jsonb)`)
			doc := map[string]any{"name": "x", "tags": []any{"a", "b"}, "n": 1.5}
			// pgx encodes a Go value as JSON once it knows the parameter
			// type; the simple protocol never tells it, so there the
			// value goes as its JSON text.
			param := func(v any) any {
				if mode != "&default_query_exec_mode=simple_protocol" {
					return v
				}
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			if _, err := c.Exec(ctx, `insert into docs values ($1, $2, $3)`, 1, `{"b":1,  "a":2}`, param(doc)); err != nil {
				t.Fatal(err)
			}
			// Raw text: what a client sees on the wire, json verbatim and
			// jsonb normalized.
			var jtext, btext string
			if err := c.QueryRow(ctx, `select j::text, b::text from docs where id = 1`).Scan(&jtext, &btext); err != nil {
				t.Fatal(err)
			}
			if jtext != `{"b":1,  "a":2}` || btext != `{"n": 1.5, "name": "x", "tags": ["a", "b"]}` {
				t.Errorf("texts: %s | %s", jtext, btext)
			}
			// Decoded by pgx's json and jsonb codecs (binary in the
			// extended modes).
			var j map[string]any
			var b map[string]any
			if err := c.QueryRow(ctx, `select j, b from docs where id = $1`, 1).Scan(&j, &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(j, map[string]any{"a": 2.0, "b": 1.0}) || !reflect.DeepEqual(b, doc) {
				t.Errorf("decoded: %v | %v", j, b)
			}
			// A jsonb parameter in an operator, and results as []byte.
			var tag string
			var raw []byte
			if err := c.QueryRow(ctx, `select b -> 'tags' ->> 0, b -> 'tags' from docs where b @> $1`, param(map[string]any{"name": "x"})).Scan(&tag, &raw); err != nil {
				t.Fatal(err)
			}
			if tag != "a" || string(raw) != `["a", "b"]` {
				t.Errorf("operators: %q %q", tag, raw)
			}
			var has bool
			if err := c.QueryRow(ctx, `select b ? $1 from docs where id = 1`, "tags").Scan(&has); err != nil || !has {
				t.Errorf("? with a parameter: %v %v", has, err)
			}
			// Invalid JSON in a parameter is 22P02.
			_, err := c.Exec(ctx, `insert into docs values (2, $1::text::json, null)`, `{"a"`)
			if code := sqlstate(err); code != "22P02" {
				t.Errorf("invalid json parameter: %v", err)
			}
			if mode == "" { // binary COPY of both types
				n, err := c.CopyFrom(ctx, pgx.Identifier{"docs"}, []string{"id", "j", "b"},
					pgx.CopyFromRows([][]any{{int32(3), `[1,  2]`, []any{1.0, "z"}}}))
				if err != nil || n != 1 {
					t.Fatalf("CopyFrom: %d %v", n, err)
				}
				if err := c.QueryRow(ctx, `select j::text, b::text from docs where id = 3`).Scan(&jtext, &btext); err != nil ||
					jtext != `[1,  2]` || btext != `[1, "z"]` {
					t.Errorf("copied: %s %s %v", jtext, btext, err)
				}
			}
		})
	}
}
