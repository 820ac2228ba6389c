package catalog

import (
	"context"
	"fmt"
	"math"

	"github.com/persiandb/persiandb/txn"
)

// Sequences
//
// A sequence's definition is a descriptor like any other, transactional.
// Its counter is not: as in Postgres, nextval hands out each value once
// even if the transaction that asked rolls back, so concurrent
// transactions never wait for each other on a sequence. The counters live
// here, in memory, keyed by sequence id, and this is the one place that
// holds them:
//
//   - NextVal and SetVal change a counter under c.seq's lock;
//     SequenceState reads one.
//   - SequenceStates copies all of them for a checkpoint, and
//     SetSequenceState puts one back at recovery. A checkpoint that copies
//     the counters after its cut may record values handed out after the
//     cut: that is allowed (a sequence may skip values, never repeat one),
//     so copying them at any time after the cut is safe.
//   - Open starts every sequence at its START value: without a restored
//     state, a restarted database would hand out values again.
//
// CREATE SEQUENCE adds the counter at once (it is invisible until the
// descriptor commits) and removes it on rollback; DROP SEQUENCE removes it
// once no snapshot that still sees the descriptor runs.

// SequenceState is a sequence's counter, Postgres's last_value and
// is_called: if Called, Value was handed out and the next value follows
// it; otherwise the next nextval returns Value itself.
type SequenceState struct {
	Value  int64
	Called bool
}

