package exec

import (
	"io"

	"github.com/persiandb/persiandb/sql/plan"
)

// setOpIter runs UNION, INTERSECT and EXCEPT. Rows are told apart by
// their key encoding (appendRowKey), so NULLs are equal to each other, as
// in Postgres's set operations.
//
// UNION streams the left input, then the right, remembering rows seen
// unless ALL. INTERSECT and EXCEPT first count the right input's rows by
// key, then stream the left, spending the counts:
//
//	INTERSECT      emit if count > 0, then count = 0 (each row once)
//	INTERSECT ALL  emit if count > 0, then count--   (min(m, n) copies)
//	EXCEPT         emit if count == 0, then count = 1 (each row once)
//	EXCEPT ALL     skip if count > 0, then count--   (max(m-n, 0) copies)
type setOpIter struct {
	kind        plan.SetOpKind
	all         bool
	left, right Iterator // right is nil once drained (or counted)
	counts      map[string]int
	buf         []byte
}

func buildSetOp(c *Context, n *plan.SetOp) (Iterator, error) {
	left, err := Build(c, n.Left)
	if err != nil {
		return nil, err
	}
	right, err := Build(c, n.Right)
	if err != nil {
		left.Close()
		return nil, err
	}
	s := &setOpIter{kind: n.Kind, all: n.All, left: left, right: right}
	if n.Kind == plan.Union {
		if !n.All {
			s.counts = map[string]int{}
		}
		return s, nil
	}
	s.counts = map[string]int{}
	defer right.Close()
	s.right = nil
	for {
		r, err := right.Next()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			left.Close()
			return nil, err
		}
		s.buf = appendRowKey(s.buf[:0], r)
		s.counts[string(s.buf)]++
	}
}

func (s *setOpIter) Next() (Row, error) {
	for {
		r, err := s.left.Next()
		if err == io.EOF && s.kind == plan.Union && s.right != nil {
			s.left.Close()
			s.left, s.right = s.right, nil
			continue
		}
		if err != nil {
			return nil, err
		}
		if s.kind == plan.Union && s.all {
			return r, nil
		}
		s.buf = appendRowKey(s.buf[:0], r)
		old := s.counts[string(s.buf)]
		n, keep := old, false
		switch {
		case s.kind == plan.Union:
			keep, n = n == 0, 1
		case s.kind == plan.Intersect:
			keep = n > 0
			if n > 0 && s.all {
				n--
			} else {
				n = 0
			}
		case s.all: // EXCEPT ALL
			keep = n == 0
			n = max(n-1, 0)
		default: // EXCEPT
			keep, n = n == 0, 1
		}
		if n != old {
			s.counts[string(s.buf)] = n
		}
		if keep {
			return r, nil
		}
	}
}

func (s *setOpIter) Close() error {
	s.counts = nil
	if s.right != nil {
		s.right.Close()
		s.right = nil
	}
	return s.left.Close()
}
