package sql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/pingcap/tidb/pkg/parser/format"
)

func TestProbeParse(t *testing.T) {
	for _, q := range strings.Split(probeSQL, "\n") {
		if q == "" {
			continue
		}
		st, err := dialect.Prepare(q)
		if err != nil {
			fmt.Printf("%s\n   PREPARE ERR %v\n", q, err)
			continue
		}
		if st.Kind != dialect.KindParsed {
			fmt.Printf("%s\n   kind %v %+v\n", q, st.Kind, st.Tables)
			continue
		}
		n, err := dialect.NewParser().ParseOneStmt(st.Text, "", "")
		if err != nil {
			fmt.Printf("%s\n   TEXT %s\n   PARSE ERR %v\n", q, st.Text, err)
			continue
		}
		var b strings.Builder
		n.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags, &b))
		fmt.Printf("%s\n   %T %s\n", q, n, b.String())
	}
}