// Integer bounds of the sequence types.
func typeBounds(typ string) (lo, hi int64) {
	switch typ {
	case "smallint":
		return math.MinInt16, math.MaxInt16
	case "integer":
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// SequenceDefaults fills the unset bounds and start of s as Postgres does:
// an ascending sequence runs from 1 to the type's maximum, a descending
// one from -1 down to the type's minimum, and starts at MINVALUE
// (ascending) or MAXVALUE (descending). hasMin, hasMax and hasStart say
// which of s's fields were given.
func SequenceDefaults(s *Sequence, hasMin, hasMax, hasStart bool) {
	lo, hi := typeBounds(s.Type)
	if s.Increment == 0 {
		s.Increment = 1
	}
	if !hasMin {
		s.Min = 1
		if s.Increment < 0 {
			s.Min = lo
		}
	}
	if !hasMax {
		s.Max = hi
		if s.Increment < 0 {
			s.Max = -1
		}
	}
	if !hasStart {
		s.Start = s.Min
		if s.Increment < 0 {
			s.Start = s.Max
		}
	}
}

// CheckSequence validates a sequence definition; the error message is
// Postgres's (SQLSTATE 22023).
func CheckSequence(s *Sequence) error {
	lo, hi := typeBounds(s.Type)
	switch {
	case s.Increment == 0:
		return fmt.Errorf("INCREMENT must not be zero")
	case s.Min < lo || s.Min > hi:
		return fmt.Errorf("MINVALUE (%d) is out of range for sequence data type %s", s.Min, s.Type)
	case s.Max < lo || s.Max > hi:
		return fmt.Errorf("MAXVALUE (%d) is out of range for sequence data type %s", s.Max, s.Type)
	case s.Min >= s.Max:
		return fmt.Errorf("MINVALUE (%d) must be less than MAXVALUE (%d)", s.Min, s.Max)
	case s.Start < s.Min:
		return fmt.Errorf("START value (%d) cannot be less than MINVALUE (%d)", s.Start, s.Min)
	case s.Start > s.Max:
		return fmt.Errorf("START value (%d) cannot be greater than MAXVALUE (%d)", s.Start, s.Max)
	}
	return nil
}

// CreateSequence adds the sequence s (its ID is assigned here) with its
// counter at START.
func (c *Catalog) CreateSequence(ctx context.Context, tx *txn.Txn, s *Sequence) error {
	c.reap()
	s.ID = c.nextID.Add(1) - 1
	if err := c.insert(ctx, tx, s.Name, s); err != nil {
		return err
	}
	id := s.ID
	c.seq.Lock()
	c.seq.states[id] = &SequenceState{Value: s.Start}
	c.seq.Unlock()
	tx.Defer(nil, func() {
		c.seq.Lock()
		delete(c.seq.states, id)
		c.seq.Unlock()
	})
	return nil
}

// DropSequence removes the named sequence.
func (c *Catalog) DropSequence(ctx context.Context, tx *txn.Txn, name string) error {
	obj, err := c.lock(ctx, tx, name)
	if err != nil {
		return err
	}
	s, ok := obj.(*Sequence)
	if !ok {
		return &WrongKindError{Name: name, Kind: kindOf(obj)}
	}
	if err := c.remove(ctx, tx, name); err != nil {
		return err
	}
	c.dropLater(tx, pendingDrop{id: s.ID, sequence: true})
	return nil
}

// AlterSequence replaces a sequence's descriptor (a changed copy of the
// one the caller read; the counter is kept).
func (c *Catalog) AlterSequence(ctx context.Context, tx *txn.Txn, s *Sequence) error {
	return c.replace(ctx, tx, s.Name, s)
}

func (c *Catalog) stateLocked(s *Sequence) (*SequenceState, error) {
	st := c.seq.states[s.ID]
	if st == nil {
		return nil, notFound(s.Name)
	}
	return st, nil
}

// NextVal advances s's counter and returns the new value; it is not
// undone by a rollback. Past MAXVALUE (MINVALUE for a descending
// sequence) it wraps if s cycles and fails with ErrSequenceLimit if not.
func (c *Catalog) NextVal(s *Sequence) (int64, error) {
	c.seq.Lock()
	defer c.seq.Unlock()
	st, err := c.stateLocked(s)
	if err != nil {
		return 0, err
	}
	if !st.Called {
		st.Called = true
		return st.Value, nil
	}
	v := st.Value
	if s.Increment > 0 {
		if v > s.Max-s.Increment { // v + inc > max, without overflow
			if !s.Cycle {
				return 0, ErrSequenceLimit
			}
			v = s.Min
		} else {
			v += s.Increment
		}
	} else {
		if v < s.Min-s.Increment {
			if !s.Cycle {
				return 0, ErrSequenceLimit
			}
			v = s.Max
		} else {
			v += s.Increment
		}
	}
	st.Value = v
	return v, nil
}

// SetVal sets s's counter (setval): the next nextval returns v itself if
// !called, or the value after v. v must lie within s's bounds
// (ErrSequenceRange).
func (c *Catalog) SetVal(s *Sequence, v int64, called bool) error {
	if v < s.Min || v > s.Max {
		return ErrSequenceRange
	}
	c.seq.Lock()
	defer c.seq.Unlock()
	st, err := c.stateLocked(s)
	if err != nil {
		return err
	}
	st.Value, st.Called = v, called
	return nil
}

// SequenceState returns the counter of the sequence with the given id.
func (c *Catalog) SequenceState(id uint32) (SequenceState, bool) {
	c.seq.Lock()
	defer c.seq.Unlock()
	st := c.seq.states[id]
	if st == nil {
		return SequenceState{}, false
	}
	return *st, true
}

// SetSequenceState sets the counter of the sequence with the given id:
// recovery restores a checkpoint's counters with it.
func (c *Catalog) SetSequenceState(id uint32, st SequenceState) {
	c.seq.Lock()
	defer c.seq.Unlock()
	c.seq.states[id] = &st
}

// SequenceStates returns a copy of every counter, by sequence id, for a
// checkpoint.
func (c *Catalog) SequenceStates() map[uint32]SequenceState {
	c.seq.Lock()
	defer c.seq.Unlock()
	out := make(map[uint32]SequenceState, len(c.seq.states))
	for id, st := range c.seq.states {
		out[id] = *st
	}
	return out
}

// RestartSequence resets s's counter to START (TRUNCATE ... RESTART
// IDENTITY). Unlike nextval this is undone if tx rolls back, as in
// Postgres; a value handed out meanwhile may then be handed out again.
func (c *Catalog) RestartSequence(tx *txn.Txn, s *Sequence) error {
	c.seq.Lock()
	st, err := c.stateLocked(s)
	if err != nil {
		c.seq.Unlock()
		return err
	}
	prev := *st
	st.Value, st.Called = s.Start, false
	c.seq.Unlock()
	id := s.ID
	tx.Defer(nil, func() {
		c.seq.Lock()
		if st := c.seq.states[id]; st != nil {
			*st = prev
		}
		c.seq.Unlock()
	})
	return nil
}
