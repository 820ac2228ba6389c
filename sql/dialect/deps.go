package dialect

// The dialect front targets the TiDB parser; the value driver must be
// linked or the parser panics on literals.
import (
	_ "github.com/pingcap/tidb/pkg/parser"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver"
)
