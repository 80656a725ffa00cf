package dev.cutover;

import dev.cutover.config.Settings;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.stores.ResolvedStore;
import dev.cutover.stores.StoreResolver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The stores every test runs against, resolved once per test JVM by the same
 * {@link StoreResolver} the demo uses: POSTGRES_URI / MONGO_URI if set, else Testcontainers
 * when Docker runs, else embedded PostgreSQL and an in-process MongoDB server.
 * The PostgreSQL role must be allowed to create databases and roles.
 */
public final class TestStores {

    public static final String API_TOKEN = "test-api-token-0123456789";
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private static ResolvedStore<PostgresUri> postgres;
    private static com.mongodb.client.MongoClient mongoClient;
    private static ResolvedStore<String> mongo;

    private TestStores() {
    }

    /** The PostgreSQL server, connected as its administrative role to the {@code postgres} database. */
    public static synchronized PostgresUri postgres() {
        if (postgres == null) {
            postgres = resolver().postgres();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> StoreResolver.closeQuietly(postgres)));
        }
        return postgres.connection();
    }

    public static synchronized String mongo() {
        if (mongo == null) {
            mongo = resolver().mongo();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> StoreResolver.closeQuietly(mongo)));
        }
        return mongo.connection();
    }

    /** One client to the test MongoDB for the whole run; each test class takes databases of its own. */
    public static synchronized com.mongodb.client.MongoClient mongoClient() {
        if (mongoClient == null) {
            mongoClient = com.mongodb.client.MongoClients.create(mongo());
            com.mongodb.client.MongoClient opened = mongoClient;
            Runtime.getRuntime().addShutdownHook(new Thread(opened::close));
        }
        return mongoClient;
    }

    /** A database of its own, created and migrated to the current schema, behind a pool of {@code size}. */
    public static com.zaxxer.hikari.HikariDataSource migratedPool(int size) {
        PostgresUri database = migratedDatabase();
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setDataSourceProperties(database.connectionProperties());
        config.setMaximumPoolSize(size);
        return new com.zaxxer.hikari.HikariDataSource(config);
    }

    /** A database of its own, created and migrated to the current schema. */
    public static PostgresUri migratedDatabase() {
        PostgresUri database = freshDatabase();
        new dev.cutover.postgres.PostgresBootstrap(java.time.Duration.ofSeconds(10)).ensureDatabase(database, true);
        new dev.cutover.postgres.SchemaMigrator(database).migrate();
        return database;
    }

    /** A name no other test uses, for a database, role or MongoDB database. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    /** The test server with a database of its own that does not exist yet. */
    public static PostgresUri freshDatabase() {
        return postgres().withDatabase(uniqueName("test"));
    }

    /** Settings on the given stores, with defaults for everything else plus {@code variables}. */
    public static Settings settings(PostgresUri database, String mongoUri, Map<String, String> variables) {
        Map<String, String> environment = new HashMap<>(variables);
        environment.putIfAbsent("MONGO_DB_NAME", uniqueName("test"));
        environment.putIfAbsent("PORT", "0");
        environment.putIfAbsent("API_TOKEN", API_TOKEN);
        environment.putIfAbsent("ADMIN_TOKEN", ADMIN_TOKEN);
        return Settings.fromEnvironment(environment).withStores(database, mongoUri);
    }

    /** Runs SQL statements as the administrative role on {@code database}. */
    public static void admin(String database, String... statements) {
        PostgresUri uri = postgres().withDatabase(database);
        try (Connection connection = DriverManager.getConnection(uri.jdbcUrl(), uri.connectionProperties());
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("admin SQL failed: " + e.getMessage(), e);
        }
    }

    /** A scalar query as the administrative role on {@code database}. */
    public static Object adminQuery(String database, String sql) {
        PostgresUri uri = postgres().withDatabase(database);
        try (Connection connection = DriverManager.getConnection(uri.jdbcUrl(), uri.connectionProperties());
                Statement statement = connection.createStatement();
                var result = statement.executeQuery(sql)) {
            return result.next() ? result.getObject(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("admin query failed: " + e.getMessage(), e);
        }
    }

    /** The raw URI string an operator would put in POSTGRES_URI for {@code uri}. */
    public static String rawUri(PostgresUri uri) {
        String credentials = uri.user() == null ? ""
                : encode(uri.user()) + (uri.password() == null ? "" : ":" + encode(uri.password())) + "@";
        return "postgresql://" + credentials + uri.hosts() + "/" + encode(uri.database());
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static StoreResolver resolver() {
        return new StoreResolver(Settings.fromEnvironment(System.getenv()));
    }
}
