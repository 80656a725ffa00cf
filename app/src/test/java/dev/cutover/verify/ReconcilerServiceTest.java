package dev.cutover.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.Cutover;
import dev.cutover.TestStores;
import dev.cutover.admin.AdminClient;
import dev.cutover.collections.Collections;
import dev.cutover.config.Settings;
import dev.cutover.document.Document;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.service.CutoverService;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The reconciler inside the running service: what the status page and the metrics show. */
class ReconcilerServiceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @Test
    void shouldShowTheReconcilersAndVerifysResultsInTheStatusAndExportTheDrift() throws Exception {
        PostgresUri database = TestStores.freshDatabase();
        Settings settings = TestStores.settings(database, TestStores.mongo(),
                Map.of("USE_POSTGRES", "true", "RECONCILE_INTERVAL", "1s"));
        SampleDocuments samples = new SampleDocuments(8);
        try (CutoverService service = CutoverService.start(settings, "test");
                com.zaxxer.hikari.HikariDataSource pool = pool(database)) {
            MongoDocumentRepository mongo = new MongoDocumentRepository(Collections.PROMPTS,
                    TestStores.mongoClient().getDatabase(settings.mongoDbName()));
            Document onlyInMongo = mongo.insert(samples.next(Collections.PROMPTS));
            AdminClient admin = new AdminClient(service);
            AdminClient anonymous = new AdminClient(service, null);

            JsonNode drift = await(admin, "prompts", "last_drift", check -> check.path("missing_in_postgres").intValue() == 1);
            String metrics = anonymous.get("/prometheus").text();

            assertEquals(false, drift.path("agree").booleanValue(), drift.toString());
            assertEquals(1, drift.path("mongo").intValue());
            assertEquals(0, drift.path("postgres").intValue());
            assertEquals(0, drift.path("missing_in_mongo").intValue());
            assertEquals(onlyInMongo.id(), drift.path("sample_ids").path(0).asText());
            assertEquals(1.0, value(metrics, "cutover_drift_documents", "collection=\"prompts\"",
                    "kind=\"missing_in_postgres\""), metrics);
            assertEquals(0.0, value(metrics, "cutover_drift_documents", "collection=\"users\"",
                    "kind=\"differs\""), metrics);
            assertTrue(value(metrics, "cutover_drift_reconcile_last_success_seconds", "collection=\"prompts\"") > 0);
            assertEquals(0.0, value(metrics, "cutover_drift_reconcile_failures_total", "collection=\"prompts\""));

            new PostgresDocumentRepository(Collections.PROMPTS, pool).insert(onlyInMongo);
            int exitCode = Cutover.run(Map.of("POSTGRES_URI", TestStores.rawUri(database), "MONGO_URI", TestStores.mongo(),
                    "MONGO_DB_NAME", settings.mongoDbName()), "verify", "--tables", "prompts");
            JsonNode verified = await(admin, "prompts", "last_verify", check -> check.path("agree").booleanValue());

            assertEquals(0, exitCode);
            assertEquals(1, verified.path("postgres").intValue());
            assertEquals(0, verified.path("sample_ids").size());
        }
    }

    private static com.zaxxer.hikari.HikariDataSource pool(PostgresUri database) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setDataSourceProperties(database.connectionProperties());
        config.setMaximumPoolSize(2);
        return new com.zaxxer.hikari.HikariDataSource(config);
    }

    /** The collection's comparison under {@code field} in the status, once it passes {@code test}. */
    private static JsonNode await(AdminClient admin, String collection, String field, Predicate<JsonNode> test)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = admin.get("/admin/status").json();
            JsonNode check = StreamSupport.stream(status.path("collections").spliterator(), false)
                    .filter(item -> item.path("name").asText().equals(collection))
                    .findFirst().orElseThrow().path(field);
            if (!check.isNull() && test.test(check)) {
                return check;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + field + " of " + collection + ": " + status);
    }

    /** A meter's value in Prometheus's text format, on the line carrying all the given labels. */
    private static double value(String metrics, String name, String... labels) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{"))
                .filter(line -> java.util.Arrays.stream(labels).allMatch(line::contains))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " " + String.join(",", labels) + " in " + metrics));
    }
}
