package main

import (
	"fmt"
	"os"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

type v struct{ depth int }

func (x *v) Enter(n ast.Node) (ast.Node, bool) {
	extra := ""
	if ve, ok := n.(*test_driver.ValueExpr); ok {
		extra = fmt.Sprintf(" kind=%d val=%v flag=%v", ve.Kind(), ve.GetValue(), ve.Type.GetFlag())
	}
	fmt.Printf("%*s%T%s\n", x.depth*2, "", n, extra)
	x.depth++
	return n, false
}
func (x *v) Leave(n ast.Node) (ast.Node, bool) { x.depth--; return n, true }

func main() {
	s, err := dialect.Prepare(os.Args[1])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Kind, s.Text)
	p := dialect.NewParser()
	stmts, _, err := p.Parse(s.Text, "", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range stmts {
		st.Accept(&v{})
	}
}
