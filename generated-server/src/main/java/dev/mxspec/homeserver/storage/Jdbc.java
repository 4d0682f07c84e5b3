package dev.mxspec.homeserver.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A small JDBC helper: statements with parameters, row mapping, transactions. SQLite compiles a
 * statement each time it is prepared (its driver keeps none), so statements are kept prepared per
 * physical SQLite connection, by their SQL; PostgreSQL's driver keeps its own.
 */
final class Jdbc {

    /** Prepared statements of each physical SQLite connection (a connection is used by one thread at a time). */
    private static final Map<Connection, Map<String, PreparedStatement>> PREPARED = new WeakHashMap<>();

    /** A prepared statement for {@code sql} on {@code c}: kept and reused on SQLite, new otherwise (close it when {@link #kept}). */
    private static PreparedStatement prepare(Connection c, String sql) throws SQLException {
        if (!c.isWrapperFor(org.sqlite.SQLiteConnection.class)) {
            return c.prepareStatement(sql);
        }
        Connection raw = c.unwrap(org.sqlite.SQLiteConnection.class);
        Map<String, PreparedStatement> mine;
        synchronized (PREPARED) {
            mine = PREPARED.computeIfAbsent(raw, k -> new HashMap<>());
        }
        PreparedStatement ps = mine.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = raw.prepareStatement(sql);
            mine.put(sql, ps);
        }
        return ps;
    }

    /** Whether a connection is SQLite's (else PostgreSQL's): the few statements whose SQL differs ask this. */
    static boolean sqlite(Connection c) throws SQLException {
        return c.isWrapperFor(org.sqlite.SQLiteConnection.class);
    }

    /** Whether a statement from {@link #prepare} is kept (and so must not be closed). */
    private static boolean kept(Connection c) throws SQLException {
        return c.isWrapperFor(org.sqlite.SQLiteConnection.class);
    }

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource data;

    Jdbc(DataSource data) {
        this.data = data;
    }

    <T> T transaction(Work<T> work) {
        try (Connection c = data.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** A transaction that commits when the work answers true and rolls back when it answers false. */
    boolean commitIf(Work<Boolean> work) {
        try (Connection c = data.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean commit = work.run(c);
                if (commit) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return commit;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    int update(String sql, Object... params) {
        return transaction(c -> update(c, sql, params));
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = prepare(c, sql);
        try {
            bind(ps, params);
            return ps.executeUpdate();
        } finally {
            release(c, ps);
        }
    }

    private static void release(Connection c, PreparedStatement ps) throws SQLException {
        if (kept(c)) {
            ps.clearParameters();
        } else {
            ps.close();
        }
    }

    <T> List<T> query(String sql, Row<T> row, Object... params) {
        try (Connection c = data.getConnection()) {
            return query(c, sql, row, params);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    static <T> List<T> query(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        PreparedStatement ps = prepare(c, sql);
        try {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.map(rs));
                }
                return out;
            }
        } finally {
            release(c, ps);
        }
    }

    <T> Optional<T> one(String sql, Row<T> row, Object... params) {
        List<T> rows = query(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Optional<?> o) {
                p = o.orElse(null);
            }
            if (p instanceof Boolean b) {
                p = b ? 1 : 0;
            }
            if (p == null) {
                ps.setNull(i + 1, java.sql.Types.NULL);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    static Optional<String> optString(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    static Optional<Long> optLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
