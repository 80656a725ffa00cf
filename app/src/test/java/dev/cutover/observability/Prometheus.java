package dev.cutover.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A real Prometheus server for a test: the {@code prometheus} binary found on the PATH, run with
 * the repository's scrape config pointed at one target, on a free loopback port with a data
 * directory of its own, and its HTTP API.
 */
final class Prometheus implements AutoCloseable {

    /** What the skip message of a test that needs Prometheus says. */
    static final String INSTALL = "Prometheus is not installed, so this test is skipped. On Debian or Ubuntu: "
            + "apt-get install -y --no-install-recommends prometheus (it puts prometheus and promtool on the PATH)";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path directory;
    private final String baseUrl;

    private Prometheus(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /** A program of that name on the PATH, if there is one. */
    static Optional<Path> binary(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Starts Prometheus with {@link ObservabilityFiles#SCRAPE_CONFIG}, changed only where a test
     * must: the one target, scrape and rule evaluation every {@code interval}, and the alert rules
     * by absolute path. Returns once Prometheus is ready.
     */
    @SuppressWarnings("unchecked")
    static Prometheus start(Path binary, String target, Duration interval) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("cutover-prometheus");
        Map<String, Object> config = ObservabilityFiles.yaml(ObservabilityFiles.SCRAPE_CONFIG);
        Map<String, Object> global = (Map<String, Object>) config.get("global");
        global.put("scrape_interval", interval.toMillis() + "ms");
        global.put("evaluation_interval", interval.toMillis() + "ms");
        config.put("rule_files", List.of(ObservabilityFiles.ALERTS.toAbsolutePath().normalize().toString()));
        for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
            job.put("static_configs", List.of(Map.of("targets", List.of(target))));
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path file = directory.resolve("prometheus.yml");
        Files.writeString(file, new Yaml(options).dump(config), StandardCharsets.UTF_8);

        int port = freePort();
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("prometheus.log").toFile())
                .start();
        Prometheus prometheus = new Prometheus(process, directory, port);
        try {
            prometheus.awaitReady(Duration.ofSeconds(30));
            return prometheus;
        } catch (RuntimeException | IOException | InterruptedException e) {
            prometheus.close();
            throw e;
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with " + process.exitValue() + ": " + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Prometheus was not ready within " + timeout + ": " + log());
    }

    /** Waits until {@code query} returns a sample for which {@code until} holds. */
    void await(String query, Predicate<Double> until, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (JsonNode series : query(query, Instant.now())) {
                if (until.test(value(series.path("value")))) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus never answered " + query + " as expected within " + timeout
                + "; its targets: " + api("/api/v1/targets") + "; its log: " + log());
    }

    /** The series {@code expr} evaluates to at {@code time} (an instant query; a scalar becomes one series). */
    JsonNode query(String expr, Instant time) {
        JsonNode data = api("/api/v1/query?query=" + encode(expr) + "&time=" + seconds(time));
        if (data.path("resultType").asText().equals("scalar")) {
            return JSON.createArrayNode().add(JSON.createObjectNode().set("value", data.path("result")));
        }
        return data.path("result");
    }

    /** The series {@code expr} evaluates to, every {@code step} from {@code start} to {@code end}. */
    JsonNode queryRange(String expr, Instant start, Instant end, Duration step) {
        return api("/api/v1/query_range?query=" + encode(expr) + "&start=" + seconds(start) + "&end=" + seconds(end)
                + "&step=" + step.toMillis() / 1000.0).path("result");
    }

    /** The {@code data} of a successful API answer; anything else fails with Prometheus' error. */
    JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> response = get(pathAndQuery);
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new AssertionError("Prometheus answered " + response.statusCode() + " to " + pathAndQuery + ": "
                        + body.path("errorType").asText() + ": " + body.path("error").asText());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A sample's value: {@code [time, "value"]}. */
    static double value(JsonNode sample) {
        return Double.parseDouble(sample.path(1).asText());
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String log() {
        try {
            String log = Files.readString(directory.resolve("prometheus.log"), StandardCharsets.UTF_8);
            return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String seconds(Instant time) {
        return String.valueOf(time.toEpochMilli() / 1000.0);
    }

    /** A loopback port free at the time of asking. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
