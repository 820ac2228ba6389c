package exec

import (
	"io"

	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// buildGroup hashes its input by the group-by values (through the key
// encoding, so values Postgres groups together meet) and emits one row per
// group, in order of first appearance. With no GROUP BY it emits one row
// even for empty input, as SQL requires.
func buildGroup(c *Context, n *plan.Group) (Iterator, error) {
	in, err := Build(c, n.Input)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	keys := compileAll(c, n.GroupBy)
	calls := make([]aggCall, len(n.Aggs))
	for i, a := range n.Aggs {
		calls[i] = compileAgg(c, a)
	}
	type group struct {
		keys []storage.Value
		accs []*accumulator
	}
	newGroup := func(k []storage.Value) *group {
		g := &group{keys: k, accs: make([]*accumulator, len(n.Aggs))}
		for i, a := range n.Aggs {
			g.accs[i] = newAccumulator(c, a)
		}
		return g
	}
	groups := map[string]*group{}
	var order []*group
	var buf []byte
	for {
		r, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		buf = buf[:0]
		kv := make([]storage.Value, len(keys))
		for i, f := range keys {
			if kv[i], err = f(r); err != nil {
				return nil, err
			}
			buf = storage.AppendKeyValue(buf, kv[i], storage.KeyColumn{})
		}
		g := groups[string(buf)]
		if g == nil {
			g = newGroup(kv)
			groups[string(buf)] = g
			order = append(order, g)
		}
		for i, acc := range g.accs {
			if err := calls[i].feed(acc, r); err != nil {
				return nil, err
			}
		}
	}
	if len(order) == 0 && len(keys) == 0 {
		order = append(order, newGroup(nil))
	}
	out := &sliceIter{rows: make([]Row, len(order))}
	for i, g := range order {
		row := append(Row(nil), g.keys...)
		for _, acc := range g.accs {
			v, err := acc.result()
			if err != nil {
				return nil, err
			}
			row = append(row, v)
		}
		out.rows[i] = row
	}
	return out, nil
}
