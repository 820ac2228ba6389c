package sql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
)

func TestProbeRaw(t *testing.T) {
	for _, q := range []string{
		`create table t (a int default (('x' || 'y')), b int default "nextval" ('s'))`,
		`create table t (a int default abs (1 + 2), b int default upper ('x' || 'y'))`,
		`create table t (a int default pdb_expr ('x' || 'y'))`,
		`create table t (a int default (1 + 2))`,
		`create table t (a int default -1, b int default 1 + 2)`,
		`alter table t alter column a set default (1 + 2)`,
		`alter table t alter column a set default abs (1 + 2)`,
		`alter table t alter column a set default pdb_x (1 + 2)`,
		`alter table t alter column a set default nextval ('s')`,
		`alter table t alter column a set default "nextval" ('s')`,
		`create table t (a int default "nextval" ('s'))`,
		`create table t (a int default nextval ('s'))`,
		`create table t (a int default now ())`,
		`create index i on t ((pdb_nulls_first (a)) desc, b)`,
		`create table t (a int default ('x' || 'y'), b int default "nextval" ('s'))`,
		`drop index i1 on pdb_x`,
		`alter table t alter column a set default pdb_not_null (true)`,
		`drop table t cascade`,
		`create table t (a int references q on delete restrict, b int references q (x) on delete no action)`,
	} {
		n, err := dialect.NewParser().ParseOneStmt(q, "", "")
		if err != nil {
			fmt.Printf("%s\n   PARSE ERR %v\n", q, err)
			continue
		}
		var b strings.Builder
		n.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags, &b))
		fmt.Printf("%s\n   %T %s\n", q, n, b.String())
		if s, ok := n.(*ast.SelectStmt); ok {
			for _, f := range s.Fields.Fields {
				fmt.Printf("   %T %+v\n", f.Expr, f.Expr)
			}
		}
		if s, ok := n.(*ast.CreateIndexStmt); ok {
			for _, k := range s.IndexPartSpecifications {
				fmt.Printf("   %+v %T\n", k, k.Expr)
			}
		}
	}
}
