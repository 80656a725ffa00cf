package dev.cutover.config;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.flags.Phase;
import dev.cutover.postgres.PostgresUri;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything cutover reads from its environment, parsed and validated once at start-up. The
 * variables, their defaults and meanings are listed in {@code docs/configuration.md}.
 *
 * @param postgresUri    where PostgreSQL is ({@code POSTGRES_URI}); absent means "none configured"
 * @param mongoUri       where MongoDB is ({@code MONGO_URI}); absent means "none configured"
 * @param mongoDbName    the MongoDB database holding the collections ({@code MONGO_DB_NAME})
 * @param autoCreateDb   create the PostgreSQL database at boot if missing ({@code AUTO_CREATE_DB})
 * @param autoMigrate    apply pending schema migrations at boot ({@code AUTO_MIGRATE})
 * @param usePostgres    default of the dual-write flag ({@code USE_POSTGRES})
 * @param readPostgres   default of the read-cutover flag ({@code READ_POSTGRES})
 * @param migrationPhase default active phase ({@code MIGRATION_PHASE})
 * @param apiToken       bearer token of the data API ({@code API_TOKEN})
 * @param adminToken     bearer token of the admin API ({@code ADMIN_TOKEN})
 * @param port           HTTP port ({@code PORT}); 0 picks a free one
 * @param pools          connection pool settings
 * @param logFormat      {@code plain} or {@code json} ({@code LOG_FORMAT})
 * @param maxBodySize    the largest request body accepted, in bytes ({@code MAX_BODY_SIZE})
 * @param maxPageSize    the most documents one list page may hold ({@code MAX_PAGE_SIZE})
 * @param reconcileInterval how often the service compares the stores ({@code RECONCILE_INTERVAL});
 *                       zero turns the reconciler off
 */
