// Package sqlrecover recovers a PersianDB database with its SQL engine:
// it gives package recovery (which knows storage, txn and checkpoints,
// not SQL) the catalog's shape, then opens the engine over the recovered
// manager and restores what lives outside the tables: sequence values,
// the row-id counter and the sessions' commit points.
package sqlrecover

import (
	"fmt"

	"github.com/persiandb/persiandb/recovery"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// Open recovers the newest valid checkpoint in dir (recovery.Open) and
// returns the SQL engine over it. opts.Catalog is set here. The caller
// closes res.Manager.
func Open(dir string, opts recovery.Options) (*sql.Engine, *recovery.Result, error) {
	opts.Catalog = catalogSource{}
	res, err := recovery.Open(dir, opts)
	if err != nil {
		return nil, nil, err
	}
	eng, err := sql.Open(res.Manager)
	if err != nil {
		res.Manager.Close()
		return nil, nil, fmt.Errorf("recovery: opening the recovered catalog: %w", err)
	}
	if mf := res.Manifest; mf != nil {
		if len(mf.Extra) > 0 {
			if err := eng.RestoreCheckpointExtra(mf.Extra); err != nil {
				res.Manager.Close()
				return nil, nil, fmt.Errorf("recovery: %w", err)
			}
		}
		eng.ReserveTableIDs(res.MaxTableID)
		if err := eng.RestoreRowIDs(); err != nil {
			res.Manager.Close()
			return nil, nil, fmt.Errorf("recovery: %w", err)
		}
		eng.SetRecoveredPoints(res.Sessions)
	}
	return eng, res, nil
}

// catalogSource tells recovery where the catalog is and what it names.
type catalogSource struct{}

func (catalogSource) SystemTable() (uint32, string) {
	return catalog.SystemTableID, catalog.SystemTableName
}

func (catalogSource) Tables(m *txn.Manager) ([]recovery.TableSpec, error) {
	cat, err := catalog.Open(m)
	if err != nil {
		return nil, err
	}
	s := m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	tables, err := cat.Tables(tx)
	if err != nil {
		return nil, err
	}
	out := make([]recovery.TableSpec, len(tables))
	for i, t := range tables {
		out[i] = recovery.TableSpec{ID: t.ID, Name: t.Name, Schema: storage.Schema{Types: t.Types()}, Indexes: t.StorageIndexes()}
	}
	return out, nil
}
