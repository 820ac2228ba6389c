package pgwire

// Wire scripts: protocol conversations as data files (testdata/wire/*.txt),
// after cockroach's testutils/pgtest.
//
// # The format
//
// One directive a line; blank lines and lines starting with # are
// comments.
//
//	send TYPE [JSON]      encode a frontend message and flush it
//	expect TYPE [JSON]    the next backend message is TYPE and matches JSON
//	expect TYPE *         the next backend message is TYPE, any content
//	until TYPE            read and drop backend messages through the next TYPE
//	startup [JSON]        reconnect with a StartupMessage of these
//	                      Parameters (user and database default to
//	                      postgres); the greeting is left to expect lines
//
// TYPE is a pgproto3 message type name (Query, Parse, Bind, Describe,
// Execute, Close, Sync, Flush, CopyData, CopyDone, CopyFail, Terminate on
// the send side; any backend message on the expect side). JSON is what
// pgproto3's MarshalJSON produces for the message, without "Type", and is
// what send lines decode with UnmarshalJSON; a missing JSON is {}. Before
// comparison both sides are normalized:
//
//   - top-level members whose value is "", 0 or null are dropped (so an
//     ErrorResponse lists only the fields it carries);
//   - ErrorResponse and NoticeResponse lose File, Line and Routine (they
//     name PostgreSQL's C source);
//   - a RowDescription field's non-zero TableOID is recorded as "*": table
//     OIDs differ between servers;
//   - CopyData carries {"Text": "..."} when the data is printable UTF-8
//     (tab, CR and LF allowed), {"Data": "<hex>"} otherwise; send accepts
//     both. CopyInResponse and CopyOutResponse gain OverallFormat.
//
// In an expected JSON the string "*" matches any value, at any depth.
// Objects match regardless of member order. A message of the expected type
// but other content fails the test and the script goes on; a message of
// another type ends the script.
//
// Every script starts on a fresh connection (user postgres, database
// postgres) whose greeting has been read up to ReadyForQuery, on a fresh
// server. When the file ends, no unread message may remain.
//
// # Running against PostgreSQL
//
// PERSIANDB_WIRE_ADDR=host:port points the scripts at another server (a
// PostgreSQL 15 with trust authentication for postgres): the scripts state
// PostgreSQL's behaviour, so they must pass there too. Its public schema is
// dropped and recreated before each script.
//
// # Rewriting
//
// go test ./pgwire -run TestWireScripts -rewrite re-records every block of
// expect lines (the expect lines between two other directives) from what
// the server answers: the block's messages are read until as many
// ReadyForQuery as the block expected have come (or, for a block that does
// not end in ReadyForQuery, until the server is quiet for a moment).
// Expected lines that still match are kept as written, so hand-written
// wildcards survive. Pointed at PostgreSQL, -rewrite records PostgreSQL's
// answers: that is how the expectations were made, and a -rewrite against
// PersianDB is to be read as a diff, not accepted blindly (it would record
// PersianDB's deviations as the truth).

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"
)

var rewrite = flag.Bool("rewrite", false, "re-record the expect lines of testdata/wire/*.txt")

// wireAddrEnv names the environment variable that points the scripts at
// another server.
const wireAddrEnv = "PERSIANDB_WIRE_ADDR"

func TestWireScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "wire", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no wire scripts in testdata/wire")
	}
	external := os.Getenv(wireAddrEnv)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			addr := external
			if addr == "" {
				t.Parallel()
				addr = startServer(t).addr.String()
			} else {
				resetSchema(t, addr)
			}
			runWireScript(t, file, addr)
		})
	}
}

// wireLine is one directive of a script.
type wireLine struct {
	n    int    // line number, from 1
	text string // the line as written
	verb string // send, expect, until, startup; "" for comments
	typ  string
	arg  string // JSON, "*" or ""
}

