package syscat

import (
	"github.com/persiandb/persiandb/sql/catalog"
)

// The small system views: fixed rows (access methods, collations, the
// database, tablespaces), roles, sequences and their ownership, and the
// views psql reads that are always empty here (no triggers, policies,
// publications, inheritance, rules, extensions, statistics objects,
// comments or user functions).
func init() {
	catalogTable("pg_am", 2601, "oid oid, amname name, amhandler regproc, amtype char", func(*Snapshot) [][]any {
		return [][]any{{uint32(AmHeap), "heap", uint32(0), "t"}, {uint32(AmBtree), "btree", uint32(0), "i"}}
	})
	catalogTable("pg_collation", 3456, "oid oid, collname name, collnamespace oid, collowner oid, "+
		"collprovider char, collisdeterministic bool, collencoding int4, collcollate text, collctype text, "+
		"colliculocale text, collversion text", func(*Snapshot) [][]any {
		row := func(oid uint32, name, provider string, enc int, locale any) []any {
			return []any{oid, name, uint32(NamespaceCatalog), uint32(RoleBootstrap), provider, true, enc, locale, locale, nil, nil}
		}
		return [][]any{row(CollDefault, "default", "d", -1, nil), row(CollC, "C", "c", -1, "C"), row(CollPOSIX, "POSIX", "c", -1, "POSIX")}
	})
	catalogTable("pg_database", 1262, "oid oid, datname name, datdba oid, encoding int4, datlocprovider char, "+
		"datistemplate bool, datallowconn bool, datconnlimit int4, datfrozenxid xid, datminmxid xid, "+
		"dattablespace oid, datcollate text, datctype text, daticulocale text, datcollversion text, "+
		"datacl aclitem[]", func(*Snapshot) [][]any {
		return [][]any{{uint32(DatabaseOID), "postgres", uint32(RoleBootstrap), 6, "c", false, true, -1, 0, 1,
			uint32(TablespaceDef), "C.UTF-8", "C.UTF-8", nil, nil, nil}}
	})
	catalogTable("pg_tablespace", 1213, "oid oid, spcname name, spcowner oid, spcacl aclitem[], spcoptions text[]",
		func(*Snapshot) [][]any {
			return [][]any{{uint32(TablespaceDef), "pg_default", uint32(RoleBootstrap), nil, nil},
				{uint32(TablespaceGlb), "pg_global", uint32(RoleBootstrap), nil, nil}}
		})
	catalogTable("pg_authid", 1260, "oid oid, rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, "+
		"rolcreatedb bool, rolcanlogin bool, rolreplication bool, rolbypassrls bool, rolconnlimit int4, "+
		"rolpassword text, rolvaliduntil timestamptz", func(s *Snapshot) [][]any {
		var out [][]any
		for _, r := range roles(s) {
			out = append(out, []any{RoleOID(r.Name), r.Name, r.Superuser, r.Inherit, r.CreateRole, r.CreateDB,
				r.Login, r.Replication, r.BypassRLS, r.ConnLimit, password(r), nil})
		}
		return out
	})
	catalogView("pg_roles", 12001, "rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, "+
		"rolcreatedb bool, rolcanlogin bool, rolreplication bool, rolconnlimit int4, rolpassword text, "+
		"rolvaliduntil timestamptz, rolbypassrls bool, rolconfig text[], oid oid", func(s *Snapshot) [][]any {
		var out [][]any
		for _, r := range roles(s) {
			out = append(out, []any{r.Name, r.Superuser, r.Inherit, r.CreateRole, r.CreateDB, r.Login,
				r.Replication, r.ConnLimit, "********", nil, r.BypassRLS, nil, RoleOID(r.Name)})
		}
		return out
	})
	catalogView("pg_user", 12002, "usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, "+
		"usebypassrls bool, passwd text, valuntil timestamptz, useconfig text[]", func(s *Snapshot) [][]any {
		var out [][]any
		for _, r := range roles(s) {
			if r.Login {
				out = append(out, []any{r.Name, RoleOID(r.Name), r.CreateDB, r.Superuser, r.Replication,
					r.BypassRLS, "********", nil, nil})
			}
		}
		return out
	})
	catalogTable("pg_auth_members", 1261, "roleid oid, member oid, grantor oid, admin_option bool", nil)
	catalogTable("pg_sequence", 2224, "seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, "+
		"seqmax int8, seqmin int8, seqcache int8, seqcycle bool", func(s *Snapshot) [][]any {
		var out [][]any
		for _, q := range s.Sequences {
			out = append(out, []any{RelOID(q.ID), sequenceType(q).OID(), q.Start, q.Increment, q.Max, q.Min, int64(1), q.Cycle})
		}
		return out
	})
	// pg_depend has the rows that tie a serial column's sequence to its
	// column (deptype 'a'), which \d SEQUENCE prints as "Owned by".
	catalogTable("pg_depend", 2608, "classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, "+
		"refobjsubid int4, deptype char", func(s *Snapshot) [][]any {
		var out [][]any
		for _, q := range s.Sequences {
			if q.OwnedBy == nil {
				continue
			}
			t := s.TableByName(q.OwnedBy.Table)
			if t == nil {
				continue
			}
			if i := t.ColumnIndex(q.OwnedBy.Column); i >= 0 {
				out = append(out, []any{uint32(ClassPgClass), RelOID(q.ID), 0, uint32(ClassPgClass), RelOID(t.ID), i + 1, "a"})
			}
		}
		return out
	})
	catalogTable("pg_description", 2609, "objoid oid, classoid oid, objsubid int4, description text", descriptionRows)
	catalogTable("pg_shdescription", 2396, "objoid oid, classoid oid, description text", nil)
	catalogTable("pg_proc", ClassPgProc, "oid oid, proname name, pronamespace oid, proowner oid, prolang oid, "+
		"procost float4, prorows float4, provariadic oid, prosupport regproc, prokind char, prosecdef bool, "+
		"proleakproof bool, proisstrict bool, proretset bool, provolatile char, proparallel char, "+
		"pronargs int2, pronargdefaults int2, prorettype oid, proargtypes oidvector, proallargtypes oid[], "+
		"proargmodes char[], proargnames text[], proargdefaults pg_node_tree, protrftypes oid[], prosrc text, "+
		"probin text, prosqlbody pg_node_tree, proconfig text[], proacl aclitem[]", nil)
	catalogTable("pg_policy", 3256, "oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, "+
		"polroles oid[], polqual pg_node_tree, polwithcheck pg_node_tree", nil)
	catalogTable("pg_statistic_ext", 3381, "oid oid, stxrelid oid, stxname name, stxnamespace oid, "+
		"stxowner oid, stxstattarget int4, stxkeys int2vector, stxkind char[], stxexprs pg_node_tree", nil)
	catalogTable("pg_publication", 6104, "oid oid, pubname name, pubowner oid, puballtables bool, "+
		"pubinsert bool, pubupdate bool, pubdelete bool, pubtruncate bool, pubviaroot bool", nil)
	catalogTable("pg_publication_namespace", 6237, "oid oid, pnpubid oid, pnnspid oid", nil)
	catalogTable("pg_publication_rel", 6106, "oid oid, prpubid oid, prrelid oid, prqual pg_node_tree, prattrs int2vector", nil)
	catalogTable("pg_trigger", 2620, "oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, "+
		"tgtype int2, tgenabled char, tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, "+
		"tgconstraint oid, tgdeferrable bool, tginitdeferred bool, tgnargs int2, tgattr int2vector, "+
		"tgargs bytea, tgqual pg_node_tree, tgoldtable name, tgnewtable name", nil)
	catalogTable("pg_inherits", 2611, "inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool", nil)
	catalogTable("pg_extension", 3079, "oid oid, extname name, extowner oid, extnamespace oid, "+
		"extrelocatable bool, extversion text, extconfig oid[], extcondition text[]", nil)
	catalogTable("pg_rewrite", 2618, "oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, "+
		"is_instead bool, ev_qual pg_node_tree, ev_action pg_node_tree", nil)
	catalogTable("pg_foreign_table", 3118, "ftrelid oid, ftserver oid, ftoptions text[]", nil)
	catalogTable("pg_partitioned_table", 3350, "partrelid oid, partstrat char, partnatts int2, partdefid oid, "+
		"partattrs int2vector, partclass oidvector, partcollation oidvector, partexprs pg_node_tree", nil)
	catalogTable("pg_foreign_server", 1417, "oid oid, srvname name, srvowner oid, srvfdw oid, srvtype text, "+
		"srvversion text, srvacl aclitem[], srvoptions text[]", nil)
	catalogTable("pg_foreign_data_wrapper", 2328, "oid oid, fdwname name, fdwowner oid, fdwhandler oid, "+
		"fdwvalidator oid, fdwacl aclitem[], fdwoptions text[]", nil)
	catalogTable("pg_user_mapping", 1418, "oid oid, umuser oid, umserver oid, umoptions text[]", nil)
	catalogTable("pg_conversion", 2607, "oid oid, conname name, connamespace oid, conowner oid, "+
		"conforencoding int4, contoencoding int4, conproc regproc, condefault bool", nil)
	catalogTable("pg_operator", 2617, "oid oid, oprname name, oprnamespace oid, oprowner oid, oprkind char, "+
		"oprcanmerge bool, oprcanhash bool, oprleft oid, oprright oid, oprresult oid, oprcom oid, "+
		"oprnegate oid, oprcode regproc, oprrest regproc, oprjoin regproc", nil)
	catalogTable("pg_cast", 2605, "oid oid, castsource oid, casttarget oid, castfunc oid, castcontext char, "+
		"castmethod char", nil)
	catalogTable("pg_language", 2612, "oid oid, lanname name, lanowner oid, lanispl bool, lanpltrusted bool, "+
		"lanplcallfoid oid, laninline oid, lanvalidator oid, lanacl aclitem[]", nil)
	catalogTable("pg_ts_config", 3602, "oid oid, cfgname name, cfgnamespace oid, cfgowner oid, cfgparser oid", nil)
	catalogTable("pg_db_role_setting", 2964, "setdatabase oid, setrole oid, setconfig text[]", nil)
	catalogTable("pg_opclass", 2616, "oid oid, opcmethod oid, opcname name, opcnamespace oid, opcowner oid, "+
		"opcfamily oid, opcintype oid, opcdefault bool, opckeytype oid", nil)
	catalogTable("pg_opfamily", 2753, "oid oid, opfmethod oid, opfname name, opfnamespace oid, opfowner oid", nil)
	catalogTable("pg_aggregate", 2600, "aggfnoid regproc, aggkind char, aggnumdirectargs int2, "+
		"aggtransfn regproc, aggfinalfn regproc, aggtranstype oid", nil)
	catalogTable("pg_enum", 3501, "oid oid, enumtypid oid, enumsortorder float4, enumlabel name", nil)
	catalogTable("pg_range", 3541, "rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid, "+
		"rngsubopc oid, rngcanonical regproc, rngsubdiff regproc", nil)
	catalogView("pg_user_mappings", 12003, "umid oid, srvid oid, srvname name, umuser oid, usename name, umoptions text[]", nil)
	catalogTable("pg_largeobject_metadata", 2995, "oid oid, lomowner oid, lomacl aclitem[]", nil)
	catalogTable("pg_subscription", 6100, "oid oid, subdbid oid, subskiplsn text, subname name, subowner oid, "+
		"subenabled bool, subbinary bool, substream bool, subtwophasestate char, subdisableonerr bool, "+
		"subconninfo text, subslotname name, subsynccommit text, subpublications text[]", nil)
	catalogTable("pg_event_trigger", 3466, "oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid, "+
		"evtenabled char, evttags text[]", nil)
}

// roles are the catalog's roles plus pg_database_owner, the built-in
// role that owns public.
func roles(s *Snapshot) []*catalog.Role {
	out := append([]*catalog.Role(nil), s.Roles...)
	return append(out, &catalog.Role{Name: "pg_database_owner", Inherit: true, ConnLimit: -1})
}

func password(r *catalog.Role) any {
	if r.Password == "" {
		return nil
	}
	return r.Password
}
