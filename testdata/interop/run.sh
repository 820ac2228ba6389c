#!/usr/bin/env bash
# Runs the client interop scripts (node-postgres, psycopg2, pgjdbc) against
# the server named by PGHOST, PGPORT, PGUSER and PGDATABASE, installing the
# clients that are missing (Debian packages, npm ci). Each script prints
# "ok <client>" or "FAIL <client>: ..."; this exits non-zero if any failed.
# Used by `make interop` (PersianDB) and `make interop-postgres` (PostgreSQL).
# INTEROP_CLIENTS picks a subset: "node python java".
set -u
cd "$(dirname "$0")"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}" PGDATABASE="${PGDATABASE:-postgres}"
clients="${INTEROP_CLIENTS:-node python java}"
limit="${INTEROP_TIMEOUT:-120}"
PYTHON=/usr/bin/python3 # Debian's python3-psycopg2 is for the system python, not a pyenv one
JDBC_JAR=/usr/share/java/postgresql.jar

apt_install() {
	if [ "$(id -u)" != 0 ]; then echo "interop: missing $*; install it as root (apt-get install $*)" >&2; return 1; fi
	[ -n "${apt_updated:-}" ] || { apt-get update -qq && apt_updated=1; } || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

setup() {
	case $1 in
	node)
		{ command -v node && command -v npm; } >/dev/null || apt_install nodejs npm || return 1
		# npm ci again only when package-lock.json is newer than the installed tree
		[ node/node_modules/.package-lock.json -nt node/package-lock.json ] ||
			npm ci --prefix node --no-audit --no-fund --loglevel=error >/dev/null
		;;
	python) { [ -x $PYTHON ] && $PYTHON -c 'import psycopg2' 2>/dev/null; } || apt_install python3-psycopg2 ;;
	# a JDK, not a JRE: java runs the single source file by compiling it
	java) { command -v javac >/dev/null && [ -f $JDBC_JAR ]; } || apt_install default-jdk-headless libpostgresql-jdbc-java ;;
	esac
}

run() {
	case $1 in
	node) timeout "$limit" node node/interop.js ;;
	python) timeout "$limit" $PYTHON python/interop.py ;;
	java) timeout "$limit" java -cp $JDBC_JAR java/Interop.java ;;
	esac
}

echo "interop: clients [$clients] against $PGUSER@$PGHOST:$PGPORT/$PGDATABASE"
failed=()
for c in $clients; do
	if ! setup "$c"; then
		echo "FAIL $c: could not install the client" >&2
		failed+=("$c")
		continue
	fi
	run "$c"
	rc=$?
	if [ $rc -ne 0 ]; then
		[ $rc -eq 124 ] && echo "FAIL $c: timed out after ${limit}s" >&2
		failed+=("$c")
	fi
done
total=$(wc -w <<<"$clients")
[ ${#failed[@]} -eq 0 ] || echo "interop: failed: ${failed[*]}"
echo "interop: $((total - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
