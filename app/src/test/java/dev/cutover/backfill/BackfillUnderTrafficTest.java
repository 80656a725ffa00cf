package dev.cutover.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoDatabase;
import dev.cutover.ApiClient;
import dev.cutover.TestStores;
import dev.cutover.cli.CommandRun;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.service.CutoverService;
import dev.cutover.stores.CommandStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Backfill while the service dual-writes: clients update, create and delete the very documents
 * being copied, and when both are done, and the repair queue is empty, the stores hold the same
 * documents.
 */
class BackfillUnderTrafficTest {

    private static final int LEGACY = 6_000;
    private static final CollectionSpec PROMPTS = Collections.PROMPTS;

    @Test
    void shouldLeaveBothStoresAgreeingWhenClientsWriteWhileItRuns() throws Exception {
        PostgresUri database = TestStores.freshDatabase();
        String mongoName = TestStores.uniqueName("traffic");
        List<String> legacyIds = seed(TestStores.mongoClient().getDatabase(mongoName));
        Map<String, String> environment = Map.of("POSTGRES_URI", TestStores.rawUri(database),
                "MONGO_URI", TestStores.mongo(), "MONGO_DB_NAME", mongoName, "USE_POSTGRES", "true");
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();

        CommandRun backfill;
        try (CutoverService service = CutoverService.start(TestStores.settings(database, TestStores.mongo(),
                Map.of("MONGO_DB_NAME", mongoName, "USE_POSTGRES", "true")), "test")) {
            ApiClient client = new ApiClient(service.port(), TestStores.API_TOKEN);
            CompletableFuture<CommandRun> running = CompletableFuture.supplyAsync(() -> CommandRun.of(environment,
                    "backfill", "--tables", "prompts", "--batch-size", "200", "--progress", "none"));
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> load = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                load.add(clients.submit(() -> {
                    while (!running.isDone()) {
                        write(client, legacyIds, requests, failures);
                    }
                }));
            }
            backfill = running.get();
            for (Future<?> worker : load) {
                worker.get();
            }
            clients.shutdown();
            awaitEmptyRepairQueues(service);
        }

        assertEquals(0, backfill.exitCode(), backfill.err());
        assertEquals(0, failures.get(), "client requests failed");
        assertTrue(requests.get() > 50, "too little traffic to mean anything: " + requests.get());
        try (CommandStores stores = CommandStores.open(TestStores.settings(database, TestStores.mongo(),
                Map.of("MONGO_DB_NAME", mongoName)), "verify", 2)) {
            DocumentRepository mongo = stores.mongo(PROMPTS);
            DocumentRepository postgres = stores.postgres(PROMPTS);
            TreeSet<String> ids = new TreeSet<>(ids(mongo));
            ids.addAll(ids(postgres));
            int compared = 0;
            for (String id : ids) {
                Optional<Document> inMongo = mongo.get(id);
                assertEquals(inMongo, postgres.get(id), "prompts id " + id);
                compared++;
            }
            assertTrue(compared > LEGACY / 2, "compared only " + compared);
        }
    }

    /** One random client write: a patch or delete of a legacy document, or a new document. */
    private static void write(ApiClient client, List<String> legacyIds, AtomicInteger requests, AtomicInteger failures) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = legacyIds.get(random.nextInt(legacyIds.size()));
        int roll = random.nextInt(10);
        ApiClient.Response response;
        if (roll < 6) {
            response = client.patch("/api/v1/prompts/" + id, Map.of("content", "edited " + random.nextInt()));
        } else if (roll < 8) {
            response = client.delete("/api/v1/prompts/" + id);
        } else {
            response = client.post("/api/v1/prompts", Map.of("user_id", "u-" + random.nextInt(50), "name", "new",
                    "content", "written during the backfill"));
        }
        requests.incrementAndGet();
        // A document another client deleted meanwhile is a 404, which is the right answer.
        if (response.status() >= 500 || response.status() == 400 || response.status() == 409) {
            failures.incrementAndGet();
        }
    }

    private static void awaitEmptyRepairQueues(CutoverService service) throws InterruptedException {
        dev.cutover.api.DataServices data = service.context().getBean(dev.cutover.api.DataServices.class);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && data.statusOf(PROMPTS).repairQueueDepth().orElse(1) > 0) {
            Thread.sleep(100);
        }
        assertEquals(0, data.statusOf(PROMPTS).repairQueueDepth().orElse(-1), "the repair queue did not drain");
    }

    private static List<String> ids(DocumentRepository repository) {
        List<String> ids = new ArrayList<>();
        String after = null;
        List<Document> page;
        while (!(page = repository.scan(after, 1000)).isEmpty()) {
            page.forEach(document -> ids.add(document.id()));
            after = page.get(page.size() - 1).id();
        }
        return ids;
    }

    private static List<String> seed(MongoDatabase mongo) {
        List<org.bson.Document> documents = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < LEGACY; i++) {
            String id = "legacy-prompt-" + i;
            ids.add(id);
            documents.add(new org.bson.Document("_id", id).append("user", "user-" + i % 40)
                    .append("name", "prompt " + i).append("content", "text " + i)
                    .append("createdAt", Date.from(Instant.parse("2023-06-01T00:00:00Z").plusSeconds(i))));
        }
        mongo.getCollection(PROMPTS.name()).insertMany(documents);
        return ids;
    }
}
