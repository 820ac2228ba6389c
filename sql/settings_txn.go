package sql

import "github.com/persiandb/persiandb/sql/pgerr"

// Settings are transactional, as in Postgres: a SET inside a transaction
// is undone if the transaction rolls back, and SET LOCAL lasts only until
// the transaction ends. undo holds each parameter's value before its
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
	s.setUndo, s.localUndo = nil, nil
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
