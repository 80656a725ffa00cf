package dev.cutover.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.TestStores;
import dev.cutover.config.Settings;
import dev.cutover.postgres.PostgresBootstrap;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import dev.cutover.stores.ResolvedStore;
import dev.cutover.stores.StoreResolver;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The service on real stores: start-up, health of each store, concurrent boots, least privilege. */
class CutoverServiceTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldReportEachStoreUpWithLatencyAndNeverThePassword() throws Exception {
        String password = "s3cret-" + TestStores.uniqueName("pw");
        PostgresUri database = ownedByNewRole(password);
        ListAppender<ILoggingEvent> startupLog = capture("dev.cutover.startup");

        try (CutoverService service = CutoverService.start(
                TestStores.settings(database, TestStores.mongo(), Map.of()), "test")) {
            HttpResponse<String> response = get(service, "/health");

            assertEquals(200, response.statusCode(), response.body());
            JsonNode details = JSON.readTree(response.body()).path("details");
            assertEquals("UP", details.path("postgres").path("status").asText());
            assertEquals("UP", details.path("mongo").path("status").asText());
            assertTrue(details.path("postgres").path("details").path("latencyMs").isIntegralNumber());
            assertTrue(details.path("mongo").path("details").path("latencyMs").isIntegralNumber());
            assertTrue(details.path("postgres").path("details").path("target").asText().contains(":****@"));
            assertFalse(response.body().contains(password));
        }
        String logged = startupLog.list.stream().map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.joining("\n"));
        assertTrue(logged.contains("cutover " + Version.current() + " starting"), logged);
        assertTrue(logged.contains(database.user() + ":****@"), logged);
        assertTrue(logged.contains("USE_POSTGRES=false READ_POSTGRES=false, active phase 1"), logged);
        assertFalse(logged.contains(password), logged);
    }

    @Test
    void shouldFailReadinessButStayAliveWhenMongoGoesDown() throws Exception {
        ResolvedStore<String> mongo = StoreResolver.inProcessMongo();
        try (CutoverService service = CutoverService.start(
                TestStores.settings(TestStores.freshDatabase(), mongo.connection(), Map.of("MONGO_TIMEOUT", "1s")),
                "test")) {
            assertEquals(200, get(service, "/health/readiness").statusCode());

            mongo.close();
            HttpResponse<String> readiness = get(service, "/health/readiness");
            HttpResponse<String> liveness = get(service, "/health/liveness");

            assertEquals(503, readiness.statusCode(), readiness.body());
            JsonNode details = JSON.readTree(readiness.body()).path("details");
            assertEquals("DOWN", details.path("mongo").path("status").asText());
            assertEquals("UP", details.path("postgres").path("status").asText());
            assertEquals(200, liveness.statusCode(), liveness.body());
        }
    }

    @Test
    void shouldAnswerServiceUnavailableWhileTheStoreIsDownNamingNoValue() throws Exception {
        ResolvedStore<String> mongo = StoreResolver.inProcessMongo();
        try (CutoverService service = CutoverService.start(
                TestStores.settings(TestStores.freshDatabase(), mongo.connection(), Map.of("MONGO_TIMEOUT", "1s")),
                "test")) {
            HttpResponse<String> whileUp = get(service, "/api/v1/prompts/secret-id-1", TestStores.API_TOKEN);

            mongo.close();
            HttpResponse<String> whileDown = get(service, "/api/v1/prompts/secret-id-1", TestStores.API_TOKEN);

            assertEquals(404, whileUp.statusCode(), whileUp.body());
            assertEquals(503, whileDown.statusCode(), whileDown.body());
            assertEquals("urn:cutover:problem:store-unavailable", JSON.readTree(whileDown.body()).path("type").asText());
            assertEquals("1", whileDown.headers().firstValue("Retry-After").orElse(null));
            assertTrue(whileDown.body().contains("prompts"), whileDown.body());
        }
    }

    @Test
    void shouldFailReadinessButStayAliveWhenPostgresRefusesConnections() throws Exception {
        String password = "pw-" + TestStores.uniqueName("x");
        PostgresUri database = ownedByNewRole(password);
        try (CutoverService service = CutoverService.start(
                TestStores.settings(database, TestStores.mongo(), Map.of("POSTGRES_CONNECT_TIMEOUT", "1s")),
                "test")) {
            assertEquals(200, get(service, "/health/readiness").statusCode());

            TestStores.admin("postgres",
                    "ALTER ROLE " + database.user() + " NOLOGIN",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + database.user() + "'");
            HttpResponse<String> readiness = get(service, "/health/readiness");
            HttpResponse<String> liveness = get(service, "/health/liveness");

            assertEquals(503, readiness.statusCode(), readiness.body());
            JsonNode details = JSON.readTree(readiness.body()).path("details");
            assertEquals("DOWN", details.path("postgres").path("status").asText());
            assertEquals("UP", details.path("mongo").path("status").asText());
            assertEquals(200, liveness.statusCode());
            assertFalse(readiness.body().contains(password));
        }
    }

    @RepeatedTest(3)
    void shouldApplyTheSchemaOnceWhenFourReplicasBootAtOnceOnAnEmptyServer() throws Exception {
        PostgresUri database = TestStores.freshDatabase();
        String mongo = TestStores.mongo();
        ExecutorService boots = Executors.newFixedThreadPool(4);
        List<Future<CutoverService>> replicas = new ArrayList<>();
        List<CutoverService> started = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Callable<CutoverService> boot = () -> CutoverService.start(
                        TestStores.settings(database, mongo, Map.of()), "test");
                replicas.add(boots.submit(boot));
            }
            for (Future<CutoverService> replica : replicas) {
                started.add(replica.get());
            }

            for (CutoverService replica : started) {
                assertEquals(200, get(replica, "/health/readiness").statusCode());
            }
            int known = new SchemaMigrator(database).all().size();
            assertEquals((long) known, TestStores.adminQuery(database.database(),
                    "SELECT count(*) FROM flyway_schema_history WHERE success AND version <> '0'"));
            assertEquals(0, new SchemaMigrator(database).pending().size());
        } finally {
            started.forEach(CutoverService::close);
            boots.shutdownNow();
        }
    }

    @Test
    void shouldServeWithARuntimeRoleThatHasNoDdlRightsWhenBothAutoFlagsAreOff() throws Exception {
        PostgresUri owner = TestStores.freshDatabase();
        new PostgresBootstrap(Duration.ofSeconds(5)).ensureDatabase(owner, true);
        new SchemaMigrator(owner).migrate();
        String role = TestStores.uniqueName("runtime");
        TestStores.admin(owner.database(),
                "CREATE ROLE " + role + " LOGIN PASSWORD 'pw'",
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "REVOKE CREATE, TEMPORARY ON DATABASE \"" + owner.database() + "\" FROM PUBLIC",
                "GRANT CONNECT ON DATABASE \"" + owner.database() + "\" TO " + role,
                "GRANT USAGE ON SCHEMA public TO " + role,
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
        PostgresUri runtime = owner.withCredentials(role, "pw");
        Settings settings = TestStores.settings(runtime, TestStores.mongo(),
                Map.of("AUTO_CREATE_DB", "false", "AUTO_MIGRATE", "false"));

        try (CutoverService service = CutoverService.start(settings, "test")) {
            assertEquals(200, get(service, "/health/readiness").statusCode());
        }
        assertEquals(false, TestStores.adminQuery(owner.database(),
                "SELECT has_schema_privilege('" + role + "', 'public', 'CREATE')"));
    }

    @Test
    void shouldSetTheStatementTimeoutOnEveryPooledConnectionAfterConnecting() throws Exception {
        Settings settings = TestStores.settings(TestStores.freshDatabase(), TestStores.mongo(),
                Map.of("POSTGRES_STATEMENT_TIMEOUT", "7s", "POSTGRES_POOL_SIZE", "3"));

        try (CutoverService service = CutoverService.start(settings, "test")) {
            DataSource pool = DelegatingDataSource.unwrapDataSource(service.context().getBean(DataSource.class));
            List<String> timeouts = new ArrayList<>();
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Connection connection = pool.getConnection();
                    held.add(connection);
                    try (Statement statement = connection.createStatement();
                            ResultSet result = statement.executeQuery("SHOW statement_timeout")) {
                        result.next();
                        timeouts.add(result.getString(1));
                    }
                }
            } finally {
                for (Connection connection : held) {
                    connection.close();
                }
            }

            assertEquals(List.of("7s", "7s", "7s"), timeouts);
        }
    }

    private static PostgresUri ownedByNewRole(String password) {
        String role = TestStores.uniqueName("owner");
        TestStores.admin("postgres", "CREATE ROLE " + role + " LOGIN CREATEDB PASSWORD '" + password + "'");
        return TestStores.freshDatabase().withCredentials(role, password);
    }

    static HttpResponse<String> get(CutoverService service, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(CutoverService service, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ListAppender<ILoggingEvent> capture(String loggerName) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(loggerName)).addAppender(appender);
        return appender;
    }

    @Test
    void shouldServeFromPostgresAloneWithoutMongoUriOnceEveryCollectionIsPostgresOnly() throws Exception {
        PostgresUri database = TestStores.freshDatabase();
        try (CutoverService withMongo = CutoverService.start(
                TestStores.settings(database, TestStores.mongo(), Map.of()), "test")) {
            dev.cutover.Stages.postgresOnly(withMongo);
        }
        Settings withoutMongo = Settings.fromEnvironment(Map.of("POSTGRES_URI", TestStores.rawUri(database),
                "PORT", "0", "API_TOKEN", TestStores.API_TOKEN, "ADMIN_TOKEN", TestStores.ADMIN_TOKEN));

        try (CutoverService service = CutoverService.start(withoutMongo, "test")) {
            HttpResponse<String> created = send(service, "POST", "/api/v1/prompts", TestStores.API_TOKEN,
                    "{\"user_id\":\"alice\",\"name\":\"Greeting\",\"content\":\"Say hello.\"}");
            String id = JSON.readTree(created.body()).path("id").asText();
            HttpResponse<String> read = get(service, "/api/v1/prompts/" + id, TestStores.API_TOKEN);
            HttpResponse<String> readiness = get(service, "/health/readiness");
            HttpResponse<String> backToMongo = send(service, "PUT", "/admin/flags/MONGO_OFF", TestStores.ADMIN_TOKEN,
                    "{\"enabled\":false,\"reason\":\"roll back\"}");

            assertEquals(201, created.statusCode(), created.body());
            assertEquals("postgres", created.headers().firstValue("X-Cutover-Store").orElse(null));
            assertEquals(200, read.statusCode(), read.body());
            assertEquals(200, readiness.statusCode(), readiness.body());
            assertEquals(409, backToMongo.statusCode(), backToMongo.body());
            assertTrue(backToMongo.body().contains("MONGO_URI is not set"), backToMongo.body());
        }
    }

    private static HttpResponse<String> send(CutoverService service, String method, String path, String token,
            String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
