package dev.cutover.state;

import dev.cutover.observability.Metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.ApiClient;
import dev.cutover.TestStores;
import dev.cutover.admin.AdminClient;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.service.CutoverService;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A replica whose state store stops answering keeps obeying its last known good state, says so
 * (admin API, health, metrics, one log line per outage), and catches up when the store is back.
 */
class StaleStateTest {

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Test
    void shouldKeepTheLastKnownStateAndReportItStaleWhileTheStoreRefusesTheRole() throws Exception {
        String role = TestStores.uniqueName("owner");
        TestStores.admin("postgres", "CREATE ROLE " + role + " LOGIN CREATEDB PASSWORD 'pw'");
        PostgresUri database = TestStores.freshDatabase().withCredentials(role, "pw");
        ListAppender<ILoggingEvent> log = capture();
        try (CutoverService service = CutoverService.start(TestStores.settings(database, TestStores.mongo(),
                Map.of("POSTGRES_CONNECT_TIMEOUT", "1s")), "test")) {
            MigrationStateStore store = MigrationStateStoreTest.store(service);
            AdminClient admin = new AdminClient(service);
            AdminClient anonymous = new AdminClient(service, null);
            store.setFlag(CutoverFeature.USE_POSTGRES, true, "ops", "dual-write");

            TestStores.admin("postgres", "ALTER ROLE " + role + " NOLOGIN",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
            await(() -> store.freshness().stale(), "the state to turn stale");
            Thread.sleep(1000);
            JsonNode flags = admin.get("/admin/flags").json();
            JsonNode health = anonymous.get("/health").json().path("details").path("flags");
            String metrics = anonymous.get("/prometheus").text();
            ApiClient.Response change = admin.put("/admin/flags/READ_POSTGRES",
                    Map.of("enabled", true, "reason", "read cutover"));
            long warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).count();

            assertTrue(store.current().flags().usePostgres());
            assertEquals(2L, store.snapshot().revision());
            assertEquals(true, flags.path("stale").booleanValue(), flags.toString());
            assertEquals(true, flags.path("flags").path("USE_POSTGRES").booleanValue());
            assertFalse(flags.path("stale_since").isNull());
            assertTrue(flags.path("error").asText().contains("PostgreSQL"), flags.toString());
            assertEquals("UP", health.path("status").asText(), health.toString());
            assertEquals(true, health.path("details").path("stale").booleanValue(), health.toString());
            assertEquals(2, health.path("details").path("revision").intValue());
            assertEquals(1.0, gauge(metrics, Metric.FLAG_STATE_STALE.meterName()), metrics);
            assertEquals(2.0, gauge(metrics, Metric.FLAG_STATE_REVISION.meterName()));
            assertEquals(503, change.status(), change.text());
            assertEquals(1L, warnings, "one warning per outage, however many polls fail");

            TestStores.admin("postgres", "ALTER ROLE " + role + " LOGIN");
            await(() -> !store.freshness().stale(), "the state to be fresh again");

            assertEquals(0.0, gauge(anonymous.get("/prometheus").text(), Metric.FLAG_STATE_STALE.meterName()));
            assertEquals(false, admin.get("/admin/flags").json().path("stale").booleanValue());
            assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("readable again")));
        } finally {
            ((Logger) LoggerFactory.getLogger(MigrationStateStore.class)).detachAppender(log);
        }
    }

    /** The value of a meter without tags in Prometheus's text format. */
    private static double gauge(String metrics, String meter) {
        String name = meter.replace('.', '_');
        return metrics.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in the metrics"));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(MigrationStateStore.class)).addAppender(appender);
        return appender;
    }
}
