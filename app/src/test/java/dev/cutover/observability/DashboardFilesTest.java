package dev.cutover.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.observability.ObservabilityFiles.Alert;
import dev.cutover.observability.ObservabilityFiles.Dashboard;
import dev.cutover.observability.ObservabilityFiles.Query;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The checked-in dashboards, alert rules and provisioning files on their own: they parse, query
 * only the provisioned datasource, agree with each other and with the service's collections,
 * and every panel and alert is explained in {@code docs/observability.md}.
 */
class DashboardFilesTest {

    private static final String RUNBOOKS = "docs/observability.md#";
    private static final Set<String> SEVERITIES = Set.of("warning", "critical");

    @Test
    void shouldParseEveryDashboardWithItsOwnUidTitleAndPanelIds() {
        List<Dashboard> dashboards = ObservabilityFiles.dashboards();
        Set<String> uids = new HashSet<>();

        for (Dashboard dashboard : dashboards) {
            assertTrue(uids.add(dashboard.uid()), dashboard.file() + ": uid '" + dashboard.uid() + "' is used twice");
            assertFalse(dashboard.json().path("title").asText().isBlank(), dashboard.file() + " has no title");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : dashboard.panels()) {
                assertTrue(ids.add(panel.path("id").asInt(-1)), dashboard.file() + ": panel id "
                        + panel.path("id") + " (\"" + panel.path("title").asText() + "\") is used twice");
            }
        }

