package dev.cutover.stores;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.config.Settings;
import dev.cutover.postgres.PostgresUri;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * Finds the stores for {@code demo} and for the test suite, the same way for both: the URI in
 * the environment if one is set; else a Testcontainers container when Docker runs; else a real
 * PostgreSQL server started from binaries on the class path and an in-process MongoDB
 * wire-protocol server. It logs which it chose. {@code serve} never uses it.
 */
public final class StoreResolver {

    private static final Logger LOG = LoggerFactory.getLogger(StoreResolver.class);

    public static final String POSTGRES_IMAGE = "postgres:16";
    public static final String MONGO_IMAGE = "mongo:7";

    /*
     * The embedded server trusts its superuser from this machine only, and asks every other role
     * for a password, so that authentication failures can be produced and tested as on a real
     * deployment.
     */
    private static final String EMBEDDED_HBA = """
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host all postgres ::1/128 trust
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            """;

    private final Settings settings;

    public StoreResolver(Settings settings) {
        this.settings = settings;
    }

    /** PostgreSQL, connected as a role that may create databases. */
    public ResolvedStore<PostgresUri> postgres() {
        if (settings.postgresUri().isPresent()) {
            return logged("PostgreSQL", new ResolvedStore<>(settings.postgresUri().get(),
                    ResolvedStore.Origin.ENVIRONMENT, () -> { }));
        }
        if (dockerAvailable()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>(POSTGRES_IMAGE);
            container.start();
            PostgresUri uri = PostgresUri.parse("postgresql://" + container.getUsername() + ":"
                    + container.getPassword() + "@" + container.getHost() + ":"
                    + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/postgres");
            return logged("PostgreSQL", new ResolvedStore<>(uri, ResolvedStore.Origin.TESTCONTAINERS, container::stop));
        }
        return logged("PostgreSQL", embeddedPostgres(EMBEDDED_HBA));
    }

    /** MongoDB. */
    public ResolvedStore<String> mongo() {
        if (settings.mongoUri().isPresent()) {
            return logged("MongoDB", new ResolvedStore<>(settings.mongoUri().get(),
                    ResolvedStore.Origin.ENVIRONMENT, () -> { }));
        }
        if (dockerAvailable()) {
            MongoDBContainer container = new MongoDBContainer(MONGO_IMAGE);
            container.start();
            return logged("MongoDB", new ResolvedStore<>(container.getConnectionString(),
                    ResolvedStore.Origin.TESTCONTAINERS, container::stop));
        }
        return logged("MongoDB", inProcessMongo());
    }

    /**
     * A real PostgreSQL server started from the binaries on the class path, with the given
     * {@code pg_hba.conf}. Its superuser {@code postgres} has no password.
     */
    public static ResolvedStore<PostgresUri> embeddedPostgres(String hba) {
        try {
            Path configDirectory = Files.createTempDirectory("cutover-pg-config",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Path hbaFile = Files.writeString(configDirectory.resolve("pg_hba.conf"), hba);
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setServerConfig("hba_file", hbaFile.toString())
                    .setServerConfig("synchronous_commit", "off")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            PostgresUri uri = PostgresUri.parse("postgresql://postgres@localhost:" + server.getPort() + "/postgres");
            return new ResolvedStore<>(uri, ResolvedStore.Origin.EMBEDDED, server::close);
        } catch (IOException e) {
            throw new CutoverException(ExitCode.POSTGRES, "cannot start the embedded PostgreSQL: " + e.getMessage()
                    + ". Fix: set POSTGRES_URI to a running PostgreSQL instead.", e);
        }
    }

    /** An in-process MongoDB wire-protocol server on a free loopback port, keeping data in memory. */
    public static ResolvedStore<String> inProcessMongo() {
        MongoServer server = new MongoServer(new MemoryBackend());
        try {
            server.bind("127.0.0.1", 0);
            InetSocketAddress address = server.getLocalAddress();
            return new ResolvedStore<>("mongodb://127.0.0.1:" + address.getPort(),
                    ResolvedStore.Origin.EMBEDDED, server::shutdownNow);
        } catch (RuntimeException e) {
            throw new CutoverException(ExitCode.MONGO, "cannot start the in-process MongoDB server: "
                    + e.getMessage() + ". Fix: set MONGO_URI to a running MongoDB instead.", e);
        }
    }

    private static boolean dockerAvailable() {
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            available = false;
        }
        if (!available) {
            LOG.info("No Docker engine found: using embedded stores");
        }
        return available;
    }

    private static <T> ResolvedStore<T> logged(String store, ResolvedStore<T> resolved) {
        String where = resolved.connection() instanceof PostgresUri uri ? uri.redacted()
                : dev.cutover.config.MongoUris.redacted(resolved.connection().toString());
        LOG.info("{}: {} ({})", store, where, resolved.origin().description());
        return resolved;
    }

    /** Stops a resolved store, logging rather than throwing if it will not stop. */
    public static void closeQuietly(ResolvedStore<?> store) {
        try {
            store.close();
        } catch (Exception e) {
            LOG.warn("Could not stop {}: {}", store.origin().description(), e.getMessage());
        }
    }

}
