package dialect

import (
	"strings"
	"testing"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
)

// restore parses text with NewParser and restores it, the canonical form
// the tests compare against: it proves Text parses and shows its structure.
func restore(t testing.TB, text string) string {
	t.Helper()
	node, err := NewParser().ParseOneStmt(text, "", "")
	if err != nil {
		t.Fatalf("TiDB parser rejects %q: %v", text, err)
	}
	return restoreNode(t, node)
}

func restoreNode(t testing.TB, node ast.Node) string {
	t.Helper()
	var b strings.Builder
	if err := node.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags, &b)); err != nil {
		t.Fatalf("restore: %v", err)
	}
	return b.String()
}

// mustPrepare prepares a KindParsed statement and returns its restored Text.
func mustPrepare(t testing.TB, sql string) (*Stmt, string) {
	t.Helper()
	s, err := Prepare(sql)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", sql, err)
	}
	if s.Kind != KindParsed {
		t.Fatalf("Prepare(%q): kind %v, want Parsed", sql, s.Kind)
	}
	return s, restore(t, s.Text)
}
