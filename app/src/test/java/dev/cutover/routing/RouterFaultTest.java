package dev.cutover.routing;

import dev.cutover.observability.Metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.SampleDocuments;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Faults and flips under load, on real stores: no client request fails that need not, nothing is lost. */
class RouterFaultTest {

    private static final CollectionSpec PROMPTS = Collections.PROMPTS;

    @Test
    void shouldFailNoClientWriteWhilePostgresIsCutAndHealEverythingOnceItIsBack() throws Exception {
        try (RoutingFixture stores = new RoutingFixture()) {
            stores.stage.set(Stage.DUAL_WRITE);
            DualWriteRouter router = stores.router(PROMPTS);
            ConcurrentLinkedQueue<String> written = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch halfway = new CountDownLatch(4 * 20);
            ExecutorService writers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    SampleDocuments samples = new SampleDocuments(1000 + w);
                    runs.add(writers.submit(() -> {
                        for (int i = 0; i < 60; i++) {
                            try {
                                written.add(router.insert(samples.next(PROMPTS)).id());
                            } catch (RuntimeException e) {
                                failures.add(e);
                            }
                            halfway.countDown();
                        }
                    }));
                }
                stores.postgresProxy.cut();
                halfway.await();
                boolean queuedWhileDown = stores.queues.get(Store.MONGO).depth() > 0;
                stores.postgresProxy.restore();
                for (Future<?> run : runs) {
                    run.get();
                }
                assertTrue(queuedWhileDown, "copies that failed while PostgreSQL was cut were queued");
            } finally {
                writers.shutdownNow();
            }

            stores.drainRepairs(10);

            assertEquals(List.of(), List.copyOf(failures));
            assertEquals(240, written.size());
            for (String id : written) {
                Optional<Document> truth = stores.store(Store.MONGO, PROMPTS).get(id);
                assertTrue(truth.isPresent(), "acknowledged write " + id + " is in the source of truth");
                assertEquals(truth, stores.store(Store.POSTGRES, PROMPTS).get(id), id);
            }
            assertEquals(0, stores.queues.get(Store.MONGO).depth());
            assertTrue(stores.counter(Metric.SECONDARY_FAILURES.meterName()) > 0);
        }
    }

    @Test
    void shouldServeTheVeryNextReadsFromMongoWhenReadPostgresIsTurnedOffUnderLoad() throws Exception {
        try (RoutingFixture stores = new RoutingFixture()) {
            stores.stage.set(Stage.READ_POSTGRES);
            DualWriteRouter router = stores.router(PROMPTS);
            SampleDocuments samples = new SampleDocuments(77);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(router.insert(samples.next(PROMPTS)).id());
            }
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> missing = new ConcurrentLinkedQueue<>();
            ExecutorService readers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int r = 0; r < 4; r++) {
                    runs.add(readers.submit(() -> {
                        int i = 0;
                        while (running.get()) {
                            String id = ids.get(i++ % ids.size());
                            try {
                                if (router.get(id).isEmpty()) {
                                    missing.add(id);
                                }
                            } catch (RuntimeException e) {
                                failures.add(e);
                            }
                        }
                    }));
                }
                Thread.sleep(200);

                stores.stage.set(Stage.DUAL_WRITE);
                String servedNext = router.storeName();
                Document onlyInMongo = stores.store(Store.MONGO, PROMPTS).insert(samples.next(PROMPTS));
                Optional<Document> readNext = router.get(onlyInMongo.id());
                Thread.sleep(200);
                running.set(false);
                for (Future<?> run : runs) {
                    run.get();
                }

                assertEquals("mongo", servedNext);
                assertEquals(Optional.of(onlyInMongo), readNext);
            } finally {
                readers.shutdownNow();
            }
            assertEquals(List.of(), List.copyOf(failures));
            assertEquals(List.of(), List.copyOf(missing));
        }
    }

    @Test
    void shouldRepairFromTheStoreThatAcknowledgedTheWriteEvenAfterTheStageMoved() throws Exception {
        try (RoutingFixture stores = new RoutingFixture()) {
            stores.stage.set(Stage.POSTGRES_PRIMARY);
            DualWriteRouter router = stores.router(PROMPTS);
            SampleDocuments samples = new SampleDocuments(31);
            Document first = router.insert(samples.next(PROMPTS));
            stores.mongoProxy.cut();
            Document acknowledged = router.replace(samples.next(PROMPTS).withId(first.id()).withVersion(2), 1);
            stores.mongoProxy.restore();

            stores.stage.set(Stage.READ_POSTGRES);
            stores.drainRepairs(5);

            assertEquals(Optional.of(acknowledged), stores.store(Store.POSTGRES, PROMPTS).get(first.id()));
            assertEquals(Optional.of(acknowledged), stores.store(Store.MONGO, PROMPTS).get(first.id()));
        }
    }
}
