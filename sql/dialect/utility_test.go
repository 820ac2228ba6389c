package dialect

import (
	"fmt"
	"testing"
)

func TestUtility(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		in    string
		check func(s *Stmt) bool
	}{
		{"", func(s *Stmt) bool { return s.Kind == KindEmpty }},
		{"-- c", func(s *Stmt) bool { return s.Kind == KindEmpty }},
		{"BEGIN", func(s *Stmt) bool { return s.Kind == KindBegin && s.Txn == TxnModes{} }},
		{"begin transaction isolation level repeatable read, read only", func(s *Stmt) bool {
			return s.Kind == KindBegin && s.Txn.Isolation == "repeatable read" && *s.Txn.ReadOnly == yes
		}},
		{"begin read write", func(s *Stmt) bool { return s.Txn.ReadOnly != nil && *s.Txn.ReadOnly == no }},
		{"start transaction isolation level serializable not deferrable", func(s *Stmt) bool {
			return s.Kind == KindBegin && s.Txn.Isolation == "serializable" && !*s.Txn.Deferrable
		}},
		{"commit", func(s *Stmt) bool { return s.Kind == KindCommit }},
		{"END", func(s *Stmt) bool { return s.Kind == KindCommit }},
		{"commit and chain", func(s *Stmt) bool { return s.Kind == KindCommit && s.Chain }},
		{"abort work", func(s *Stmt) bool { return s.Kind == KindRollback }},
		{"rollback", func(s *Stmt) bool { return s.Kind == KindRollback }},
		{"rollback to savepoint Sp", func(s *Stmt) bool { return s.Kind == KindRollbackTo && s.Name == "sp" }},
		{"rollback work to \"Sp\"", func(s *Stmt) bool { return s.Kind == KindRollbackTo && s.Name == "Sp" }},
		{"savepoint a", func(s *Stmt) bool { return s.Kind == KindSavepoint && s.Name == "a" }},
		{"release a", func(s *Stmt) bool { return s.Kind == KindRelease && s.Name == "a" }},
		{"release savepoint a", func(s *Stmt) bool { return s.Kind == KindRelease && s.Name == "a" }},
		{"SET search_path TO public, \"My\"", func(s *Stmt) bool {
			return s.Kind == KindSet && s.Name == "search_path" && s.Value() == "public, My"
		}},
		{"set local statement_timeout = '5s'", func(s *Stmt) bool { return s.Local && s.Values[0] == "5s" }},
		{"set extra_float_digits = -3", func(s *Stmt) bool { return s.Value() == "-3" }},
		{"set datestyle to default", func(s *Stmt) bool { return s.Default && s.Name == "datestyle" }},
		{"SET TIME ZONE 'UTC'", func(s *Stmt) bool { return s.Name == "timezone" && s.Value() == "UTC" }},
		{"set time zone local", func(s *Stmt) bool { return s.Name == "timezone" && s.Default }},
		{"set names 'UTF8'", func(s *Stmt) bool { return s.Name == "client_encoding" && s.Value() == "UTF8" }},
		{"set session characteristics as transaction isolation level read committed", func(s *Stmt) bool {
			return s.Kind == KindSetTxn && s.Session && s.Txn.Isolation == "read committed"
		}},
		{"set transaction read only", func(s *Stmt) bool { return s.Kind == KindSetTxn && *s.Txn.ReadOnly }},
		{"show transaction isolation level", func(s *Stmt) bool {
			return s.Kind == KindShow && s.Name == "transaction_isolation"
		}},
		{"SHOW server_version", func(s *Stmt) bool { return s.Kind == KindShow && s.Name == "server_version" }},
		{"show all", func(s *Stmt) bool { return s.Name == "all" }},
		{"reset all", func(s *Stmt) bool { return s.Kind == KindReset && s.Name == "all" }},
		{"reset time zone", func(s *Stmt) bool { return s.Kind == KindReset && s.Name == "timezone" }},
		{"checkpoint", func(s *Stmt) bool { return s.Kind == KindCheckpoint }},
		{"vacuum", func(s *Stmt) bool { return s.Kind == KindVacuum }},
		{"vacuum (verbose, analyze) t, s.u (a)", func(s *Stmt) bool {
			return s.Kind == KindVacuum && len(s.Tables) == 2 && s.Tables[1] == ObjectName{"s", "u"}
		}},
		{"analyze verbose t", func(s *Stmt) bool { return s.Kind == KindAnalyze && s.Tables[0].Name == "t" }},
		{"truncate a, b", func(s *Stmt) bool { return s.Kind == KindTruncate && len(s.Tables) == 2 }},
		{"TRUNCATE TABLE ONLY \"A\" RESTART IDENTITY CASCADE", func(s *Stmt) bool {
			return s.Tables[0].Name == "A" && s.Restart && s.Cascade
		}},
		{"discard all", func(s *Stmt) bool { return s.Kind == KindDiscard && s.Name == "all" }},
		{"deallocate prepare p1", func(s *Stmt) bool { return s.Kind == KindDeallocate && s.Name == "p1" }},
		{"deallocate all", func(s *Stmt) bool { return s.Kind == KindDeallocate && s.Name == "" }},
		{"prepare p (int, text) as select $1::text || $2", func(s *Stmt) bool {
			return s.Kind == KindPrepare && s.Name == "p" && len(s.ParamTypes) == 2 &&
				s.ParamTypes[0].Name == "integer" && s.Body.Kind == KindParsed && s.NumParams == 2 &&
				fmt.Sprint(s.Body.Params) == "[1 2]"
		}},
		{"execute p (1, 'x'::text)", func(s *Stmt) bool {
			return s.Kind == KindExecute && s.Name == "p" && s.Args.Text == "select 1, pdb_cast ('x', 'text')"
		}},
		{"execute p", func(s *Stmt) bool { return s.Kind == KindExecute && s.Args == nil }},
		{"copy t (a, b) from stdin with (format csv, header, delimiter ';')", func(s *Stmt) bool {
			c := s.Copy
			return s.Kind == KindCopy && c.From && c.Target == "stdin" && len(c.Columns) == 2 &&
				fmt.Sprint(c.Options) == "[{format csv} {header true} {delimiter ;}]"
		}},
		{"copy t to stdout csv header delimiter as '|' null ''", func(s *Stmt) bool {
			c := s.Copy
			return !c.From && c.Target == "stdout" && fmt.Sprint(c.Options) == "[{format csv} {header true} {delimiter |} {null }]"
		}},
		{"copy (select a from t where b = $1) to stdout", func(s *Stmt) bool {
			return s.Copy.Query != nil && s.Copy.Query.Text == "select a from t where b = ?" && s.NumParams == 1
		}},
		{"copy t from '/tmp/x'", func(s *Stmt) bool { return s.Copy.File && s.Copy.Target == "/tmp/x" }},
	} {
		s, err := Prepare(tc.in)
		if err != nil {
			t.Errorf("Prepare(%q): %v", tc.in, err)
			continue
		}
		if !tc.check(s) {
			t.Errorf("Prepare(%q) = %+v", tc.in, s)
		}
	}
}

func TestUtilityErrors(t *testing.T) {
	for _, in := range []string{
		"begin isolation level sometimes",
		"commit now",
		"savepoint",
		"set x",
		"set x to",
		"truncate",
		"discard everything",
		"prepare transaction 'x'",
		"commit prepared 'x'",
		"prepare p as begin",
		"copy t sideways stdin",
		"copy t from stdout",
		"select 1; select 2",
		"select pdb_cast(1, 'int')",
		"select * from \"pdb_series_0\"",
	} {
		if s, err := Prepare(in); err == nil {
			t.Errorf("Prepare(%q) = %+v, want an error", in, s)
		}
	}
}
