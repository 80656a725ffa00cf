package dev.cutover.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.flags.Stage;
import dev.cutover.observability.ObservabilityFiles.Alert;
import dev.cutover.observability.ObservabilityFiles.Query;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboards and alerts against the service they watch: the service runs on real stores
 * while {@link FailureScenario} cuts PostgreSQL under dual-write, and a real Prometheus scrapes
 * it every second with the repository's scrape config and alert rules. Then every query of every
 * panel and every alert is asked of that Prometheus, and the failure, breaker and queue panels
 * must show what was induced, for the collection and store that were broken only.
 *
 * <p>Without the {@code prometheus} binary on the PATH only the first test runs; the others are
 * skipped with {@link Prometheus#INSTALL}.
 */
class DashboardsOnPrometheusTest {

    private static final Duration SCRAPE = Duration.ofSeconds(1);
    /** What Grafana's time variables become: a window longer than the whole scenario. */
    private static final String WINDOW = "5m";
    /** Series Prometheus records for every target itself rather than scraping them. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final String FAILURES = "cutover_secondary_failures_total";
    private static final String DRIFT = "cutover_drift_documents";
    private static final String DRIFT_ALERT = "CutoverDriftFound";
    private static final String STALE_ALERT = "CutoverReconcilerStale";
    /** Metrics whose panels must show the PostgreSQL breaker opening, and the MongoDB one never. */
    private static final Set<String> BREAKER = Set.of("resilience4j_circuitbreaker_state");
    /** Metrics whose panels must show MongoDB's queue (copies to PostgreSQL) filling, and PostgreSQL's never. */
    private static final Set<String> QUEUE = Set.of("cutover_repair_queue_depth",
            "cutover_repair_queue_oldest_age_seconds");
    /** Panels on failed store operations: they must show PostgreSQL failing while it was cut, and MongoDB never. */
    private static final String STORE_ERRORS = "outcome=\"error\"";
    /** Metrics whose panels show each collection's stage: the scenario moved them all to DUAL_WRITE. */
    private static final String STAGE = "cutover_collection_stage";
    /** Alerts that must have been pending or firing during the cut, with the label naming what broke. */
    private static final Map<String, Map.Entry<String, String>> RAISED = Map.of(
            "CutoverSecondaryWritesFailing", Map.entry("collection", FailureScenario.BROKEN),
            "CutoverCircuitBreakerOpen", Map.entry("name", "postgres"),
            "CutoverRepairQueueGrowing", Map.entry("store", "mongo"));

    private static FailureScenario scenario;
    private static Prometheus prometheus;
    private static Instant started;
    private static String exported;

    @BeforeAll
    static void induceFailuresWhilePrometheusScrapes() throws Exception {
        // Prometheus first: it takes a few seconds to start scraping a new target, the service
        // meanwhile starts on a port chosen in advance.
        int port = Prometheus.freePort();
        Optional<Path> binary = Prometheus.binary("prometheus");
        if (binary.isPresent()) {
            prometheus = Prometheus.start(binary.get(), "127.0.0.1:" + port, SCRAPE);
        }
        scenario = FailureScenario.start(port);
        if (prometheus != null) {
            prometheus.await("up{job=\"cutover\"}", value -> value == 1, Duration.ofSeconds(20));
        }
        started = Instant.now();
        scenario.run(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(3));
        exported = scenario.scrape();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (prometheus != null) {
                prometheus.close();
            }
        } finally {
            if (scenario != null) {
                scenario.close();
            }
        }
    }

    @Test
    void shouldExportEveryMetricThatAPanelOrAlertQueries() {
        Set<String> names = exportedNames(exported);
        List<String> unknown = new ArrayList<>();
        List<String> selectingNothing = new ArrayList<>();

        for (Query query : Stream.concat(ObservabilityFiles.dashboardQueries().stream(),
                ObservabilityFiles.alertQueries().stream()).toList()) {
            Set<String> used = PromQl.metricNames(query.expr());
            if (used.isEmpty()) {
                selectingNothing.add(query.where());
            }
            used.stream().filter(name -> !names.contains(name) && !PROMETHEUS_OWN.contains(name))
                    .forEach(name -> unknown.add(query.where() + ": " + name));
        }

        assertEquals(List.of(), selectingNothing, "queries that select no metric");
        assertEquals(List.of(), unknown, "metrics that GET /prometheus does not export; it exports " + names);
    }

    @Test
    void shouldReturnDataForEveryPanelQueryAndEveryAlertSignal() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);
        List<String> empty = new ArrayList<>();

        for (Query query : evaluated()) {
            if (prometheus.query(query.expr(), Instant.now()).isEmpty()) {
                empty.add(query.where() + ": " + query.expr());
            }
        }

        assertEquals(List.of(), empty, "queries that returned no data");
    }

    @Test
    void shouldLoadEveryAlertRuleAndEvaluateItWithoutError() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);
        Map<String, String> health = new TreeMap<>();

        for (JsonNode group : prometheus.api("/api/v1/rules").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                health.put(rule.path("name").asText(), rule.path("health").asText() + " "
                        + rule.path("lastError").asText());
            }
        }

        Map<String, String> expected = new TreeMap<>();
        ObservabilityFiles.alerts().forEach(alert -> expected.put(alert.name(), "ok "));
        assertEquals(expected, health);
    }

    @Test
    void shouldShowSecondaryFailuresForTheBrokenCollectionAndNoneForTheHealthyOne() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);

        assertEquals(List.of(), shownOnlyFor(FAILURES, FailureScenario.BROKEN, FailureScenario.HEALTHY));
    }

    @Test
    void shouldShowDriftForTheDriftingCollectionAndNoneForTheHealthyOne() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);

        assertEquals(List.of(), shownOnlyFor(DRIFT, FailureScenario.DRIFTING, FailureScenario.HEALTHY));
    }

    @Test
    void shouldRaiseTheDriftAlertForTheDriftingCollectionAndNotTheHealthyOne() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);

        Set<String> raised = raised(DRIFT_ALERT, "collection");

        assertTrue(raised.contains(FailureScenario.DRIFTING), DRIFT_ALERT + " was raised for " + raised);
        assertFalse(raised.contains(FailureScenario.HEALTHY), DRIFT_ALERT + " was raised for " + raised);
    }

    @Test
    void shouldSignalTheDriftingCollectionReconciledSecondsAgo() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);
        Alert stale = ObservabilityFiles.alerts().stream().filter(alert -> alert.name().equals(STALE_ALERT))
                .findFirst().orElseThrow();

        JsonNode signal = prometheus.query(PromQl.signal(stale.expr()), Instant.now());
        double since = maximum(signal, Map.of("collection", FailureScenario.DRIFTING));

        // One round a second, each finding drift 3 s longer for the re-check, and none while PostgreSQL was cut.
        assertTrue(since > 0 && since < 30, STALE_ALERT + "'s signal for " + FailureScenario.DRIFTING + ": " + signal);
    }

    @Test
    void shouldShowThePostgresBreakerOpenAndMongosQueueFilledWhilePostgresWasCut() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);
        List<String> wrong = new ArrayList<>();

        for (Query query : evaluated()) {
            Set<String> used = PromQl.metricNames(query.expr());
            if (used.stream().anyMatch(BREAKER::contains)) {
                wrong.addAll(broken(query, "name", "postgres", "mongo"));
            }
            if (used.stream().anyMatch(QUEUE::contains)) {
                wrong.addAll(broken(query, "store", "mongo", "postgres"));
            }
        }

        assertEquals(List.of(), wrong);
    }

    @Test
    void shouldShowPostgresOperationsFailingAndMongosNeverWhilePostgresWasCut() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);
        List<String> wrong = new ArrayList<>();
        int checked = 0;

        for (Query query : evaluated()) {
            if (query.expr().contains(STORE_ERRORS)) {
                checked++;
                wrong.addAll(broken(query, "store", "postgres", "mongo"));
            }
        }

        assertEquals(List.of(), wrong);
        assertTrue(checked > 0, "no panel queries failed store operations");
    }

    @Test
    void shouldShowTheStageTheFlagFlipMovedEachCollectionTo() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);
        List<String> wrong = new ArrayList<>();
        int checked = 0;

        for (Query query : evaluated()) {
            if (!PromQl.metricNames(query.expr()).contains(STAGE)) {
                continue;
            }
            checked++;
            Set<String> stages = new TreeSet<>();
            stream(prometheus.query(query.expr(), Instant.now()))
                    .filter(series -> matches(series, Map.of("collection", FailureScenario.BROKEN))
                            || !series.path("metric").has("collection"))
                    .forEach(series -> stages.add(series.path("metric").path("stage").asText()));
            if (!stages.equals(Set.of(Stage.DUAL_WRITE.name()))) {
                wrong.add(query.where() + " shows " + FailureScenario.BROKEN + " at " + stages);
            }
        }

        assertEquals(List.of(), wrong);
        assertTrue(checked > 0, "no panel queries " + STAGE);
    }

    @Test
    void shouldRaiseTheAlertsOfTheInducedFailureForWhatBrokeOnly() {
        Assumptions.assumeTrue(prometheus != null, Prometheus.INSTALL);
        Map<String, Set<String>> raised = new TreeMap<>();

        for (String alert : RAISED.keySet()) {
            raised.put(alert, raised(alert, RAISED.get(alert).getKey()));
        }

        Map<String, Set<String>> expected = new TreeMap<>();
        RAISED.forEach((alert, label) -> expected.put(alert, Set.of(label.getValue())));
        assertEquals(expected, raised);
    }

    /** The values of {@code label} of every series for which {@code alert} was pending or firing during the scenario. */
    private static Set<String> raised(String alert, String label) {
        Set<String> values = new TreeSet<>();
        stream(prometheus.queryRange("ALERTS{alertname=\"" + alert + "\"}", started, Instant.now(), SCRAPE))
                .forEach(series -> values.add(series.path("metric").path(label).asText()));
        return values;
    }

    /**
     * Every panel and alert signal on {@code metric} must now show a value above zero for
     * {@code shown} and none for {@code quiet}: drill-down queries asked for each collection,
     * queries by collection for each one's series, others for their total.
     */
    private static List<String> shownOnlyFor(String metric, String shown, String quiet) {
        List<String> wrong = new ArrayList<>();
        int checked = 0;

        for (Query query : unsubstituted()) {
            if (!PromQl.metricNames(query.expr()).contains(metric)) {
                continue;
            }
            checked++;
            if (query.expr().contains("$collection")) {
                if (maximum(instant(query, shown), Map.of()) <= 0) {
                    wrong.add(query.where() + " shows nothing above 0 for " + shown);
                }
                if (maximum(instant(query, quiet), Map.of()) > 0) {
                    wrong.add(query.where() + " shows a value above 0 for " + quiet);
                }
                continue;
            }
            JsonNode result = instant(query, shown);
            boolean byCollection = stream(result).anyMatch(series -> series.path("metric").has("collection"));
            if (maximum(result, byCollection ? Map.of("collection", shown) : Map.of()) <= 0) {
                wrong.add(query.where() + " shows nothing above 0 for " + shown + ": " + result);
            }
            if (byCollection && maximum(result, Map.of("collection", quiet)) > 0) {
                wrong.add(query.where() + " shows a value above 0 for " + quiet + ": " + result);
            }
        }
        if (checked == 0) {
            wrong.add("no panel or alert queries " + metric);
        }
        return wrong;
    }

    /**
     * Over the scenario, the series labelled {@code label=broken} (or every series, if none
     * carries the label) must rise above zero, and those labelled {@code label=healthy} never.
     */
    private static List<String> broken(Query query, String label, String broken, String healthy) {
        JsonNode result = prometheus.queryRange(query.expr(), started, Instant.now(), SCRAPE);
        boolean labelled = stream(result).anyMatch(series -> series.path("metric").has(label));
        List<String> wrong = new ArrayList<>();
        double brokenMaximum = rangeMaximum(result, labelled ? Map.of(label, broken) : Map.of());
        if (brokenMaximum <= 0) {
            wrong.add(query.where() + " never rose above 0 for " + label + "=" + broken + ": " + result);
        }
        if (labelled && rangeMaximum(result, Map.of(label, healthy)) > 0) {
            wrong.add(query.where() + " rose above 0 for " + label + "=" + healthy + ": " + result);
        }
        return wrong;
    }

    /** Every dashboard query as written, and every alert's signal (its expression without the threshold). */
    private static List<Query> unsubstituted() {
        List<Query> queries = new ArrayList<>(ObservabilityFiles.dashboardQueries());
        for (Alert alert : ObservabilityFiles.alerts()) {
            queries.add(new Query("alert " + alert.name() + " (its signal)", PromQl.signal(alert.expr())));
        }
        return queries;
    }

    /** {@link #unsubstituted()} with Grafana's variables put in, the collection being the broken one. */
    private static List<Query> evaluated() {
        return unsubstituted().stream()
                .map(query -> new Query(query.where(), withVariables(query.expr(), FailureScenario.BROKEN)))
                .toList();
    }

    private static JsonNode instant(Query query, String collection) {
        return prometheus.query(withVariables(query.expr(), collection), Instant.now());
    }

    private static String withVariables(String expr, String collection) {
        return PromQl.withVariables(expr, Map.of("collection", collection, "__rate_interval", WINDOW,
                "__interval", WINDOW, "__range", WINDOW));
    }

    /** The largest value among the series whose labels include {@code labels}; NaN never counts. */
    private static double maximum(JsonNode result, Map<String, String> labels) {
        return stream(result).filter(series -> matches(series, labels))
                .mapToDouble(series -> Prometheus.value(series.path("value")))
                .filter(value -> !Double.isNaN(value)).max().orElse(0);
    }

    private static double rangeMaximum(JsonNode result, Map<String, String> labels) {
        return stream(result).filter(series -> matches(series, labels))
                .flatMap(series -> stream(series.path("values")))
                .mapToDouble(Prometheus::value)
                .filter(value -> !Double.isNaN(value)).max().orElse(0);
    }

    private static boolean matches(JsonNode series, Map<String, String> labels) {
        return labels.entrySet().stream()
                .allMatch(label -> label.getValue().equals(series.path("metric").path(label.getKey()).asText()));
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }

    /** The metric names of the samples in a Prometheus text exposition. */
    static Set<String> exportedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
