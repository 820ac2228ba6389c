// pgjdbc interop check: run by testdata/interop/run.sh as
//   java -cp /usr/share/java/postgresql.jar testdata/interop/java/Interop.java
// against the server named by PGHOST, PGPORT, PGUSER and PGDATABASE. Prints "ok pgjdbc".
import java.math.BigDecimal;
import java.sql.*;
import java.time.*;
import java.util.*;
import org.postgresql.PGStatement;

public class Interop {
    static final String T = "interop_java", COLS = "id, name, amount, flag, ts, data, score, day, uid";
    static final Object[][] ROWS = {
        {1, "alpha", new BigDecimal("12.34"), true, OffsetDateTime.parse("2024-01-02T03:04:05.678Z"),
            new byte[] {0, 1, (byte) 0xff}, 1.5, LocalDate.of(2024, 1, 2), UUID.fromString("0e0d9f3c-5f3a-4a57-9d2c-3a1c8f6d2b10")},
        {2, "Ωmega ✓ سلام 🐘", new BigDecimal("-98765.43"), false, OffsetDateTime.parse("1999-12-31T23:59:59Z"),
            new byte[0], -0.25, LocalDate.of(1999, 12, 31), UUID.fromString("ffffffff-0000-4000-8000-000000000001")},
        {3, null, null, null, null, null, null, null, null},
    };
    static final int[] SQL_TYPES = {Types.INTEGER, Types.VARCHAR, Types.NUMERIC, Types.BOOLEAN,
        Types.TIMESTAMP_WITH_TIMEZONE, Types.BINARY, Types.DOUBLE, Types.DATE, Types.OTHER};

    static void check(String what, Object got, Object want) {
        if (!Objects.deepEquals(got, want)) {
            throw new AssertionError(what + ":\n  got:  " + show(got) + "\n  want: " + show(want));
        }
    }

    static String show(Object v) {
        if (v instanceof Object[]) return Arrays.deepToString((Object[]) v);
        return v instanceof byte[] ? Arrays.toString((byte[]) v) : String.valueOf(v);
    }

    static void expectCode(Connection c, String sql, String code) {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            check(sql + ": SQLSTATE (" + e.getMessage() + ")", e.getSQLState(), code);
            return;
        }
        throw new AssertionError(sql + ": succeeded, want SQLSTATE " + code);
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // One row through the typed getters (BigDecimal equality includes the scale: numeric(10,2) gives 2).
    static Object[] decode(ResultSet rs) throws SQLException {
        return new Object[] {rs.getObject(1, Integer.class), rs.getString(2), rs.getBigDecimal(3),
            rs.getObject(4, Boolean.class), rs.getObject(5, OffsetDateTime.class), rs.getBytes(6),
            rs.getObject(7, Double.class), rs.getObject(8, LocalDate.class), rs.getObject(9, UUID.class)};
    }

    public static void main(String[] args) throws Exception {
        String url = String.format("jdbc:postgresql://%s:%s/%s?prepareThreshold=5&connectTimeout=10&socketTimeout=30",
            System.getenv().getOrDefault("PGHOST", "127.0.0.1"), System.getenv().getOrDefault("PGPORT", "5432"),
            System.getenv().getOrDefault("PGDATABASE", "postgres"));
        try (Connection c = DriverManager.getConnection(url, System.getenv().getOrDefault("PGUSER", "postgres"), "")) {
            run(c);
        } catch (AssertionError | SQLException e) {
            String state = e instanceof SQLException ? " (SQLSTATE " + ((SQLException) e).getSQLState() + ")" : "";
            System.err.println("FAIL pgjdbc: " + e.getMessage() + state);
            System.exit(1);
        }
        System.out.println("ok pgjdbc");
    }

