package dev.cutover.service;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.config.MongoUris;
import dev.cutover.config.PoolSettings;
import dev.cutover.config.Settings;
import dev.cutover.postgres.PostgresBootstrap;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: prepares PostgreSQL (database and schema, as {@code AUTO_CREATE_DB} and
 * {@code AUTO_MIGRATE} say), then starts the HTTP service on both stores. Every failure before
 * the service is up is a {@link CutoverException} naming cause and fix.
 */
public final class CutoverService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CutoverService.class);

    private final ApplicationContext context;
    private final EmbeddedServer server;

    private CutoverService(ApplicationContext context) {
        this.context = context;
        this.server = context.getBean(EmbeddedServer.class);
    }

    /**
     * Prepares the schema and starts the service; {@code command} names the caller in errors.
     * {@code beans} replace the service's own (a test's clock, say).
     */
    public static CutoverService start(Settings settings, String command, Object... beans) {
        PostgresUri postgres = settings.requirePostgres(command);
        // MongoDB is optional: a database moved to POSTGRES_ONLY runs without it.
        java.util.Optional<String> mongo = settings.mongoUri();
        settings.requireTokens(command);
        StartupReport.logConfiguration(settings);
        prepareSchema(settings, postgres);
        // The context and server are started here rather than by Micronaut's launcher, which would
        // add a shutdown hook of its own (racing cutover's ordered one) and exit the JVM on failure.
        ApplicationContext context = ApplicationContext.builder()
                .banner(false)
                .deduceEnvironment(false)
                .environmentPropertySource(false)
                .properties(micronautProperties(settings, postgres, mongo))
                .singletons(settings)
                .singletons(beans)
                .build();
        try {
            context.start();
            context.getBean(EmbeddedServer.class).start();
        } catch (RuntimeException e) {
            if (context.isRunning()) {
                context.close();
            }
            throw new CutoverException(ExitCode.INTERNAL, "the service did not start: " + rootMessage(e)
                    + ". Fix: if port " + settings.port() + " is taken, stop what holds it or choose another "
                    + "(PORT, or --port for demo); otherwise see the log above.", e);
        }
        CutoverService service = new CutoverService(context);
        StartupReport.logReady(service.url());
        return service;
    }

    /** Creates the database and applies or checks the schema, per the AUTO flags. */
    public static void prepareSchema(Settings settings, PostgresUri postgres) {
        new PostgresBootstrap(settings.pools().postgresConnectTimeout())
                .ensureDatabase(postgres, settings.autoCreateDb());
        SchemaMigrator migrator = new SchemaMigrator(postgres);
        if (settings.autoMigrate()) {
            migrator.migrate();
        } else {
            migrator.requireUpToDate();
        }
    }

    static Map<String, Object> micronautProperties(Settings settings, PostgresUri postgres,
            java.util.Optional<String> mongo) {
        PoolSettings pools = settings.pools();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("micronaut.application.name", "cutover");
        properties.put("micronaut.server.port", settings.port());
        properties.put("micronaut.server.max-request-size", settings.maxBodySize());

        properties.put("datasources.default.url", postgres.jdbcUrl());
        properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        properties.put("datasources.default.dialect", "POSTGRES");
        if (postgres.user() != null) {
            properties.put("datasources.default.username", postgres.user());
        }
        if (postgres.password() != null) {
            properties.put("datasources.default.password", postgres.password());
        }
        properties.put("datasources.default.maximum-pool-size", pools.postgresPoolSize());
        properties.put("datasources.default.minimum-idle", Math.min(2, pools.postgresPoolSize()));
        properties.put("datasources.default.connection-timeout", Math.max(250, pools.postgresConnectTimeout().toMillis()));
        properties.put("datasources.default.max-lifetime", pools.postgresMaxLifetime().toMillis());
        // Some managed poolers reject startup options, so the timeout is set once connected.
        properties.put("datasources.default.connection-init-sql",
                "SET statement_timeout = " + pools.postgresStatementTimeout().toMillis());
        // The pool starts even when PostgreSQL is down at that moment; readiness reports it.
        properties.put("datasources.default.initialization-fail-timeout", -1);

        mongo.ifPresent(uri -> properties.put("mongodb.uri", MongoUris.withDefaults(uri, pools)));

        properties.put("endpoints.all.enabled", false);
        properties.put("endpoints.health.enabled", true);
        properties.put("endpoints.health.sensitive", false);
        properties.put("endpoints.health.details-visible", "ANONYMOUS");
        properties.put("endpoints.health.jdbc.enabled", false);
        properties.put("endpoints.health.mongodb.enabled", false);
        properties.put("endpoints.health.disk-space.enabled", false);
        properties.put("endpoints.health.discovery-client.enabled", false);
        properties.put("endpoints.prometheus.enabled", true);
        properties.put("endpoints.prometheus.sensitive", false);
        properties.put("micronaut.metrics.enabled", true);
        properties.put("micronaut.metrics.export.prometheus.enabled", true);
        properties.put("micronaut.metrics.export.prometheus.descriptions", true);
        // JVM, process, logback and connection-pool meters are bound by default. The request
        // timer also gets a dozen fixed buckets (in seconds), enough for the dashboards'
        // percentiles without Micrometer's seventy-odd default ones per route and status.
        properties.put("micronaut.metrics.binders.web.server.slos",
                List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0));
        return properties;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    public URI url() {
        return server.getURI();
    }

    public int port() {
        return server.getPort();
    }

    public ApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        if (context.isRunning()) {
            context.close();
            LOG.info("Service stopped");
        }
    }
}
