package sql

import (
	"maps"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// Settings are transactional, as in Postgres: a SET inside a transaction
// is undone if the transaction rolls back, and SET LOCAL lasts only until
// the transaction ends, and ROLLBACK TO SAVEPOINT undoes the SETs made
// since the savepoint. undo holds each parameter's value before its
// first change in the transaction, local the same for SET LOCAL.

// noteSet records name's value before a SET in a transaction.
func (s *Session) noteSet(name string, local bool) *pgerr.Error {
	if s.tx == nil {
		if local {
			return pgerr.New(pgerr.NoActiveSQLTransaction, "SET LOCAL can only be used in transaction blocks").WithSeverity(pgerr.SeverityWarning)
		}
		return nil
	}
	old, err := s.settings.get(name)
	if err != nil {
		return nil
	}
	if s.setUndo == nil {
		s.setUndo = map[string]string{}
	}
	if _, seen := s.setUndo[name]; !seen {
		s.setUndo[name] = old
	}
	if local {
		if s.localUndo == nil {
			s.localUndo = map[string]string{}
		}
		if _, seen := s.localUndo[name]; !seen {
			s.localUndo[name] = old
		}
	} else {
		// A plain SET after a SET LOCAL in the same transaction is what
		// the commit keeps (Postgres).
		delete(s.localUndo, name)
	}
	return nil
}

// endSettings applies the end of a transaction to its SETs: a commit
// keeps them but for SET LOCAL's, a rollback undoes them all.
func (s *Session) endSettings(committed bool) {
	restore := s.setUndo
	if committed {
		restore = s.localUndo
	}
	for name, v := range restore {
		s.applySetting(name, v)
	}
	s.setUndo, s.localUndo, s.setSavepoints = nil, nil, nil
}

// setSavepoint is the settings' state at a SAVEPOINT: ROLLBACK TO it
// puts the parameters changed since back, as Postgres does.
type setSavepoint struct {
	name string
	// vals are the values then of the parameters changed in the
	// transaction before the savepoint; setUndo and localUndo are copies
	// of the session's maps then.
	vals, setUndo, localUndo map[string]string
}

// savepointSettings records the settings at SAVEPOINT name.
func (s *Session) savepointSettings(name string) {
	sp := setSavepoint{name: name, vals: map[string]string{}, setUndo: maps.Clone(s.setUndo), localUndo: maps.Clone(s.localUndo)}
	for n := range s.setUndo {
		if v, err := s.settings.get(n); err == nil {
			sp.vals[n] = v
		}
	}
	s.setSavepoints = append(s.setSavepoints, sp)
}

// newestSetSavepoint returns the index of the newest savepoint called
// name (-1 if none).
func (s *Session) newestSetSavepoint(name string) int {
	for i := len(s.setSavepoints) - 1; i >= 0; i-- {
		if s.setSavepoints[i].name == name {
			return i
		}
	}
	return -1
}

// releaseSettings forgets savepoint name and the ones after it (RELEASE:
// their changes stay).
func (s *Session) releaseSettings(name string) {
	if i := s.newestSetSavepoint(name); i >= 0 {
		s.setSavepoints = s.setSavepoints[:i]
	}
}

// rollbackSettingsTo undoes the changes made since savepoint name, which
// stays (ROLLBACK TO keeps it); the ones after it are forgotten.
func (s *Session) rollbackSettingsTo(name string) {
	i := s.newestSetSavepoint(name)
	if i < 0 {
		return
	}
	sp := s.setSavepoints[i]
	for n, before := range s.setUndo {
		want, ok := sp.vals[n]
		if !ok {
			want = before // first changed after the savepoint
		}
		if cur, err := s.settings.get(n); err != nil || cur != want {
			s.applySetting(n, want)
		}
	}
	s.setUndo, s.localUndo = maps.Clone(sp.setUndo), maps.Clone(sp.localUndo)
	s.setSavepoints = s.setSavepoints[:i+1]
}

// applySetting sets a value known to be valid, with its side effects.
func (s *Session) applySetting(name, v string) {
	if err := s.settings.set(name, v); err != nil {
		s.settings.force(name, v)
	}
	if name == "timezone" {
		if loc, err := loadZone(v); err == nil {
			s.sem.Loc = loc
		}
	}
}
