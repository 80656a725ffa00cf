package dev.cutover.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The checked-in dashboards, alert rules and Prometheus and Grafana configuration, read the way
 * the tests need them. Every query of every dashboard is found here, so a panel added to a
 * dashboard file is checked by every test without touching the tests.
 */
final class ObservabilityFiles {

    /** Relative to the app module, the directory tests run in. */
    static final Path ROOT = Path.of("..", "dashboards");
    static final Path DASHBOARDS = ROOT.resolve("grafana").resolve("dashboards");
    static final Path DATASOURCES = ROOT.resolve("grafana/provisioning/datasources/prometheus.yml");
    static final Path DASHBOARD_PROVIDERS = ROOT.resolve("grafana/provisioning/dashboards/cutover.yml");
    static final Path SCRAPE_CONFIG = ROOT.resolve("prometheus/prometheus.yml");
    static final Path ALERTS = ROOT.resolve("prometheus/alerts.yml");
    static final Path ALERT_TESTS = ROOT.resolve("prometheus/alerts.test.yml");
    static final Path GUIDE = Path.of("..", "docs", "observability.md");
    static final Path COMPOSE = Path.of("..", "docs", "observability-compose.yml");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ObservabilityFiles() {
    }

    /** One dashboard file. */
    record Dashboard(Path file, JsonNode json) {
        String uid() {
            return json.path("uid").asText();
        }

        /** Every panel, those inside rows included, rows themselves included. */
        List<JsonNode> panels() {
            List<JsonNode> panels = new ArrayList<>();
            for (JsonNode panel : json.path("panels")) {
                panels.add(panel);
                panel.path("panels").forEach(panels::add);
            }
            return panels;
        }

        /** Every query: each target of each panel, and each annotation's. */
        List<Query> queries() {
            List<Query> queries = new ArrayList<>();
            for (JsonNode panel : panels()) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(file.getFileName() + ", panel \"" + panel.path("title").asText()
                            + "\", target " + target.path("refId").asText(), target.path("expr").asText()));
                }
            }
            for (JsonNode annotation : json.path("annotations").path("list")) {
                queries.add(new Query(file.getFileName() + ", annotation \"" + annotation.path("name").asText()
                        + "\"", annotation.path("expr").asText()));
            }
            return queries;
        }
    }

    /** A PromQL expression and where it is written, for messages. */
    record Query(String where, String expr) {
    }

    /** One alerting rule. */
    record Alert(String name, String expr, Map<String, Object> labels, Map<String, Object> annotations) {
    }

    /** Every dashboard, in file-name order; a file that does not parse fails with its name. */
    static List<Dashboard> dashboards() {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            List<Dashboard> dashboards = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                try {
                    dashboards.add(new Dashboard(file, JSON.readTree(file.toFile())));
                } catch (IOException e) {
                    throw new AssertionError(file + " is not valid JSON: " + e.getMessage(), e);
                }
            }
            return dashboards;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every query of every dashboard. */
    static List<Query> dashboardQueries() {
        return dashboards().stream().flatMap(dashboard -> dashboard.queries().stream()).toList();
    }

    /** Every alerting rule of every group. */
    @SuppressWarnings("unchecked")
    static List<Alert> alerts() {
        List<Alert> alerts = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) yaml(ALERTS).get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                alerts.add(new Alert(String.valueOf(rule.get("alert")), String.valueOf(rule.get("expr")).strip(),
                        (Map<String, Object>) rule.getOrDefault("labels", Map.of()),
                        (Map<String, Object>) rule.getOrDefault("annotations", Map.of())));
            }
        }
        return alerts;
    }

    /** Every alert's expression as a query. */
    static List<Query> alertQueries() {
        return alerts().stream().map(alert -> new Query("alert " + alert.name(), alert.expr())).toList();
    }

    /** The uid of the one Prometheus datasource Grafana is provisioned with. */
    @SuppressWarnings("unchecked")
    static String datasourceUid() {
        List<Map<String, Object>> sources = (List<Map<String, Object>>) yaml(DATASOURCES).get("datasources");
        List<Map<String, Object>> prometheus = sources.stream().filter(s -> "prometheus".equals(s.get("type"))).toList();
        if (prometheus.size() != 1) {
            throw new AssertionError(DATASOURCES + " must provision exactly one Prometheus datasource, but has "
                    + prometheus.size());
        }
        return String.valueOf(prometheus.get(0).get("uid"));
    }

    static Map<String, Object> yaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
