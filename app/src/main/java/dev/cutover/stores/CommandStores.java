package dev.cutover.stores;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.config.MongoUris;
import dev.cutover.config.PoolSettings;
import dev.cutover.config.Settings;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import dev.cutover.flags.MigrationState;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.service.CutoverService;
import dev.cutover.state.MigrationStateStore;
import javax.sql.DataSource;

/**
 * Both stores for a one-shot command ({@code backfill}, {@code verify}), opened from the settings
 * without the HTTP service: the schema prepared as the AUTO flags say, a PostgreSQL pool and a
 * MongoDB client. Closing releases both.
 */
public final class CommandStores implements AutoCloseable {

    private final Settings settings;
    private final HikariDataSource postgres;
    private final MongoClient mongoClient;
    private final MongoDatabase mongo;

    private CommandStores(Settings settings, HikariDataSource postgres, MongoClient mongoClient) {
        this.settings = settings;
        this.postgres = postgres;
        this.mongoClient = mongoClient;
        this.mongo = mongoClient.getDatabase(settings.mongoDbName());
    }

    /**
     * Opens both stores for {@code command}, which needs both configured.
     *
     * @param poolSize PostgreSQL connections the command uses at most
     */
    public static CommandStores open(Settings settings, String command, int poolSize) {
        PostgresUri uri = settings.requirePostgres(command);
        String mongoUri = settings.mongoUri().orElseThrow(() -> new CutoverException(ExitCode.CONFIGURATION,
                "MONGO_URI is not set, and '" + command + "' reads MongoDB. Fix: set MONGO_URI (for example "
                        + "mongodb://host:27017), or try 'cutover demo', which starts its own stores."));
        CutoverService.prepareSchema(settings, uri);
        HikariDataSource pool = pool(uri, settings.pools(), poolSize);
        try {
            return new CommandStores(settings, pool, MongoClients.create(MongoUris.withDefaults(mongoUri,
                    settings.pools())));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariDataSource pool(PostgresUri uri, PoolSettings pools, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cutover-command");
        config.setJdbcUrl(uri.jdbcUrl());
        if (uri.user() != null) {
            config.setUsername(uri.user());
        }
        if (uri.password() != null) {
            config.setPassword(uri.password());
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Math.max(250, pools.postgresConnectTimeout().toMillis()));
        config.setMaxLifetime(pools.postgresMaxLifetime().toMillis());
        config.setConnectionInitSql("SET statement_timeout = " + pools.postgresStatementTimeout().toMillis());
        return new HikariDataSource(config);
    }

    public Settings settings() {
        return settings;
    }

    /** The PostgreSQL pool; its connections are plain (auto-commit, no outer transaction). */
    public DataSource postgresPool() {
        return postgres;
    }

    public MongoDatabase mongoDatabase() {
        return mongo;
    }

    public DocumentRepository postgres(CollectionSpec spec) {
        return new PostgresDocumentRepository(spec, postgres);
    }

    public DocumentRepository mongo(CollectionSpec spec) {
        return new MongoDocumentRepository(spec, mongo);
    }

    /** The flags, phase and pins every replica obeys now, read once; the environment's defaults where none is stored. */
    public MigrationState migrationState() {
        return MigrationStateStore.read(postgres, settings);
    }

    @Override
    public void close() {
        mongoClient.close();
        postgres.close();
    }
}
