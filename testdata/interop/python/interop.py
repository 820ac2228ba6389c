"""psycopg2 interop check: run by testdata/interop/run.sh against the server
named by PGHOST, PGPORT, PGUSER and PGDATABASE. Prints "ok psycopg2"."""
import datetime as dt
import sys
import uuid
from decimal import Decimal

import psycopg2
import psycopg2.extras

TABLE = "interop_py"
COLS = "id, name, amount, flag, ts, data, score, day, uid"
UTC = dt.timezone.utc
ROWS = [
    (1, "alpha", Decimal("12.34"), True, dt.datetime(2024, 1, 2, 3, 4, 5, 678000, UTC),
     b"\x00\x01\xff", 1.5, dt.date(2024, 1, 2), uuid.UUID("0e0d9f3c-5f3a-4a57-9d2c-3a1c8f6d2b10")),
    (2, "Ωmega ✓ سلام 🐘", Decimal("-98765.43"), False, dt.datetime(1999, 12, 31, 23, 59, 59, 0, UTC),
     b"", -0.25, dt.date(1999, 12, 31), uuid.UUID("ffffffff-0000-4000-8000-000000000001")),
    (3, None, None, None, None, None, None, None, None),
]


def check(what, got, want):
    if got != want:
        raise AssertionError(f"{what}:\n  got:  {got!r}\n  want: {want!r}")


def expect_code(cur, sql, params, code):
    try:
        cur.execute(sql, params)
    except psycopg2.Error as e:
        check(f"{sql}: SQLSTATE ({e.pgerror!r})", e.pgcode, code)
        return
    raise AssertionError(f"{sql}: succeeded, want SQLSTATE {code}")


def count(cur, where, params=()):
    cur.execute(f"SELECT count(*) FROM {TABLE} WHERE {where}", params)
    return cur.fetchone()[0]


def main():
    psycopg2.extras.register_uuid()  # uuid.UUID in and out
    conn = psycopg2.connect(connect_timeout=10)  # libpq reads PGHOST, PGPORT, ...
    other = psycopg2.connect(connect_timeout=10)
    other.autocommit = True
    cur, ocur = conn.cursor(), other.cursor()

    cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
    cur.execute(f"""CREATE TABLE {TABLE} (id int PRIMARY KEY, name text, amount numeric(10,2),
        flag boolean, ts timestamptz, data bytea, score double precision, day date, uid uuid)""")
    conn.commit()

    # INSERT with parameters, including NULLs, unicode and a negative numeric.
    for row in ROWS:
        cur.execute(f"INSERT INTO {TABLE} ({COLS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", row)
        check("INSERT rowcount", cur.rowcount, 1)
    conn.commit()

    # SELECT with a parameter in WHERE: every decoded value.
    for want in ROWS:
        cur.execute(f"SELECT {COLS} FROM {TABLE} WHERE id = %s", (want[0],))
        got = cur.fetchall()
        check(f"SELECT id={want[0]}: row count", len(got), 1)
        got = tuple(bytes(v) if isinstance(v, memoryview) else v for v in got[0])
        check(f"SELECT id={want[0]}: decoded values", got, want)
    cur.execute(f"SELECT id, name FROM {TABLE} WHERE name = %s", (ROWS[1][1],))
    check("SELECT by unicode text", cur.fetchall(), [(2, ROWS[1][1])])
    conn.rollback()

    # autocommit off: psycopg2 opens the transaction itself; commit and rollback.
    cur.execute(f"INSERT INTO {TABLE} (id, name) VALUES (%s, %s)", (10, "committed"))
    check("uncommitted row hidden from another session", count(ocur, "id = 10"), 0)
    conn.commit()
    check("committed row seen by another session", count(ocur, "id = 10"), 1)
    cur.execute(f"INSERT INTO {TABLE} (id, name) VALUES (%s, %s)", (11, "rolled back"))
    cur.execute(f"UPDATE {TABLE} SET name = 'changed' WHERE id = 10")
    check("row visible inside its transaction", count(cur, "id = 11"), 1)
    conn.rollback()
    check("rolled-back row absent", count(cur, "id = 11"), 0)
    check("rolled-back UPDATE undone", count(cur, "name = 'committed'"), 1)

    # An error inside the implicit transaction aborts it until rollback.
    expect_code(cur, f"INSERT INTO {TABLE} (id, name) VALUES (%s, %s)", (1, "dup"), "23505")
    expect_code(cur, "SELECT 1", (), "25P02")
    conn.rollback()
    expect_code(cur, "SELECT * FROM interop_no_such_table", (), "42P01")
    conn.rollback()

    # autocommit on: each statement commits at once; explicit BEGIN/ROLLBACK still works.
    conn.autocommit = True
    cur.execute(f"INSERT INTO {TABLE} (id, name) VALUES (%s, %s)", (12, "autocommitted"))
    check("autocommitted row seen by another session", count(ocur, "id = 12"), 1)
    expect_code(cur, f"INSERT INTO {TABLE} (id) VALUES (%s)", (12,), "23505")
    expect_code(cur, "SELECT * FROM interop_no_such_table", (), "42P01")
    cur.execute("SELECT 1 + %s", (1,))
    check("usable after errors", cur.fetchone(), (2,))
    cur.execute("BEGIN")
    cur.execute(f"DELETE FROM {TABLE} WHERE id = %s", (12,))
    cur.execute("ROLLBACK")
    check("explicit ROLLBACK in autocommit", count(cur, "id = 12"), 1)

    # A prepared statement (SQL PREPARE: psycopg2 has no protocol-level one) run several times.
    cur.execute(f"PREPARE interop_ins(int, text, numeric) AS INSERT INTO {TABLE} (id, name, amount) VALUES ($1, $2, $3)")
    for i in range(100, 106):
        cur.execute("EXECUTE interop_ins(%s, %s, %s)", (i, f"n{i}", Decimal(f"{i}.5")))
        check(f"EXECUTE interop_ins {i}: rowcount", cur.rowcount, 1)
    cur.execute(f"PREPARE interop_sel(int) AS SELECT name, amount FROM {TABLE} WHERE id = $1")
    for i in range(100, 106):
        cur.execute("EXECUTE interop_sel(%s)", (i,))
        check(f"EXECUTE interop_sel {i}", cur.fetchall(), [(f"n{i}", Decimal(f"{i}.50"))])
    cur.execute("DEALLOCATE interop_ins")
    cur.execute("DEALLOCATE interop_sel")

    # UPDATE/DELETE affected-row counts.
    cur.execute(f"UPDATE {TABLE} SET flag = %s WHERE id >= %s", (True, 100))
    check("UPDATE rowcount", cur.rowcount, 6)
    cur.execute(f"UPDATE {TABLE} SET flag = true WHERE id = %s", (999,))
    check("UPDATE of no row", cur.rowcount, 0)
    cur.execute(f"DELETE FROM {TABLE} WHERE id >= %s AND flag", (101,))
    check("DELETE rowcount", cur.rowcount, 5)
    check("rows left", count(cur, "true"), 6)  # 1, 2, 3, 10, 12, 100

    cur.execute(f"DROP TABLE {TABLE}")
    conn.close()
    other.close()


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, psycopg2.Error) as e:
        code = f" (SQLSTATE {e.pgcode})" if getattr(e, "pgcode", None) else ""
        cur = getattr(e, "cursor", None)
        sql = f"{cur.query.decode().splitlines()[0]}: " if cur is not None and cur.query else ""
        sys.exit(f"FAIL psycopg2: {sql}{str(e).strip()}{code}")
    print("ok psycopg2")
