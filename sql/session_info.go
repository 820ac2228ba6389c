package sql

import (
	"github.com/persiandb/persiandb/storage"
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

func (i sessionInfo) AdvisoryLock(key int64, two, shared, xact, wait bool) (bool, error) {
	return i.s.advisoryLock(key, two, shared, xact, wait)
}

func (i sessionInfo) AdvisoryUnlock(key int64, two, shared bool) bool {
	ok := i.s.e.advisory.release(advisoryKey{n: key, two: two}, advisoryHolder{s: i.s, shared: shared})
	if !ok {
		mode := "ExclusiveLock"
		if shared {
			mode = "ShareLock"
		}
		i.s.notices = append(i.s.notices, pgerr.New(pgerr.Warning, "you don't own a lock of type %s", mode).WithSeverity(pgerr.SeverityWarning))
	}
	return ok
}

func (i sessionInfo) AdvisoryUnlockAll() { i.s.e.advisory.releaseAll(i.s, false) }

func (i sessionInfo) Notify(channel, payload string) (storage.Value, error) {
	return i.s.pgNotify(channel, payload)
}

func (i sessionInfo) TxnID() int64 {
	if tx := i.s.ectx.Txn; tx != nil {
		return int64(tx.ID())
	}
	return 0
}

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
