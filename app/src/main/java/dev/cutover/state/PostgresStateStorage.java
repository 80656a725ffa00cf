package dev.cutover.state;

import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.FlagState;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Phase;
import dev.cutover.flags.Stage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.togglz.core.repository.FeatureState;
import org.togglz.core.repository.StateRepository;
import org.togglz.core.repository.jdbc.JDBCStateRepository;
import org.togglz.core.repository.util.DefaultMapSerializer;

/**
 * The migration state's tables in PostgreSQL: {@code flag_state} (Togglz's layout, read and
 * written through Togglz's {@link JDBCStateRepository}), {@code migration_setting} (the active
 * phase and the pins), {@code flag_audit} and the global {@code state_revision}.
 *
 * <p>Togglz's repository gets and closes a connection of its own for every call, which would put
 * a flag's row outside the transaction of its audit row and revision. It is therefore handed the
 * transaction's own connection ({@link TransactionDataSource}) with {@code noCommit}, so it reads
 * and writes inside the transaction. Togglz has no "insert if absent", so the first-boot seed of a
 * flag is this class's own {@code INSERT ... ON CONFLICT DO NOTHING} in Togglz's layout.
 */
final class PostgresStateStorage {

    static final String FLAG_TABLE = "flag_state";
    static final String ACTIVE_PHASE = "active_phase";
    static final String PIN_PREFIX = "pin:";

    /** Longest the poll waits for its answer; a slower store counts as a failed check. */
    private static final int POLL_TIMEOUT_SECONDS = 2;
    /** Longest a change waits for another change's lock before giving up (and writing nothing). */
    private static final String LOCK_TIMEOUT = "5s";

    private final DataSource pool;

    PostgresStateStorage(DataSource pool) {
        this.pool = pool;
    }

    /** The flags, phase and pins as stored; a value without a row is absent. */
    record StoredRows(Map<CutoverFeature, Boolean> flags, Optional<Phase> activePhase, Map<String, Stage> pins) {

        /** The state, with each absent value taken from {@code defaults}. */
        MigrationState orDefaults(MigrationState defaults) {
            Map<CutoverFeature, Boolean> complete = new EnumMap<>(CutoverFeature.class);
            for (CutoverFeature feature : CutoverFeature.values()) {
                complete.put(feature, flags.getOrDefault(feature, defaults.flags().isOn(feature)));
            }
            return new MigrationState(FlagState.of(complete), activePhase.orElse(defaults.activePhase()), pins);
        }
    }

    /** Work done in one transaction; throwing rolls it back. */
    @FunctionalInterface
    interface Work<T> {
        T run(Transaction transaction) throws SQLException;
    }

    /** The global revision: the one cheap query every replica polls. */
    long revision() {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(POLL_TIMEOUT_SECONDS);
            try (ResultSet result = statement.executeQuery("SELECT revision FROM state_revision")) {
                if (!result.next()) {
                    throw new StateStoreException("state_revision has no row. Fix: apply the schema again "
                            + "(cutover migrate); the migration V4 state revision creates it");
                }
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("read the flag state's revision", e);
        }
    }

