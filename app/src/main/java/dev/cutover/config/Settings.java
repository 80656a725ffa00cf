package dev.cutover.config;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.flags.Phase;
import dev.cutover.postgres.PostgresUri;
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
        LogFormat logFormat) {

    public static final String DEFAULT_MONGO_DB_NAME = "cutover";
    public static final int DEFAULT_PORT = 8080;
    public static final Phase DEFAULT_PHASE = Phase.of(1);

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
                env.choice("LOG_FORMAT", LogFormat.class, LogFormat.PLAIN));
    }

    /** The same settings pointed at the given stores (used by {@code demo} and the tests). */
    public Settings withStores(PostgresUri postgres, String mongo) {
        return new Settings(Optional.of(postgres), Optional.of(mongo), mongoDbName, autoCreateDb, autoMigrate,
                usePostgres, readPostgres, migrationPhase, apiToken, adminToken, port, pools, logFormat);
    }

    /** The same settings with other bootstrap switches. */
    public Settings withBootstrap(boolean createDb, boolean migrate) {
        return new Settings(postgresUri, mongoUri, mongoDbName, createDb, migrate,
                usePostgres, readPostgres, migrationPhase, apiToken, adminToken, port, pools, logFormat);
    }

    /** The same settings on another HTTP port. */
    public Settings withPort(int otherPort) {
        return new Settings(postgresUri, mongoUri, mongoDbName, autoCreateDb, autoMigrate,
                usePostgres, readPostgres, migrationPhase, apiToken, adminToken, otherPort, pools, logFormat);
    }

    /** The configured PostgreSQL, or a configuration error saying what to set. */
    public PostgresUri requirePostgres(String command) {
        return postgresUri.orElseThrow(() -> new CutoverException(ExitCode.CONFIGURATION,
                "POSTGRES_URI is not set, and '" + command + "' needs a PostgreSQL. Fix: set POSTGRES_URI "
                        + "(for example postgresql://user:password@host:5432/cutover), or try 'cutover demo', "
                        + "which starts its own stores."));
    }

    /** The configured MongoDB, or a configuration error saying what to set. */
    public String requireMongo(String command) {
        return mongoUri.orElseThrow(() -> new CutoverException(ExitCode.CONFIGURATION,
                "MONGO_URI is not set, and '" + command + "' needs a MongoDB. Fix: set MONGO_URI "
                        + "(for example mongodb://host:27017), or try 'cutover demo', which starts its own stores."));
    }
}
