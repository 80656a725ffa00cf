package dev.cutover.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cutover.ApiClient;
import dev.cutover.TcpProxy;
import dev.cutover.TestStores;
import dev.cutover.admin.AdminClient;
import dev.cutover.collections.Collections;
import dev.cutover.config.Settings;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.service.CutoverService;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service on real stores, with PostgreSQL behind a {@link TcpProxy}, and traffic that an
 * operator's dashboards must show: a flag flip, then a document of {@link #DRIFTING} written into
 * MongoDB only, past the router, until the reconciler (every second here) reports it; then both
 * {@link #BROKEN} and {@link #HEALTHY} written while PostgreSQL answers, then only {@link #BROKEN}
 * written while PostgreSQL is cut at {@code DUAL_WRITE}, so that its copies fail, the breaker
 * opens and the repair queue fills.
 */
final class FailureScenario implements AutoCloseable {

    /** Written while PostgreSQL is cut: its secondary writes fail. */
    static final String BROKEN = "prompts";
    /** Written only while PostgreSQL answers: its secondary writes all apply, and its stores agree. */
    static final String HEALTHY = "feedback";
    /** One document written into MongoDB only: the reconciler finds it missing in PostgreSQL. */
    static final String DRIFTING = "users";

    /** A round every second; each finding drift takes 3 s more for its re-check. */
    private static final String RECONCILE_INTERVAL = "1s";
    /** How long the reconciler may take to report the drift, on a busy machine. */
    private static final Duration REPORTED_WITHIN = Duration.ofSeconds(30);

    /** Enough concurrent writers to open the breaker within a second of the cut. */
    private static final int WRITERS = 8;
    /** Between two writes of one writer while PostgreSQL is cut: each failed copy logs a warning. */
    private static final Duration PAUSE = Duration.ofMillis(100);

    private final TcpProxy postgresProxy;
    private final CutoverService service;
    private final ApiClient api;
    private final AdminClient admin;
    private final String mongoDbName;

    private FailureScenario(TcpProxy postgresProxy, CutoverService service, String mongoDbName) {
        this.postgresProxy = postgresProxy;
        this.service = service;
        this.mongoDbName = mongoDbName;
        this.api = new ApiClient(service.port(), TestStores.API_TOKEN);
        this.admin = new AdminClient(service);
    }

    /** Starts the service on {@code port}, at MONGO_ONLY, on PostgreSQL through a proxy this scenario can cut. */
    static FailureScenario start(int port) throws IOException {
        PostgresUri database = TestStores.freshDatabase();
        String[] hostPort = database.hosts().split(":");
        TcpProxy proxy = new TcpProxy(hostPort[0], Integer.parseInt(hostPort[1]));
        PostgresUri proxied = PostgresUri.parse(TestStores.rawUri(database)
                .replace(database.hosts() + "/", "127.0.0.1:" + proxy.port() + "/"));
        try {
            // A short wait for a pooled connection, so that copies fail quickly once PostgreSQL is cut.
            Settings settings = TestStores.settings(proxied, TestStores.mongo(), Map.of("PORT", String.valueOf(port),
                    "POSTGRES_CONNECT_TIMEOUT", "500ms", "RECONCILE_INTERVAL", RECONCILE_INTERVAL));
            return new FailureScenario(proxy, CutoverService.start(settings, "test"), settings.mongoDbName());
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    /** The service's {@code /prometheus} text. */
    String scrape() {
        return api.get("/prometheus").text();
    }

    /** Runs the traffic; takes about {@code healthy + cut + after}, plus the few seconds the reconciler needs. */
    void run(Duration healthy, Duration cut, Duration after) throws Exception {
        ApiClient.Response flipped = admin.put("/admin/flags/USE_POSTGRES",
                Map.of("enabled", true, "reason", "dual-write phase 1 for the dashboards test"));
        assertEquals(200, flipped.status(), flipped.text());
        induceDrift();

        Instant until = Instant.now().plus(healthy);
        int round = 0;
        while (Instant.now().isBefore(until)) {
            String id = create(BROKEN, round);
            create(HEALTHY, round);
            assertEquals(200, api.get("/api/v1/" + BROKEN + "/" + id).status());
            assertEquals(200, api.get("/api/v1/" + BROKEN + "?user_id=observer").status());
            assertEquals(404, api.get("/api/v1/" + BROKEN + "/000000000000000000000000").status());
            round++;
            Thread.sleep(50);
        }

        postgresProxy.cut();
        Instant end = Instant.now().plus(cut);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                runs.add(writers.submit(() -> {
                    for (int i = 0; Instant.now().isBefore(end); i++) {
                        create(BROKEN, 1000 * (writer + 1) + i);
                        Thread.sleep(PAUSE.toMillis());
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            writers.shutdownNow();
            writers.awaitTermination(10, TimeUnit.SECONDS);
        }
        postgresProxy.restore();
        Thread.sleep(after.toMillis());
    }

    /**
     * Writes a document of {@link #DRIFTING} into MongoDB through its repository, bypassing the
     * router, and waits until {@code /prometheus} exports it as missing in PostgreSQL, with
     * {@link #HEALTHY} compared too and found in agreement.
     */
    private void induceDrift() throws InterruptedException {
        new MongoDocumentRepository(Collections.USERS, TestStores.mongoClient().getDatabase(mongoDbName))
                .insert(new SampleDocuments(6).next(Collections.USERS));
        Instant deadline = Instant.now().plus(REPORTED_WITHIN);
        String metrics = scrape();
        while (drift(metrics, DRIFTING, "missing_in_postgres") != 1
                || drift(metrics, HEALTHY, "missing_in_postgres") != 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the reconciler did not report the " + DRIFTING + " document missing in "
                        + "PostgreSQL within " + REPORTED_WITHIN.toSeconds() + " s; /prometheus says:\n" + metrics);
            }
            Thread.sleep(200);
            metrics = scrape();
        }
    }

    /** The exported drift of one collection and kind; -1 while there is none. */
    private static double drift(String metrics, String collection, String kind) {
        Matcher line = Pattern.compile("^cutover_drift_documents\\{collection=\"" + collection + "\",kind=\"" + kind
                + "\"[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return line.find() ? Double.parseDouble(line.group(1)) : -1;
    }

    /** Creates a document; a client write must succeed whatever the secondary store does. */
    private String create(String collection, int n) {
        Map<String, Object> body = collection.equals(HEALTHY)
                ? Map.of("user_id", "observer", "conversation_id", "c" + n, "feedback", "like")
                : Map.of("user_id", "observer", "name", "prompt " + n, "content", "text " + n);
        ApiClient.Response created = api.post("/api/v1/" + collection, body);
        assertEquals(201, created.status(), created.text());
        return created.json().path("id").asText();
    }

    @Override
    public void close() throws IOException {
        try {
            service.close();
        } finally {
            postgresProxy.close();
        }
    }
}