func parseWireScript(path string) ([]wireLine, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lines []wireLine
	for i, text := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		l := wireLine{n: i + 1, text: text}
		s := strings.TrimSpace(text)
		if s == "" || strings.HasPrefix(s, "#") {
			lines = append(lines, l)
			continue
		}
		verb, rest, _ := strings.Cut(s, " ")
		rest = strings.TrimSpace(rest)
		l.verb = verb
		switch verb {
		case "send", "expect", "until":
			l.typ, l.arg, _ = strings.Cut(rest, " ")
			l.arg = strings.TrimSpace(l.arg)
			if l.typ == "" {
				return nil, fmt.Errorf("%s:%d: %s needs a message type", path, l.n, verb)
			}
		case "startup":
			l.arg = rest
		default:
			return nil, fmt.Errorf("%s:%d: unknown directive %q", path, l.n, verb)
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// wireClient is the raw frontend end of a script's connection.
type wireClient struct {
	nc net.Conn
	fe *pgproto3.Frontend
}

func dialWire(addr string, params map[string]string) (*wireClient, error) {
	nc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	c := &wireClient{nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
	p := map[string]string{"user": "postgres", "database": "postgres"}
	for k, v := range params {
		p[k] = v
	}
	c.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: p})
	if err := c.fe.Flush(); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// receive reads one message within d and renders it.
func (c *wireClient) receive(d time.Duration) (typ string, body wireObject, err error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
	msg, err := c.fe.Receive()
	if err != nil {
		return "", nil, err
	}
	return renderBackend(msg)
}

// greet reads the start-up greeting through ReadyForQuery.
func (c *wireClient) greet() error {
	for {
		typ, body, err := c.receive(10 * time.Second)
		if err != nil {
			return fmt.Errorf("greeting: %w", err)
		}
		switch typ {
		case "ErrorResponse":
			return fmt.Errorf("greeting: %s", body)
		case "ReadyForQuery":
			return nil
		}
	}
}

// resetSchema empties the public schema of an external server.
func resetSchema(t *testing.T, addr string) {
	c, err := dialWire(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.nc.Close()
	if err := c.greet(); err != nil {
		t.Fatal(err)
	}
	c.fe.Send(&pgproto3.Query{String: "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"})
	if err := c.fe.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := c.greet(); err != nil {
		t.Fatal(err)
	}
}

const (
	// wireTimeout bounds the wait for an expected message.
	wireTimeout = 10 * time.Second
	// wireQuiet is how long the server must be silent to end a block
	// that -rewrite records without a ReadyForQuery to count.
	wireQuiet = 300 * time.Millisecond
)

func runWireScript(t *testing.T, path, addr string) {
	lines, err := parseWireScript(path)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(path)
	var c *wireClient
	connect := func(params map[string]string, greet bool) {
		if c != nil {
			c.nc.Close()
		}
		c, err = dialWire(addr, params)
		if err != nil {
			t.Fatalf("%s: connect: %v", name, err)
		}
		if greet {
			if err := c.greet(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
	connect(nil, true)
	defer func() { c.nc.Close() }()

	var out []string // the rewritten file
	changed := false
	for i := 0; i < len(lines); {
		l := lines[i]
		if l.verb != "expect" {
			out = append(out, l.text)
			i++
			switch l.verb {
			case "send":
				msg, err := decodeFrontend(l.typ, l.arg)
				if err != nil {
					t.Fatalf("%s:%d: %v", name, l.n, err)
				}
				c.fe.Send(msg)
				if err := c.fe.Flush(); err != nil {
					t.Fatalf("%s:%d: send: %v", name, l.n, err)
				}
			case "until":
				for {
					typ, _, err := c.receive(wireTimeout)
					if err != nil {
						t.Fatalf("%s:%d: until %s: %v", name, l.n, l.typ, err)
					}
					if typ == l.typ {
						break
					}
				}
			case "startup":
				var sm struct{ Parameters map[string]string }
				if l.arg != "" {
					if err := json.Unmarshal([]byte(l.arg), &sm); err != nil {
						t.Fatalf("%s:%d: %v", name, l.n, err)
					}
				}
				connect(sm.Parameters, false)
			}
			continue
		}
		// A block: the expect lines (and comments among them) up to the
		// next other directive.
		j := i
		for j < len(lines) && (lines[j].verb == "expect" || lines[j].verb == "") {
			j++
		}
		for j > i && lines[j-1].verb == "" {
			j-- // trailing comments belong after the block
		}
		block := lines[i:j]
		i = j
		if !*rewrite {
			for _, l := range block {
				if l.verb != "expect" {
					continue
				}
				typ, body, err := c.receive(wireTimeout)
				if err != nil {
					t.Fatalf("%s:%d: expected %s, got error %v", name, l.n, expectText(l.typ, l.arg), err)
				}
				ok, err := matchExpect(l, typ, body)
				switch {
				case err != nil:
					t.Fatalf("%s:%d: %v", name, l.n, err)
				case !ok && typ == l.typ:
					// The stream is still in step: go on, to show
					// every difference.
					t.Errorf("%s:%d: mismatch\nexpected: %s\n  actual: %s", name, l.n, expectText(l.typ, l.arg), expectText(typ, body.String()))
				case !ok:
					t.Fatalf("%s:%d: mismatch\nexpected: %s\n  actual: %s", name, l.n, expectText(l.typ, l.arg), expectText(typ, body.String()))
				}
			}
			continue
		}
		got := recordBlock(c, block)
		k := 0 // next recorded message
		for _, l := range block {
			if l.verb != "expect" {
				out = append(out, l.text)
				continue
			}
			if k < len(got) {
				line := rewriteLine(l, got[k])
				changed = changed || line != l.text
				out = append(out, line)
				k++
			} else {
				changed = true // the server sent fewer messages
			}
		}
		for ; k < len(got); k++ {
			out = append(out, rewriteLine(wireLine{}, got[k]))
			changed = true
		}
	}
	// Nothing may be left unread.
	if typ, body, err := c.receive(wireQuiet); err == nil {
		if *rewrite {
			t.Errorf("%s: unexpected trailing message %s (add an expect block)", name, expectText(typ, body.String()))
		} else {
			t.Fatalf("%s: unexpected trailing message %s", name, expectText(typ, body.String()))
		}
	}
	if *rewrite && changed {
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: rewritten", name)
	}
}

// recorded is one backend message read by -rewrite.
type recorded struct {
	typ  string
	body wireObject
}

// recordBlock reads the messages that answer a block of expect lines.
func recordBlock(c *wireClient, block []wireLine) []recorded {
	want := 0 // ReadyForQuery messages the block expects
	last := ""
	for _, l := range block {
		if l.verb == "expect" {
			last = l.typ
			if l.typ == "ReadyForQuery" {
				want++
			}
		}
	}
	var got []recorded
	seen := 0
	for {
		d := wireQuiet
		if last == "ReadyForQuery" {
			d = wireTimeout
		}
		typ, body, err := c.receive(d)
		if err != nil {
			return got
		}
		got = append(got, recorded{typ, body})
		if typ == "ReadyForQuery" {
			seen++
			if last == "ReadyForQuery" && seen == want {
				return got
			}
		}
	}
}

// rewriteLine keeps an expect line that matches the recorded message and
// renders the message otherwise.
func rewriteLine(l wireLine, r recorded) string {
	if l.verb == "expect" {
		if ok, err := matchExpect(l, r.typ, r.body); err == nil && ok {
			return l.text
		}
	}
	if r.typ == "BackendKeyData" {
		return "expect BackendKeyData *"
	}
	return "expect " + expectText(r.typ, r.body.String())
}

func expectText(typ, arg string) string {
	if arg == "" || arg == "{}" {
		return typ
	}
	return typ + " " + arg
}

// matchExpect compares an expect line with a received message.
func matchExpect(l wireLine, typ string, body wireObject) (bool, error) {
	if l.typ != typ {
		return false, nil
	}
	if l.arg == "*" {
		return true, nil
	}
	arg := l.arg
	if arg == "" {
		arg = "{}"
	}
	v, err := decodeOrdered([]byte(arg))
	if err != nil {
		return false, fmt.Errorf("bad JSON %s: %v", arg, err)
	}
	exp, ok := v.(wireObject)
	if !ok {
		return false, fmt.Errorf("expected JSON is not an object: %s", arg)
	}
	return matchJSON(stripZero(exp), body), nil
}

// matchJSON reports whether act matches exp, where "*" in exp matches
// anything.
func matchJSON(exp, act any) bool {
	if s, ok := exp.(string); ok && s == "*" {
		return true
	}
	switch e := exp.(type) {
	case wireObject:
		a, ok := act.(wireObject)
		if !ok || len(a) != len(e) {
			return false
		}
		for _, m := range e {
			av, ok := a.get(m.Key)
			if !ok || !matchJSON(m.Val, av) {
				return false
			}
		}
		return true
	case []any:
		a, ok := act.([]any)
		if !ok || len(a) != len(e) {
			return false
		}
		for i := range e {
			if !matchJSON(e[i], a[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(exp, act)
}

// frontendTypes are the messages send lines may name.
var frontendTypes = map[string]func() pgproto3.FrontendMessage{
	"Query":     func() pgproto3.FrontendMessage { return &pgproto3.Query{} },
	"Parse":     func() pgproto3.FrontendMessage { return &pgproto3.Parse{} },
	"Bind":      func() pgproto3.FrontendMessage { return &pgproto3.Bind{} },
	"Describe":  func() pgproto3.FrontendMessage { return &pgproto3.Describe{} },
	"Execute":   func() pgproto3.FrontendMessage { return &pgproto3.Execute{} },
	"Close":     func() pgproto3.FrontendMessage { return &pgproto3.Close{} },
	"Sync":      func() pgproto3.FrontendMessage { return &pgproto3.Sync{} },
	"Flush":     func() pgproto3.FrontendMessage { return &pgproto3.Flush{} },
	"CopyData":  func() pgproto3.FrontendMessage { return &pgproto3.CopyData{} },
	"CopyDone":  func() pgproto3.FrontendMessage { return &pgproto3.CopyDone{} },
	"CopyFail":  func() pgproto3.FrontendMessage { return &pgproto3.CopyFail{} },
	"Terminate": func() pgproto3.FrontendMessage { return &pgproto3.Terminate{} },
}

// decodeFrontend builds a send line's message.
func decodeFrontend(typ, arg string) (pgproto3.FrontendMessage, error) {
	mk, ok := frontendTypes[typ]
	if !ok {
		return nil, fmt.Errorf("cannot send %s", typ)
	}
	msg := mk()
	if arg == "" {
		arg = "{}"
	}
	if cd, ok := msg.(*pgproto3.CopyData); ok {
		var v struct {
			Text *string
			Data *string
		}
		if err := json.Unmarshal([]byte(arg), &v); err != nil {
			return nil, fmt.Errorf("bad JSON for %s: %v", typ, err)
		}
		switch {
		case v.Text != nil:
			cd.Data = []byte(*v.Text)
		case v.Data != nil:
			b, err := hex.DecodeString(*v.Data)
			if err != nil {
				return nil, fmt.Errorf("bad CopyData hex: %v", err)
			}
			cd.Data = b
		}
		return cd, nil
	}
	if err := json.Unmarshal([]byte(arg), msg); err != nil {
		return nil, fmt.Errorf("bad JSON for %s: %v", typ, err)
	}
	return msg, nil
}

// renderBackend renders a received message in the scripts' normal form.
func renderBackend(msg pgproto3.BackendMessage) (string, wireObject, error) {
	typ := reflect.TypeOf(msg).Elem().Name()
	b, err := json.Marshal(msg)
	if err != nil {
		return "", nil, err
	}
	v, err := decodeOrdered(b)
	if err != nil {
		return "", nil, err
	}
	obj, _ := v.(wireObject)
	obj = obj.without("Type")
	switch m := msg.(type) {
	case *pgproto3.ErrorResponse, *pgproto3.NoticeResponse:
		obj = obj.without("File", "Line", "Routine")
	case *pgproto3.RowDescription:
		for i, f := range m.Fields {
			if f.TableOID != 0 {
				fields, _ := obj.get("Fields")
				fields.([]any)[i].(wireObject).set("TableOID", "*")
			}
		}
	case *pgproto3.CopyData:
		if printable(m.Data) {
			obj = wireObject{{"Text", string(m.Data)}}
		}
	case *pgproto3.CopyInResponse:
		obj = append(wireObject{{"OverallFormat", json.Number(fmt.Sprint(m.OverallFormat))}}, obj...)
	case *pgproto3.CopyOutResponse:
		obj = append(wireObject{{"OverallFormat", json.Number(fmt.Sprint(m.OverallFormat))}}, obj...)
	}
	return typ, stripZero(obj), nil
}

func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 32 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// stripZero drops top-level members whose value is "", 0 or null.
func stripZero(o wireObject) wireObject {
	out := o[:0:0]
	for _, m := range o {
		switch v := m.Val.(type) {
		case nil:
			continue
		case string:
			if v == "" {
				continue
			}
		case json.Number:
			if v == "0" {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// wireObject is a JSON object that keeps its members' order.
type wireObject []wireMember

type wireMember struct {
	Key string
	Val any // string, json.Number, bool, nil, []any or wireObject
}

func (o wireObject) get(k string) (any, bool) {
	for _, m := range o {
		if m.Key == k {
			return m.Val, true
		}
	}
	return nil, false
}

func (o wireObject) set(k string, v any) {
	for i := range o {
		if o[i].Key == k {
			o[i].Val = v
		}
	}
}

func (o wireObject) without(keys ...string) wireObject {
	out := o[:0:0]
	for _, m := range o {
		drop := false
		for _, k := range keys {
			drop = drop || m.Key == k
		}
		if !drop {
			out = append(out, m)
		}
	}
	return out
}

// String renders o as compact JSON, without HTML escaping.
func (o wireObject) String() string {
	var b bytes.Buffer
	writeJSON(&b, o)
	return b.String()
}

func writeJSON(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case wireObject:
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, m.Key)
			b.WriteByte(':')
			writeJSON(b, m.Val)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	default:
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
		b.Truncate(b.Len() - 1) // Encode's newline
	}
}

// decodeOrdered decodes one JSON value, keeping objects' member order.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := wireObject{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			obj = append(obj, wireMember{kt.(string), v})
		}
		_, err := dec.Token() // }
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token() // ]
		return arr, err
	}
	return tok, nil
}

// wireSeeds returns, for each script, the bytes of its send lines up to
// its first startup directive: seeds for FuzzMessages.
func wireSeeds() ([][]byte, error) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "wire", "*.txt"))
	if err != nil {
		return nil, err
	}
	var seeds [][]byte
	for _, file := range files {
		lines, err := parseWireScript(file)
		if err != nil {
			return nil, err
		}
		var buf []byte
		for _, l := range lines {
			if l.verb == "startup" {
				break
			}
			if l.verb != "send" {
				continue
			}
			msg, err := decodeFrontend(l.typ, l.arg)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", file, l.n, err)
			}
			if buf, err = msg.Encode(buf); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", file, l.n, err)
			}
		}
		if len(buf) > 0 {
			seeds = append(seeds, buf)
		}
	}
	return seeds, nil
}
