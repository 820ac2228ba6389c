package exec

import (
	"io"

	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// hashKey encodes values so that equal values (by Postgres comparison:
// 1 = 1.0, int2 = int8) give equal bytes: the key encoding guarantees it.
// ok is false if a value is NULL (NULL join keys never match).
func hashKey(dst []byte, fns []evalFn, row Row) (key []byte, ok bool, err error) {
	ok = true
	for _, f := range fns {
		v, err := f(row)
		if err != nil {
			return dst, false, err
		}
		if v.IsNull() {
			ok = false
		}
		dst = storage.AppendKeyValue(dst, v, storage.KeyColumn{})
	}
	return dst, ok, nil
}

// joinIter runs a hash join (keys non-nil) or a nested-loop join. It reads
// the whole right input first: into a hash table by key, or into a list.
// Left rows stream. RIGHT and FULL joins remember which right rows matched
// and emit the others, NULL-extended, after the left input ends.
type joinIter struct {
	c          *Context
	steps      int // combinations tried, for cancellation checks
	kind       plan.JoinKind
	left       Iterator
	leftKeys   []evalFn
	cond       evalFn // residual or ON condition; nil = true
	table      map[string][]int
	right      []Row
	matched    []bool
	nLeft      int
	nRight     int
	out        Row
	cur        Row   // current left row
	cands      []int // right rows to try against cur
	ci         int
	curMatched bool
	tail       int // next right row to consider for the unmatched tail
	leftDone   bool
	keyBuf     []byte
}

func buildHashJoin(c *Context, n *plan.HashJoin) (Iterator, error) {
	return buildJoin(c, n.Kind, n.Left, n.Right, n.LeftKeys, n.RightKeys, n.Residual)
}

func buildNestedLoop(c *Context, n *plan.NestedLoopJoin) (Iterator, error) {
	return buildJoin(c, n.Kind, n.Left, n.Right, nil, nil, n.On)
}

func buildJoin(c *Context, kind plan.JoinKind, ln, rn plan.Node, lk, rk []plan.Expr, cond plan.Expr) (Iterator, error) {
	right, err := Build(c, rn)
	if err != nil {
		return nil, err
	}
	j := &joinIter{c: c, kind: kind, nLeft: len(ln.Columns()), nRight: len(rn.Columns())}
	rightKeys := compileAll(c, rk)
	hashed := len(lk) > 0
	if hashed {
		j.table = map[string][]int{}
	}
	var buf []byte
	for {
		r, err := right.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			right.Close()
			return nil, err
		}
		idx := len(j.right)
		j.right = append(j.right, append(Row(nil), r...))
		if hashed {
			key, ok, err := hashKey(buf[:0], rightKeys, r)
			if err != nil {
				right.Close()
				return nil, err
			}
			buf = key
			if ok {
				j.table[string(key)] = append(j.table[string(key)], idx)
			}
		}
	}
	right.Close()
	if kind == plan.RightJoin || kind == plan.FullJoin {
		j.matched = make([]bool, len(j.right))
	}
	if cond != nil {
		j.cond = compile(c, cond)
	}
	j.leftKeys = compileAll(c, lk)
	if j.left, err = Build(c, ln); err != nil {
		return nil, err
	}
	j.out = make(Row, j.nLeft+j.nRight)
	return j, nil
}

func (j *joinIter) Next() (Row, error) {
	for {
		if j.leftDone {
			return j.nextUnmatchedRight()
		}
		if j.cur == nil {
			r, err := j.left.Next()
			if err == io.EOF {
				j.leftDone = true
				continue
			}
			if err != nil {
				return nil, err
			}
			j.cur, j.ci, j.curMatched = r, 0, false
			if err := j.candidates(); err != nil {
				return nil, err
			}
		}
		for j.ci < len(j.cands) {
			ri := j.cands[j.ci]
			j.ci++
			if err := j.c.tick(&j.steps); err != nil {
				return nil, err
			}
			row := j.combine(j.cur, j.right[ri])
			if j.cond != nil {
				v, err := j.cond(row)
				if err != nil {
					return nil, err
				}
				if !isTrue(v) {
					continue
				}
			}
			j.curMatched = true
			if j.matched != nil {
				j.matched[ri] = true
			}
			return row, nil
		}
		left, matched := j.cur, j.curMatched
		j.cur = nil
		if !matched && (j.kind == plan.LeftJoin || j.kind == plan.FullJoin) {
			return j.combine(left, nil), nil
		}
	}
}

// candidates lists the right rows that may match the current left row.
func (j *joinIter) candidates() error {
	if j.table == nil {
		if len(j.cands) != len(j.right) {
			j.cands = make([]int, len(j.right))
			for i := range j.cands {
				j.cands[i] = i
			}
		}
		return nil
	}
	key, ok, err := hashKey(j.keyBuf[:0], j.leftKeys, j.cur)
	j.keyBuf = key
	if err != nil {
		return err
	}
	j.cands = nil
	if ok {
		j.cands = j.table[string(key)]
	}
	return nil
}

// combine fills the output row; a nil side is NULL-extended.
func (j *joinIter) combine(l, r Row) Row {
	for i := 0; i < j.nLeft; i++ {
		if l == nil {
			j.out[i] = vNull
		} else {
			j.out[i] = l[i]
		}
	}
	for i := 0; i < j.nRight; i++ {
		if r == nil {
			j.out[j.nLeft+i] = vNull
		} else {
			j.out[j.nLeft+i] = r[i]
		}
	}
	return j.out
}

func (j *joinIter) nextUnmatchedRight() (Row, error) {
	for j.matched != nil && j.tail < len(j.right) {
		i := j.tail
		j.tail++
		if !j.matched[i] {
			return j.combine(nil, j.right[i]), nil
		}
	}
	return nil, io.EOF
}

func (j *joinIter) Close() error {
	j.right, j.table = nil, nil
	if j.left != nil {
		return j.left.Close()
	}
	return nil
}