public record Settings(
        Optional<PostgresUri> postgresUri,
        Optional<String> mongoUri,
        String mongoDbName,
        boolean autoCreateDb,
        boolean autoMigrate,
        boolean usePostgres,
        boolean readPostgres,
        Phase migrationPhase,
        Optional<String> apiToken,
        Optional<String> adminToken,
        int port,
        PoolSettings pools,
        LogFormat logFormat,
        int maxBodySize,
        int maxPageSize,
        Duration reconcileInterval) {

    public static final String DEFAULT_MONGO_DB_NAME = "cutover";
    public static final int DEFAULT_PORT = 8080;
    public static final Phase DEFAULT_PHASE = Phase.of(1);
    public static final int DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
    public static final int DEFAULT_MAX_PAGE_SIZE = 200;
    public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofMinutes(10);
    /** Tokens shorter than this are refused: they could be guessed. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** Reads the process environment. */
    public static Settings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the given variables.
     *
     * @throws CutoverException with {@link ExitCode#CONFIGURATION}, naming the variable at fault
     */
    public static Settings fromEnvironment(Map<String, String> variables) {
        EnvironmentReader env = new EnvironmentReader(variables);
        // Read by logback itself (see LogFormat.configureLogging); checked here so a typo is refused.
        env.choice("LOG_LEVEL", LogFormat.Level.class, LogFormat.Level.INFO);
        return new Settings(
                env.parsed("POSTGRES_URI", PostgresUri::parse),
                env.parsed("MONGO_URI", MongoUris::validate),
                env.text("MONGO_DB_NAME", DEFAULT_MONGO_DB_NAME),
                env.bool("AUTO_CREATE_DB", true),
                env.bool("AUTO_MIGRATE", true),
                env.bool("USE_POSTGRES", false),
                env.bool("READ_POSTGRES", false),
                Phase.of(env.integer("MIGRATION_PHASE", DEFAULT_PHASE.number(), 0, Phase.LAST)),
                env.text("API_TOKEN"),
                env.text("ADMIN_TOKEN"),
                env.integer("PORT", DEFAULT_PORT, 0, 65535),
                PoolSettings.from(env),
                env.choice("LOG_FORMAT", LogFormat.class, LogFormat.PLAIN),
                env.integer("MAX_BODY_SIZE", DEFAULT_MAX_BODY_SIZE, 1024, 64 * 1024 * 1024),
                env.integer("MAX_PAGE_SIZE", DEFAULT_MAX_PAGE_SIZE, 1, 10_000),
                env.interval("RECONCILE_INTERVAL", DEFAULT_RECONCILE_INTERVAL, Duration.ofSeconds(1)));
    }

    /** The same settings pointed at the given stores (used by {@code demo} and the tests). */
    public Settings withStores(PostgresUri postgres, String mongo) {
        return new Settings(Optional.of(postgres), Optional.of(mongo), mongoDbName, autoCreateDb, autoMigrate,
                usePostgres, readPostgres, migrationPhase, apiToken, adminToken, port, pools, logFormat,
                maxBodySize, maxPageSize, reconcileInterval);
    }

    /** The same settings with other bootstrap switches. */
    public Settings withBootstrap(boolean createDb, boolean migrate) {
        return new Settings(postgresUri, mongoUri, mongoDbName, createDb, migrate,
                usePostgres, readPostgres, migrationPhase, apiToken, adminToken, port, pools, logFormat,
                maxBodySize, maxPageSize, reconcileInterval);
    }

    /** The same settings on another HTTP port. */
    public Settings withPort(int otherPort) {
        return new Settings(postgresUri, mongoUri, mongoDbName, autoCreateDb, autoMigrate,
                usePostgres, readPostgres, migrationPhase, apiToken, adminToken, otherPort, pools, logFormat,
                maxBodySize, maxPageSize, reconcileInterval);
    }

    /** The same settings with these tokens (the demo generates its own). */
    public Settings withTokens(String api, String admin) {
        return new Settings(postgresUri, mongoUri, mongoDbName, autoCreateDb, autoMigrate, usePostgres, readPostgres,
                migrationPhase, Optional.of(api), Optional.of(admin), port, pools, logFormat,
                maxBodySize, maxPageSize, reconcileInterval);
    }

    /**
     * Both tokens, or a configuration error: the service never runs with an open API.
     *
     * @throws CutoverException naming the variable that is missing, or why the two are refused
     */
    public void requireTokens(String command) {
        for (String name : new String[] {"API_TOKEN", "ADMIN_TOKEN"}) {
            Optional<String> value = name.equals("API_TOKEN") ? apiToken : adminToken;
            if (value.isEmpty()) {
                throw new CutoverException(ExitCode.CONFIGURATION, name + " is not set, and '" + command
                        + "' never serves without it. Fix: set API_TOKEN and ADMIN_TOKEN to two different random "
                        + "secrets of at least " + MIN_TOKEN_LENGTH + " characters (for example: openssl rand -hex 32).");
            }
        }
        for (String name : new String[] {"API_TOKEN", "ADMIN_TOKEN"}) {
            int length = (name.equals("API_TOKEN") ? apiToken : adminToken).orElseThrow().length();
            if (length < MIN_TOKEN_LENGTH) {
                throw new CutoverException(ExitCode.CONFIGURATION, name + " must be at least " + MIN_TOKEN_LENGTH
                        + " characters, but has " + length + ". Fix: use a random secret, for example from "
                        + "openssl rand -hex 32.");
            }
        }
        if (apiToken.equals(adminToken)) {
            throw new CutoverException(ExitCode.CONFIGURATION, "API_TOKEN and ADMIN_TOKEN are the same, so the data "
                    + "token would open the admin API. Fix: give them different values.");
        }
    }

    /** The configured PostgreSQL, or a configuration error saying what to set. */
    public PostgresUri requirePostgres(String command) {
        return postgresUri.orElseThrow(() -> new CutoverException(ExitCode.CONFIGURATION,
                "POSTGRES_URI is not set, and '" + command + "' needs a PostgreSQL. Fix: set POSTGRES_URI "
                        + "(for example postgresql://user:password@host:5432/cutover), or try 'cutover demo', "
                        + "which starts its own stores."));
    }
}