    static void run(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + T);
            st.execute("CREATE TABLE " + T + " (id int PRIMARY KEY, name text, amount numeric(10,2), flag boolean,"
                + " ts timestamptz, data bytea, score double precision, day date, uid uuid)");
        }
        // INSERT with bound parameters, including NULLs, unicode and a negative numeric.
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + T + " (" + COLS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Object[] row : ROWS) {
                for (int i = 0; i < row.length; i++) {
                    if (row[i] == null) ps.setNull(i + 1, SQL_TYPES[i]);
                    else ps.setObject(i + 1, row[i]);
                }
                check("INSERT update count", ps.executeUpdate(), 1);
            }
        }
        // SELECT with a parameter in WHERE, reused past prepareThreshold=5 so that pgjdbc switches
        // to a named server statement and binary results: every decoded value, every time.
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLS + " FROM " + T + " WHERE id = ?")) {
            for (int round = 1; round <= 8; round++) {
                for (Object[] want : ROWS) {
                    ps.setInt(1, (Integer) want[0]);
                    try (ResultSet rs = ps.executeQuery()) {
                        check("SELECT id=" + want[0] + " round " + round + ": has a row", rs.next(), true);
                        check("SELECT id=" + want[0] + " round " + round + ": decoded values", decode(rs), want);
                        check("SELECT id=" + want[0] + ": one row", rs.next(), false);
                    }
                }
            }
            check("statement is server-prepared", ps.unwrap(PGStatement.class).isUseServerPrepare(), true);
        }
        // A transaction that commits and one that rolls back.
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + T + " (id, name) VALUES (10, 'committed')");
            c.commit();
            st.executeUpdate("INSERT INTO " + T + " (id, name) VALUES (11, 'rolled back')");
            st.executeUpdate("UPDATE " + T + " SET name = 'changed' WHERE id = 10");
            check("row visible inside its transaction", scalar(c, "SELECT count(*) FROM " + T + " WHERE id = 11"), 1L);
            c.rollback();
            check("rolled-back row absent", scalar(c, "SELECT count(*) FROM " + T + " WHERE id = 11"), 0L);
            check("rolled-back UPDATE undone", scalar(c, "SELECT count(*) FROM " + T + " WHERE name = 'committed'"), 1L);
            // An error aborts the transaction until rollback.
            expectCode(c, "INSERT INTO " + T + " (id) VALUES (1)", "23505");
            expectCode(c, "SELECT 1", "25P02");
            c.rollback();
        }
        c.setAutoCommit(true);
        // Errors carry their SQLSTATE and leave the connection usable.
        expectCode(c, "INSERT INTO " + T + " (id) VALUES (2)", "23505");
        expectCode(c, "SELECT * FROM interop_no_such_table", "42P01");
        check("usable after errors", scalar(c, "SELECT 1 + 1"), 2L);
        // A prepared INSERT executed several times, past the threshold too.
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + T + " (id, name, amount) VALUES (?, ?, ?)")) {
            for (int i = 100; i < 108; i++) {
                ps.setInt(1, i);
                ps.setString(2, "n" + i);
                ps.setBigDecimal(3, new BigDecimal(i + ".5"));
                check("prepared INSERT " + i, ps.executeUpdate(), 1);
            }
        }
        check("prepared INSERT sum", scalar(c, "SELECT sum(amount)::bigint FROM " + T + " WHERE id >= 100"), 832L);
        // UPDATE/DELETE affected-row counts.
        try (PreparedStatement up = c.prepareStatement("UPDATE " + T + " SET flag = ? WHERE id >= ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM " + T + " WHERE id >= ? AND flag")) {
            up.setBoolean(1, true);
            up.setInt(2, 100);
            check("UPDATE count", up.executeUpdate(), 8);
            up.setInt(2, 999);
            check("UPDATE of no row", up.executeUpdate(), 0);
            del.setInt(1, 101);
            check("DELETE count", del.executeUpdate(), 7);
        }
        check("rows left", scalar(c, "SELECT count(*) FROM " + T), 5L); // 1, 2, 3, 10, 100
        metadata(c);
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + T);
        }
    }

    static List<String> column(ResultSet rs, String... cols) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (String col : cols) b.append(b.length() > 0 ? " " : "").append(rs.getString(col));
                out.add(b.toString());
            }
        }
        return out;
    }

    // DatabaseMetaData, which tools built on JDBC browse a database with: pgjdbc answers it from
    // pg_catalog queries.
    static void metadata(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS interop_java_ref");
            st.execute("CREATE TABLE interop_java_ref (rid bigint, k int, tid int NOT NULL REFERENCES " + T + " (id),"
                + " PRIMARY KEY (k, rid))");
            st.execute("CREATE INDEX interop_java_ref_tid ON interop_java_ref (tid DESC, rid)");
        }
        DatabaseMetaData md = c.getMetaData();
        check("schemas", column(md.getSchemas(), "TABLE_SCHEM").contains("public"), true);
        check("tables", column(md.getTables(null, "public", "interop_java%", new String[] {"TABLE"}), "TABLE_NAME", "TABLE_TYPE"),
            List.of("interop_java TABLE", "interop_java_ref TABLE"));
        check("columns", column(md.getColumns(null, "public", T, "%"), "COLUMN_NAME", "TYPE_NAME", "DATA_TYPE", "COLUMN_SIZE",
            "DECIMAL_DIGITS", "IS_NULLABLE"), List.of("id int4 4 10 0 NO", "name text 12 2147483647 0 YES",
            "amount numeric 2 10 2 YES", "flag bool -7 1 0 YES", "ts timestamptz 93 35 6 YES", "data bytea -2 2147483647 0 YES",
            "score float8 8 17 17 YES", "day date 91 13 0 YES", "uid uuid 1111 2147483647 0 YES"));
        check("imported keys", column(md.getImportedKeys(null, "public", "interop_java_ref"), "PKTABLE_NAME", "PKCOLUMN_NAME",
            "FKCOLUMN_NAME", "FK_NAME"), List.of("interop_java id tid interop_java_ref_tid_fkey"));
        check("exported keys", column(md.getExportedKeys(null, "public", T), "FKTABLE_NAME", "FKCOLUMN_NAME"),
            List.of("interop_java_ref tid"));
        check("primary key", column(md.getPrimaryKeys(null, "public", "interop_java_ref"), "COLUMN_NAME", "KEY_SEQ", "PK_NAME"),
            List.of("k 1 interop_java_ref_pkey", "rid 2 interop_java_ref_pkey"));
        check("indexes", column(md.getIndexInfo(null, "public", "interop_java_ref", false, false), "INDEX_NAME", "NON_UNIQUE",
            "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC"), List.of("interop_java_ref_pkey f 1 k A",
            "interop_java_ref_pkey f 2 rid A", "interop_java_ref_tid t 1 tid D", "interop_java_ref_tid t 2 rid A"));
        check("type info lists int4", column(md.getTypeInfo(), "TYPE_NAME").contains("int4"), true);
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE interop_java_ref");
        }
    }
}
