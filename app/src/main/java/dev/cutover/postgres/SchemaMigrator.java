package dev.cutover.postgres;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies and inspects cutover's schema with Flyway. Migrations live in
 * {@code db/migration} on the class path; an applied one is never edited.
 *
 * <p>Replicas booting at once serialize on a PostgreSQL advisory lock held for the whole of
 * {@link #migrate()}: one applies the pending migrations, the others then find nothing left to
 * do. Flyway's own lock does not cover creating or baselining its history table, where two
 * replicas could otherwise collide.
 */
public final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    public static final String LOCATION = "classpath:db/migration";

    /** The advisory lock key of cutover's migrations: "cutover" in ASCII, as a number. */
    private static final long MIGRATION_LOCK = 0x637574_6f766572L;

    private final PostgresUri uri;
    private final Flyway flyway;

    public SchemaMigrator(PostgresUri uri) {
        this.uri = uri;
        this.flyway = Flyway.configure()
                .dataSource(uri.jdbcUrl(), uri.user(), uri.password())
                .locations(LOCATION)
                // A database that already holds other tables but has never seen cutover gets
                // every migration; a clash with an existing table then fails with its name.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .failOnMissingLocations(true)
                .cleanDisabled(true)
                .connectRetries(0)
                .load();
    }

    /** Applies every pending migration, returning how many were applied. */
    public int migrate() {
        requireSchemaRights();
        try (Connection lock = DriverManager.getConnection(uri.jdbcUrl(), uri.connectionProperties())) {
            try (Statement statement = lock.createStatement()) {
                statement.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
            }
            // The lock is the session's: closing the connection releases it, whatever happens.
            return migrateLocked();
        } catch (SQLException e) {
            throw PostgresFailures.connectionFailed(uri, e);
        }
    }

    private int migrateLocked() {
        try {
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("Schema of \"{}\" migrated from version {} to {} ({} migration(s))", uri.database(),
                        result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion,
                        result.targetSchemaVersion, result.migrationsExecuted);
            } else {
                LOG.info("Schema of \"{}\" is up to date at version {}", uri.database(), currentVersion());
            }
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw migrationFailed(e);
        }
    }

    /**
     * Fails at once, rather than after Flyway's retries, when the schema history does not exist
     * yet and the role may not create it.
     */
    private void requireSchemaRights() {
        try (Connection connection = DriverManager.getConnection(uri.jdbcUrl(), uri.connectionProperties());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_schema(),"
                        + " to_regclass('flyway_schema_history') IS NOT NULL"
                        + " OR has_schema_privilege(current_schema(), 'CREATE')")) {
            if (result.next() && !result.getBoolean(2)) {
                throw noSchemaRights("permission denied for schema " + result.getString(1), null);
            }
        } catch (SQLException e) {
            throw PostgresFailures.connectionFailed(uri, e);
        }
    }

    private CutoverException noSchemaRights(String detail, Exception cause) {
        return new CutoverException(ExitCode.SCHEMA, "PostgreSQL role \"" + PostgresFailures.roleOf(uri)
                + "\" may not change the schema of database \"" + uri.database() + "\" (" + detail
                + "). Fix: run 'cutover migrate' as the schema owner and set AUTO_MIGRATE=false, or grant this "
                + "role CREATE on the database and schema.", cause);
    }

    /**
     * Fails unless every migration this build knows has been applied ({@code AUTO_MIGRATE=false}).
     * Needs only read access to the schema history.
     */
    public void requireUpToDate() {
        List<MigrationInfo> pending = pending();
        if (!pending.isEmpty()) {
            throw new CutoverException(ExitCode.SCHEMA, "the schema of database \"" + uri.database()
                    + "\" is behind: " + pending.size() + " pending migration(s) (" + describe(pending)
                    + ") and AUTO_MIGRATE=false. Fix: run 'cutover migrate' with a role that owns the schema, "
                    + "then start again; or set AUTO_MIGRATE=true.");
        }
        org.flywaydb.core.api.output.ValidateResult validation;
        try {
            validation = flyway.validateWithResult();
        } catch (FlywayException e) {
            throw migrationFailed(e);
        }
        if (!validation.validationSuccessful) {
            String problem = validation.invalidMigrations.isEmpty() ? String.valueOf(validation.errorDetails)
                    : validation.invalidMigrations.get(0).errorDetails.errorMessage;
            throw new CutoverException(ExitCode.SCHEMA, "the schema history of database \"" + uri.database()
                    + "\" does not match this build: " + PostgresFailures.firstLine(problem)
                    + ". Fix: run 'cutover migrate --info' to see each migration's state; a failed or edited "
                    + "migration must be put right by the schema owner before the app starts.");
        }
        LOG.info("Schema of \"{}\" is up to date at version {}", uri.database(), currentVersion());
    }

    /** Every migration, applied or pending, in order. */
    public List<MigrationInfo> all() {
        try {
            return Arrays.asList(flyway.info().all());
        } catch (FlywayException e) {
            throw migrationFailed(e);
        }
    }

    public List<MigrationInfo> pending() {
        try {
            return Arrays.asList(flyway.info().pending());
        } catch (FlywayException e) {
            throw migrationFailed(e);
        }
    }

    public String currentVersion() {
        MigrationInfo current = flyway.info().current();
        return current == null ? "none" : current.getVersion().toString();
    }

    private CutoverException migrationFailed(FlywayException e) {
        SQLException sql = sqlCause(e);
        if (sql != null && PostgresFailures.INSUFFICIENT_PRIVILEGE.equals(sql.getSQLState())) {
            return noSchemaRights(PostgresFailures.firstLine(sql.getMessage()).replaceFirst("^ERROR: ", ""), e);
        }
        if (sql == null) {
            return new CutoverException(ExitCode.SCHEMA, "schema migration of database \"" + uri.database()
                    + "\" failed: " + PostgresFailures.firstLine(e.getMessage())
                    + ". Fix: run 'cutover migrate --info' to see the state of each migration.", e);
        }
        List<MigrationInfo> pending = safePending();
        String failed = pending.isEmpty() ? "a migration" : "migration " + describe(pending.subList(0, 1));
        return new CutoverException(ExitCode.SCHEMA, failed + " failed on database \"" + uri.database() + "\": "
                + PostgresFailures.firstLine(sql.getMessage()) + " (SQLSTATE " + sql.getSQLState()
                + "). PostgreSQL rolled it back, the schema stays at version " + safeCurrentVersion()
                + ". Fix: remove the cause named here, then start again or run 'cutover migrate'.", e);
    }

    private List<MigrationInfo> safePending() {
        try {
            return pending();
        } catch (CutoverException e) {
            return List.of();
        }
    }

    private String safeCurrentVersion() {
        try {
            return currentVersion();
        } catch (FlywayException e) {
            return "unknown";
        }
    }

    private static String describe(List<MigrationInfo> migrations) {
        return migrations.stream()
                .map(m -> "V" + m.getVersion() + " " + m.getDescription())
                .collect(Collectors.joining(", "));
    }

    private static SQLException sqlCause(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
