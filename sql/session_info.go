package sql

import (
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/txn"
)

// sessionInfo lets session functions (current_setting, set_config,
// current_user, pg_sleep) reach the session without sem importing sql.
type sessionInfo struct{ s *Session }

func (i sessionInfo) Setting(name string, missingOK bool) (string, bool, error) {
	if v, ok := i.s.liveSetting(strings.ToLower(name)); ok {
		return v, true, nil
	}
	v, err := i.s.settings.get(name)
	if err != nil {
		if missingOK {
			return "", false, nil
		}
		return "", false, err
	}
	return v, true, nil
}

func (i sessionInfo) SetSetting(name, value string, local bool) (string, error) {
	if _, err := i.s.set(&dialect.Stmt{Kind: dialect.KindSet, Name: name, Values: []string{value}, Local: local}); err != nil {
		return "", err
	}
	v, _ := i.s.settings.get(name)
	return v, nil
}

func (i sessionInfo) User() string {
	v, _ := i.s.settings.get("session_authorization")
	return v
}

func (i sessionInfo) BackendPID() int32 { return i.s.backendPID }

func (i sessionInfo) Sleep(d time.Duration) error {
	ctx := i.s.ectx.Ctx
	if ctx == nil {
		time.Sleep(d)
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return pgerr.FromTxn(txn.ErrCanceled)
	}
}

// SetBackendPID records the wire connection's process id for
// pg_backend_pid().
func (s *Session) SetBackendPID(pid int32) { s.backendPID = pid }

// readOnlyName is transaction_read_only: the open transaction's mode, or
// the default for the next one.
func (s *Session) readOnlyName() string {
	if s.tx == nil {
		v, _ := s.settings.get("default_transaction_read_only")
		return v
	}
	if s.tx.ReadOnly() {
		return "on"
	}
	return "off"
}
