package dev.cutover.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MetricTest {

    private static final Path GUIDE = Path.of("..", "docs", "observability.md");

    @ParameterizedTest
    @EnumSource(Metric.class)
    void shouldDocumentEveryMetricUnderItsPrometheusNameWithEachTagKey(Metric metric) throws IOException {
        String exposed = prometheusName(metric);
        String row = Files.readAllLines(GUIDE).stream()
                .filter(line -> line.startsWith("| `" + exposed + "` |"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(GUIDE + " has no table row for " + exposed));
        for (String key : metric.tagKeys()) {
            assertTrue(row.contains("`" + key + "`"), exposed + "'s row must name its tag " + key + ": " + row);
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void shouldExportEveryTagKeyItDeclares(Metric metric) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        register(metric, registry, values(metric));
        String line = registry.scrape().lines().filter(text -> !text.startsWith("#")).findFirst().orElseThrow();
        for (String key : metric.tagKeys()) {
            assertTrue(line.contains(key + "=\"v-" + key + "\""), line);
        }
        assertTrue(registry.scrape().contains("# HELP " + prometheusName(metric) + " " + metric.description()),
                "the description must be the exported help text");
    }

    @Test
    void shouldRefuseTagValuesThatDoNotMatchTheDeclaredKeys() {
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> Metric.REPAIRS.counter("users"));
        assertEquals("cutover.repair.repairs takes the tags [collection, outcome], but 1 values came",
                tooFew.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metric.ACTIVE_PHASE.gauge(new AtomicLong(), AtomicLong::get,
                "extra"));
        assertThrows(IllegalArgumentException.class, () -> Metric.STORE_OPERATIONS.timer("users", "mongo", "get"));
    }

    @Test
    void shouldBuildEachMetricOnlyAsItsOwnKind() {
        IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> Metric.DRIFT_DOCUMENTS.counter("users", "differs"));
        assertEquals("cutover.drift.documents is a GAUGE, not a COUNTER", wrong.getMessage());
    }

    @Test
    void shouldNameEveryMeterOnceUnderTheCutoverPrefix() {
        List<String> names = Arrays.stream(Metric.values()).map(Metric::meterName).toList();
        assertTrue(names.stream().allMatch(name -> name.startsWith("cutover.")), names.toString());
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
    }

    /** The name Prometheus shows, as Micrometer's own naming convention makes it (without _count etc.). */
    private static String prometheusName(Metric metric) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        register(metric, registry, values(metric));
        String help = registry.scrape().lines().filter(line -> line.startsWith("# HELP ")).findFirst().orElseThrow();
        return help.substring("# HELP ".length(), help.indexOf(' ', "# HELP ".length()));
    }

    private static String[] values(Metric metric) {
        return metric.tagKeys().stream().map(key -> "v-" + key).toArray(String[]::new);
    }

    private static void register(Metric metric, PrometheusMeterRegistry registry, String[] tagValues) {
        switch (metric.kind()) {
            case TIMER -> metric.timer(tagValues).register(registry).record(Duration.ofMillis(1));
            case COUNTER -> metric.counter(tagValues).register(registry).increment();
            case GAUGE -> metric.gauge(new AtomicLong(1), AtomicLong::get, tagValues).register(registry);
        }
    }
}
