package dev.cutover.routing;

import dev.cutover.observability.Metric;
import dev.cutover.observability.MetricTag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The router on real stores: what each stage writes, in which order, and what it reads. */
class DualWriteRouterTest {

    private static final CollectionSpec PROMPTS = Collections.PROMPTS;
    private static final SampleDocuments SAMPLES = new SampleDocuments(404);

    private RoutingFixture stores;

    @BeforeEach
    void open() throws Exception {
        stores = new RoutingFixture();
    }

    @AfterEach
    void close() throws Exception {
        stores.close();
    }

    private Optional<Document> in(Store store, String id) {
        return stores.store(store, PROMPTS).get(id);
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void shouldWriteTheSourceOfTruthThenTheCopyAndReadFromTheStagesReadStore(Stage stage) {
        stores.stage.set(stage);
        DualWriteRouter router = stores.router(PROMPTS);
        Store primary = stage.primary();
        Optional<Store> secondary = stage.secondary();
        Document document = SAMPLES.next(PROMPTS);

        router.insert(document);
        Document replaced = router.replace(SAMPLES.next(PROMPTS).withId(document.id()).withVersion(2), 1);
        Document onlyInMongo = stores.store(Store.MONGO, PROMPTS).insert(SAMPLES.next(PROMPTS));
        Document onlyInPostgres = stores.store(Store.POSTGRES, PROMPTS).insert(SAMPLES.next(PROMPTS));

        assertEquals(Optional.of(replaced), in(primary, document.id()));
        for (Store store : Store.values()) {
            boolean written = store == primary || secondary.equals(Optional.of(store));
            assertEquals(written ? Optional.of(replaced) : Optional.empty(), in(store, document.id()), store.label());
        }
        Store reads = stage.reads();
        assertEquals(reads == Store.MONGO, router.get(onlyInMongo.id()).isPresent());
        assertEquals(reads == Store.POSTGRES, router.get(onlyInPostgres.id()).isPresent());
        assertEquals(reads.label(), router.storeName());
        assertEquals(primary.label(), router.writeStoreName());

        assertTrue(router.delete(document.id(), 2));

        for (Store store : Store.values()) {
            assertEquals(Optional.empty(), in(store, document.id()), store.label());
        }
        assertEquals(OptionalLong.of(3), stores.store(primary, PROMPTS).tombstone(document.id()));
        secondary.ifPresent(copy -> assertEquals(OptionalLong.of(3), stores.store(copy, PROMPTS).tombstone(document.id())));
    }

    @Test
    void shouldFailTheClientAndLeaveTheCopyUntouchedWhenTheSourceOfTruthRefuses() {
        stores.stage.set(Stage.DUAL_WRITE);
        Document existing = stores.store(Store.MONGO, PROMPTS).insert(SAMPLES.next(PROMPTS));
        Document clash = SAMPLES.next(PROMPTS).withId(existing.id());

        assertThrows(DocumentException.Duplicate.class, () -> stores.router(PROMPTS).insert(clash));

        assertEquals(Optional.empty(), in(Store.POSTGRES, existing.id()));
        assertEquals(0, stores.queues.get(Store.MONGO).depth());
    }

    @Test
    void shouldSucceedQueueTheIdAndHealOnceTheCopysStoreIsBack() {
        stores.stage.set(Stage.DUAL_WRITE);
        DualWriteRouter router = stores.router(PROMPTS);
        stores.postgresProxy.cut();

        Document written = router.insert(SAMPLES.next(PROMPTS));

        assertEquals(Optional.of(written), in(Store.MONGO, written.id()));
        assertEquals(1, stores.queues.get(Store.MONGO).depth());
        assertEquals(1.0, stores.counter(Metric.SECONDARY_FAILURES.meterName(), MetricTag.COLLECTION, "prompts",
                MetricTag.STORE, "postgres", MetricTag.OPERATION, "insert"));

        stores.postgresProxy.restore();
        stores.drainRepairs(5);

        assertEquals(Optional.of(written), in(Store.POSTGRES, written.id()));
        assertEquals(0, stores.queues.get(Store.MONGO).depth());
    }

    @Test
    void shouldSucceedAtTheTimeLimitQueueTheIdAndHealWhenTheCopysStoreHangs() {
        stores.stage.set(Stage.DUAL_WRITE);
        DualWriteRouter router = stores.router(PROMPTS);
        stores.postgresProxy.stall();

        long started = System.nanoTime();
        Document written = router.insert(SAMPLES.next(PROMPTS));
        long waitedMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        long limit = RoutingFixture.GUARD.timeout().toMillis();
        assertTrue(waitedMillis >= limit && waitedMillis < limit + 1_500,
                "the write took " + waitedMillis + " ms with a time limit of " + limit + " ms on its copy");
        assertEquals(Optional.of(written), in(Store.MONGO, written.id()));
        assertEquals(1.0, stores.counter(Metric.SECONDARY_FAILURES.meterName(), MetricTag.REASON, "timeout"));
        assertEquals(1, stores.queues.get(Store.MONGO).depth());

        stores.postgresProxy.restore();
        stores.drainRepairs(5);

        assertEquals(Optional.of(written), in(Store.POSTGRES, written.id()));
        assertEquals(0, stores.queues.get(Store.MONGO).depth());
    }

    @Test
    void shouldOpenTheBreakerOnARepeatedlyFailingCopyAndSkipItWhileOpen() {
        stores.stage.set(Stage.DUAL_WRITE);
        DualWriteRouter router = stores.router(PROMPTS);
        stores.postgresProxy.cut();

        for (int i = 0; i < 14; i++) {
            router.insert(SAMPLES.next(PROMPTS));
        }

        assertEquals(CircuitBreaker.State.OPEN, stores.guards.get(Store.POSTGRES).breaker().getState());
        assertTrue(stores.counter(Metric.SECONDARY_FAILURES.meterName(), MetricTag.REASON, "circuit-open") > 0);
        assertEquals(14, stores.queues.get(Store.MONGO).depth());
    }

    @Test
    void shouldFailWritesCleanlyAndCopyNothingWhenMongoIsDownInDualWrite() {
        stores.stage.set(Stage.DUAL_WRITE);
        DualWriteRouter router = stores.router(PROMPTS);
        Document document = SAMPLES.next(PROMPTS);
        stores.mongoProxy.cut();

        assertThrows(RuntimeException.class, () -> router.insert(document));

        stores.mongoProxy.restore();
        assertEquals(Optional.empty(), in(Store.POSTGRES, document.id()));
        assertEquals(0, stores.stores.get(Store.POSTGRES).get(PROMPTS.name()).count(java.util.Map.of()));
    }

    @Test
    void shouldServeTheNextReadFromMongoOnceReadPostgresIsTurnedOff() {
        stores.stage.set(Stage.READ_POSTGRES);
        DualWriteRouter router = stores.router(PROMPTS);
        Document written = router.insert(SAMPLES.next(PROMPTS));
        assertEquals("postgres", router.storeName());

        stores.stage.set(Stage.DUAL_WRITE);

        assertEquals("mongo", router.storeName());
        assertEquals(Optional.of(written), router.get(written.id()));
        assertFalse(stores.counter(Metric.SECONDARY_FAILURES.meterName()) > 0);
    }

    @Test
    void shouldNumberARecreatedIdPastItsDeletionSoTheOldDeleteCannotWin() {
        stores.stage.set(Stage.DUAL_WRITE);
        DualWriteRouter router = stores.router(PROMPTS);
        Document first = router.insert(SAMPLES.next(PROMPTS));
        router.delete(first.id(), DocumentRepository.ANY_VERSION);

        Document again = router.insert(SAMPLES.next(PROMPTS).withId(first.id()));

        assertEquals(3, again.version());
        assertEquals(Optional.of(again), in(Store.POSTGRES, first.id()));
    }
}
