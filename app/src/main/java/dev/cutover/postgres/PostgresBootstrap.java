package dev.cutover.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the configured PostgreSQL database can be used: connects, creates the database when
 * it is missing and {@code AUTO_CREATE_DB} allows it, and turns each failure into a
 * {@link dev.cutover.CutoverException} that names cause and fix. It never creates roles.
 */
public final class PostgresBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBootstrap.class);
    private static final String MAINTENANCE_DATABASE = "postgres";

    private final Duration connectTimeout;

    public PostgresBootstrap(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * Ensures {@code uri}'s database exists and accepts a connection.
     *
     * @param createIfMissing the value of {@code AUTO_CREATE_DB}
     * @throws dev.cutover.CutoverException when it cannot be used, naming cause and fix
     */
    public void ensureDatabase(PostgresUri uri, boolean createIfMissing) {
        try (Connection ignored = connect(uri)) {
            return;
        } catch (SQLException e) {
            if (!PostgresFailures.INVALID_CATALOG.equals(e.getSQLState())) {
                throw PostgresFailures.connectionFailed(uri, e);
            }
        }
        if (!createIfMissing) {
            throw PostgresFailures.databaseMissing(uri);
        }
        createDatabase(uri);
        try (Connection ignored = connect(uri)) {
            LOG.info("Database \"{}\" is ready", uri.database());
        } catch (SQLException e) {
            throw PostgresFailures.connectionFailed(uri, e);
        }
    }

    private void createDatabase(PostgresUri uri) {
        PostgresUri maintenance = uri.withDatabase(MAINTENANCE_DATABASE);
        try (Connection connection = connect(maintenance); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + PostgresFailures.quote(uri.database()));
            LOG.info("Created database \"{}\" at {} (AUTO_CREATE_DB=true)", uri.database(), uri.hosts());
        } catch (SQLException e) {
            if (createdConcurrently(e)) {
                LOG.info("Database \"{}\" was created meanwhile by another replica", uri.database());
                return;
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith("08") || isLoginFailure(e)) {
                throw PostgresFailures.connectionFailed(maintenance, e);
            }
            throw PostgresFailures.cannotCreateDatabase(uri, e);
        }
    }

    private static boolean createdConcurrently(SQLException e) {
        // Two CREATE DATABASE racing: the loser sees either "already exists" or a unique
        // violation on pg_database's name index, depending on timing.
        return PostgresFailures.DUPLICATE_DATABASE.equals(e.getSQLState())
                || PostgresFailures.UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    private static boolean isLoginFailure(SQLException e) {
        String state = String.valueOf(e.getSQLState());
        return state.startsWith("28") || state.equals(PostgresFailures.INVALID_CATALOG);
    }

    /** A plain JDBC connection with the bootstrap's timeouts. */
    public Connection connect(PostgresUri uri) throws SQLException {
        Properties properties = uri.connectionProperties();
        long seconds = Math.max(1, connectTimeout.toSeconds());
        properties.putIfAbsent("connectTimeout", Long.toString(seconds));
        properties.putIfAbsent("loginTimeout", Long.toString(seconds));
        return DriverManager.getConnection(uri.jdbcUrl(), properties);
    }
}