        assertEquals(Set.of("cutover-overview", "cutover-collection"), uids);
    }

    @Test
    void shouldQueryOnlyTheProvisionedPrometheusFromEveryPanelTargetAndAnnotation() {
        String uid = ObservabilityFiles.datasourceUid();
        List<String> wrong = new ArrayList<>();
        int queries = 0;

        for (Dashboard dashboard : ObservabilityFiles.dashboards()) {
            for (JsonNode panel : dashboard.panels()) {
                String where = dashboard.file().getFileName() + ", panel \"" + panel.path("title").asText() + "\"";
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                checkDatasource(panel.path("datasource"), uid, where, wrong);
                if (panel.path("targets").isEmpty()) {
                    wrong.add(where + " has no query");
                }
                for (JsonNode target : panel.path("targets")) {
                    checkDatasource(target.path("datasource"), uid, where + ", target " + target.path("refId").asText(),
                            wrong);
                    queries++;
                }
            }
            for (JsonNode annotation : dashboard.json().path("annotations").path("list")) {
                checkDatasource(annotation.path("datasource"), uid, dashboard.file().getFileName() + ", annotation \""
                        + annotation.path("name").asText() + "\"", wrong);
            }
        }

        assertEquals(List.of(), wrong);
        assertTrue(queries >= 30, "only " + queries + " panel queries found");
    }

    @Test
    void shouldOfferExactlyTheServicesCollectionsInTheCollectionVariable() {
        List<String> names = Collections.ALL.stream().map(CollectionSpec::name).toList();

        for (Dashboard dashboard : ObservabilityFiles.dashboards()) {
            JsonNode variables = dashboard.json().path("templating").path("list");
            boolean usesCollection = dashboard.queries().stream().anyMatch(query -> query.expr().contains("$collection"));
            assertEquals(usesCollection ? 1 : 0, variables.size(), dashboard.file() + ": template variables");
            for (JsonNode variable : variables) {
                assertEquals("collection", variable.path("name").asText(), dashboard.file().toString());
                assertEquals("custom", variable.path("type").asText(), dashboard.file() + ": the collection variable "
                        + "lists the collections itself; a query variable needs a metric every collection has");
                assertEquals(names, List.of(variable.path("query").asText().split(",")),
                        dashboard.file() + ": the collection variable must list Collections.ALL, in order");
                List<String> options = new ArrayList<>();
                variable.path("options").forEach(option -> options.add(option.path("value").asText()));
                assertEquals(names, options, dashboard.file() + ": the collection variable's options");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldLoadTheDashboardsAndScrapeTheProxyAsTheGuideSays() {
        Map<String, Object> scrape = ObservabilityFiles.yaml(ObservabilityFiles.SCRAPE_CONFIG);
        Map<String, Object> provider = ((List<Map<String, Object>>) ObservabilityFiles
                .yaml(ObservabilityFiles.DASHBOARD_PROVIDERS).get("providers")).get(0);
        Map<String, Object> datasource = ((List<Map<String, Object>>) ObservabilityFiles
                .yaml(ObservabilityFiles.DATASOURCES).get("datasources")).get(0);
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) scrape.get("scrape_configs");

        assertEquals("file", provider.get("type"));
        assertEquals("${CUTOVER_DASHBOARDS}", ((Map<String, Object>) provider.get("options")).get("path"));
        assertEquals("${PROMETHEUS_URL}", datasource.get("url"));
        assertEquals(((Map<String, Object>) scrape.get("global")).get("scrape_interval"),
                ((Map<String, Object>) datasource.get("jsonData")).get("timeInterval"),
                "Grafana's timeInterval must be Prometheus' scrape interval, or $__rate_interval spans too few samples");
        assertEquals(List.of("alerts.yml"), scrape.get("rule_files"));
        assertEquals(1, jobs.size());
        assertEquals("cutover", jobs.get(0).get("job_name"), "the alerts select job=\"cutover\"");
        assertEquals("/prometheus", jobs.get(0).get("metrics_path"));
    }

    @Test
    void shouldGiveEveryAlertASeveritySummaryDescriptionAndARunbookSectionOfTheGuide() {
        Set<String> anchors = anchors(ObservabilityFiles.text(ObservabilityFiles.GUIDE));
        List<String> wrong = new ArrayList<>();

        for (Alert alert : ObservabilityFiles.alerts()) {
            if (!SEVERITIES.contains(String.valueOf(alert.labels().get("severity")))) {
                wrong.add(alert.name() + ": severity must be one of " + SEVERITIES);
            }
            for (String annotation : List.of("summary", "description")) {
                if (String.valueOf(alert.annotations().getOrDefault(annotation, "")).isBlank()) {
                    wrong.add(alert.name() + ": no " + annotation);
                }
            }
            String runbook = String.valueOf(alert.annotations().get("runbook_url"));
            String expected = RUNBOOKS + slug(alert.name());
            if (!runbook.equals(expected)) {
                wrong.add(alert.name() + ": runbook_url must be " + expected + ", not " + runbook);
            } else if (!anchors.contains(slug(alert.name()))) {
                wrong.add(alert.name() + ": docs/observability.md has no heading for " + runbook);
            }
        }

        assertEquals(List.of(), wrong);
    }

    @Test
    void shouldDescribeEveryDashboardAndPanelInTheGuide() {
        String guide = ObservabilityFiles.text(ObservabilityFiles.GUIDE);
        List<String> missing = new ArrayList<>();

        for (Dashboard dashboard : ObservabilityFiles.dashboards()) {
            if (!guide.contains("\n### " + dashboard.json().path("title").asText() + "\n")) {
                missing.add("a section \"### " + dashboard.json().path("title").asText() + "\"");
            }
            for (JsonNode panel : dashboard.panels()) {
                String title = panel.path("title").asText();
                if (!panel.path("type").asText().equals("row") && !guide.contains("| " + title + " |")) {
                    missing.add(dashboard.file().getFileName() + ": a table row naming \"" + title + "\"");
                }
            }
        }

        assertEquals(List.of(), missing, "what docs/observability.md lacks");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldUnitTestEveryAlertFiring() {
        Set<String> firing = new TreeSet<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) ObservabilityFiles
                .yaml(ObservabilityFiles.ALERT_TESTS).get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
                if (!((List<?>) check.getOrDefault("exp_alerts", List.of())).isEmpty()) {
                    firing.add(String.valueOf(check.get("alertname")));
                }
            }
        }

        Set<String> alerts = new TreeSet<>();
        ObservabilityFiles.alerts().forEach(alert -> alerts.add(alert.name()));
        assertEquals(alerts, firing, "alerts with a promtool test case where they fire");
    }

    @Test
    void shouldWriteEveryAlertAsOneSignalAgainstOneThreshold() {
        List<String> wrong = new ArrayList<>();

        for (Query query : ObservabilityFiles.alertQueries()) {
            try {
                PromQl.signal(query.expr());
            } catch (IllegalArgumentException e) {
                wrong.add(query.where() + ": " + e.getMessage());
            }
        }

        assertEquals(List.of(), wrong);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldMountOnlyRepositoryFilesThatExistInTheComposeFile() {
        Map<String, Object> services = (Map<String, Object>) ObservabilityFiles.yaml(ObservabilityFiles.COMPOSE)
                .get("services");
        List<String> missing = new ArrayList<>();
        int mounts = 0;

        for (Map.Entry<String, Object> service : services.entrySet()) {
            for (Object volume : (List<Object>) ((Map<String, Object>) service.getValue()).getOrDefault("volumes",
                    List.of())) {
                String source = String.valueOf(volume).split(":")[0];
                if (source.startsWith(".")) {
                    mounts++;
                    if (!Files.exists(ObservabilityFiles.COMPOSE.getParent().resolve(source))) {
                        missing.add(service.getKey() + ": " + source);
                    }
                }
            }
        }

        assertEquals(List.of(), missing, "mounted paths, relative to docs/, that do not exist");
        assertTrue(mounts >= 4, "the compose file mounts " + mounts + " repository files");
    }

    private static void checkDatasource(JsonNode datasource, String uid, String where, List<String> wrong) {
        if (!datasource.path("uid").asText().equals(uid) || !datasource.path("type").asText().equals("prometheus")) {
            wrong.add(where + " queries datasource " + datasource + ", not the provisioned prometheus '" + uid + "'");
        }
    }

    /** The anchors GitHub gives a Markdown page's headings. */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        for (String line : markdown.split("\n")) {
            if (line.startsWith("#")) {
                anchors.add(slug(line.replaceFirst("^#+\\s*", "")));
            }
        }
        return anchors;
    }

    private static String slug(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
