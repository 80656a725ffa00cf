package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.DocumentService;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many writers, two routers (as two replicas), a few ids, and the stage flipping under them: at
 * the end, once the repair queues are drained, both stores hold the same thing for every id.
 */
class RouterConcurrencyTest {

    private static final CollectionSpec PROMPTS = Collections.PROMPTS;
    private static final List<Stage> FLIPS = List.of(Stage.DUAL_WRITE, Stage.READ_POSTGRES, Stage.POSTGRES_PRIMARY,
            Stage.READ_POSTGRES);

    @Test
    void shouldLeaveBothStoresIdenticalAfterConcurrentWritesAcrossStageFlips() throws Exception {
        try (RoutingFixture stores = new RoutingFixture()) {
            stores.stage.set(Stage.DUAL_WRITE);
            List<DocumentService> replicas = List.of(stores.service(PROMPTS), stores.service(PROMPTS));
            List<String> ids = List.of("p1", "p2", "p3", "p4", "p5", "p6");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger accepted = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(5);
            try {
                Future<?> flipper = threads.submit(() -> {
                    int flip = 0;
                    while (running.get()) {
                        stores.stage.set(FLIPS.get(flip++ % FLIPS.size()));
                        sleep(15);
                    }
                });
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int seed = w;
                    writers.add(threads.submit(() -> write(replicas.get(seed % 2), ids, new Random(seed), accepted)));
                }
                for (Future<?> writer : writers) {
                    writer.get();
                }
                running.set(false);
                flipper.get();
            } finally {
                threads.shutdownNow();
            }

            stores.stage.set(Stage.DUAL_WRITE);
            stores.drainRepairs(10);

            DocumentRepository mongo = stores.store(Store.MONGO, PROMPTS);
            DocumentRepository postgres = stores.store(Store.POSTGRES, PROMPTS);
            Map<String, Optional<Document>> inMongo = new TreeMap<>();
            Map<String, Optional<Document>> inPostgres = new TreeMap<>();
            for (String id : ids) {
                inMongo.put(id, mongo.get(id));
                inPostgres.put(id, postgres.get(id));
            }
            assertEquals(inMongo, inPostgres);
            assertTrue(accepted.get() > 100, "writes went through: " + accepted.get());
        }
    }

    private static void write(DocumentService service, List<String> ids, Random random, AtomicInteger accepted) {
        for (int i = 0; i < 150; i++) {
            String id = ids.get(random.nextInt(ids.size()));
            try {
                switch (random.nextInt(3)) {
                    case 0 -> service.create(body(id, i));
                    case 1 -> service.patch(id, JsonNodeFactory.instance.objectNode().put("content", "edit " + i),
                            DocumentRepository.ANY_VERSION);
                    default -> service.delete(id, DocumentRepository.ANY_VERSION);
                }
                accepted.incrementAndGet();
            } catch (DocumentException expected) {
                // Already there, already gone, or overtaken: a client error, not a failure.
            }
        }
    }

    private static ObjectNode body(String id, int i) {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("user_id", "owner")
                .put("name", "prompt " + i).put("content", "text " + i);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