    /** The whole state and its revision, read from one snapshot of the database. */
    <T> T read(Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            return inTransaction(connection, work);
        } catch (SQLException e) {
            throw failure("read the flag state", e);
        }
    }

    /**
     * Runs {@code work} in one read-committed transaction, committed when it returns and rolled
     * back when it throws; {@code what} names it in errors. Changes start with
     * {@link Transaction#lockRevision()}.
     */
    <T> T write(String what, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            }
            return inTransaction(connection, work);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        try {
            T result = work.run(new Transaction(connection));
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /** The newest audit rows first. */
    List<AuditEntry> audit(int limit) {
        String sql = "SELECT id, changed_at, actor, subject, old_value, new_value, reason FROM flag_audit "
                + "ORDER BY id DESC LIMIT ?";
        try (Connection connection = pool.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, limit);
            List<AuditEntry> entries = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    entries.add(new AuditEntry(result.getLong(1),
                            result.getObject(2, OffsetDateTime.class).toInstant(), result.getString(3),
                            result.getString(4), Optional.ofNullable(result.getString(5)), result.getString(6),
                            result.getString(7)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw failure("read the audit trail", e);
        }
    }

    private static StateStoreException failure(String what, SQLException e) {
        return new StateStoreException("could not " + what + " in PostgreSQL: " + e.getMessage()
                + ". Fix: check that PostgreSQL is up and that the service's role may read and write flag_state, "
                + "migration_setting, flag_audit and state_revision; until then every replica keeps obeying the last "
                + "state it read", e);
    }

    /** The statements of one transaction. */
    static final class Transaction {

        private final Connection connection;
        private final StateRepository togglz;

        private Transaction(Connection connection) {
            this.connection = connection;
            this.togglz = JDBCStateRepository.newBuilder(new TransactionDataSource(connection))
                    .tableName(FLAG_TABLE)
                    .createTable(false)
                    .noCommit(true)
                    .serializer(DefaultMapSerializer.singleline())
                    .build();
        }

        /**
         * Locks the global revision until the transaction ends and returns it: every change takes
         * this lock first, so changes run one after another across all replicas, and each reads
         * the state its predecessor committed.
         */
        long lockRevision() throws SQLException {
            try (Statement statement = connection.createStatement()) {
                // The migration inserts the row; this only restores one deleted by hand.
                statement.execute("INSERT INTO state_revision (revision) VALUES (0) ON CONFLICT DO NOTHING");
                try (ResultSet result = statement.executeQuery("SELECT revision FROM state_revision FOR UPDATE")) {
                    result.next();
                    return result.getLong(1);
                }
            }
        }

        /** The revision, without locking it (for reads). */
        long revision() throws SQLException {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT revision FROM state_revision")) {
                if (!result.next()) {
                    throw new StateStoreException("state_revision has no row. Fix: apply the schema again "
                            + "(cutover migrate); the migration V4 state revision creates it");
                }
                return result.getLong(1);
            }
        }

        StoredRows rows() throws SQLException {
            Map<CutoverFeature, Boolean> flags = new EnumMap<>(CutoverFeature.class);
            for (CutoverFeature feature : CutoverFeature.values()) {
                FeatureState state = viaTogglz(() -> togglz.getFeatureState(feature));
                if (state != null) {
                    flags.put(feature, state.isEnabled());
                }
            }
            Optional<Phase> phase = Optional.empty();
            Map<String, Stage> pins = new TreeMap<>();
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT name, value FROM migration_setting")) {
                while (result.next()) {
                    String name = result.getString(1);
                    String value = result.getString(2);
                    if (name.equals(ACTIVE_PHASE)) {
                        phase = Optional.of(phase(value));
                    } else if (name.startsWith(PIN_PREFIX)) {
                        pins.put(name.substring(PIN_PREFIX.length()), stage(name, value));
                    }
                }
            }
            return new StoredRows(flags, phase, pins);
        }

        /** Stores a flag through Togglz (update, else insert). */
        void writeFlag(CutoverFeature feature, boolean on) throws SQLException {
            viaTogglz(() -> {
                togglz.setFeatureState(new FeatureState(feature, on));
                return null;
            });
        }

        /** Stores a flag only if it has no row yet; returns whether it did. */
        boolean seedFlag(CutoverFeature feature, boolean on) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + FLAG_TABLE
                    + " (feature_name, feature_enabled) VALUES (?, ?) ON CONFLICT (feature_name) DO NOTHING")) {
                statement.setString(1, feature.name());
                statement.setInt(2, on ? 1 : 0);
                return statement.executeUpdate() == 1;
            }
        }

        void writeSetting(String name, String value, long revision) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO migration_setting "
                    + "(name, value, revision, updated_at) VALUES (?, ?, ?, now()) ON CONFLICT (name) DO UPDATE "
                    + "SET value = EXCLUDED.value, revision = EXCLUDED.revision, updated_at = now()")) {
                statement.setString(1, name);
                statement.setString(2, value);
                statement.setLong(3, revision);
                statement.executeUpdate();
            }
        }

        /** Stores a setting only if it has no row yet; returns whether it did. */
        boolean seedSetting(String name, String value, long revision) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO migration_setting "
                    + "(name, value, revision) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                statement.setString(1, name);
                statement.setString(2, value);
                statement.setLong(3, revision);
                return statement.executeUpdate() == 1;
            }
        }

        void deleteSetting(String name) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM migration_setting WHERE name = ?")) {
                statement.setString(1, name);
                statement.executeUpdate();
            }
        }

        void audit(String actor, String subject, Optional<String> oldValue, String newValue, String reason)
                throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO flag_audit "
                    + "(actor, subject, old_value, new_value, reason) VALUES (?, ?, ?, ?, ?)")) {
                statement.setString(1, actor);
                statement.setString(2, subject);
                statement.setString(3, oldValue.orElse(null));
                statement.setString(4, newValue);
                statement.setString(5, reason);
                statement.executeUpdate();
            }
        }

        void setRevision(long revision) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE state_revision SET revision = ?, changed_at = now()")) {
                statement.setLong(1, revision);
                statement.executeUpdate();
            }
        }

        /** Togglz reports SQL failures as IllegalStateException with the SQLException as cause. */
        private static <T> T viaTogglz(Supplier<T> call) throws SQLException {
            try {
                return call.get();
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw e;
            }
        }

        private static Phase phase(String value) {
            try {
                return Phase.of(Integer.parseInt(value.strip()));
            } catch (IllegalArgumentException e) {
                throw new StateStoreException("migration_setting '" + ACTIVE_PHASE + "' holds '" + value
                        + "', which is not a phase from 0 to " + Phase.LAST + ". Fix: set it with PUT /admin/phase");
            }
        }

        private static Stage stage(String name, String value) {
            try {
                return Stage.valueOf(value.strip());
            } catch (IllegalArgumentException e) {
                throw new StateStoreException("migration_setting '" + name + "' holds '" + value
                        + "', which is not a stage. Fix: set it with PUT /admin/pins/" + name.substring(PIN_PREFIX.length())
                        + " or remove it with DELETE");
            }
        }
    }
}
