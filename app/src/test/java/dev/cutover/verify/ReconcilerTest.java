package dev.cutover.verify;

import dev.cutover.observability.Metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.MutableClock;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import dev.cutover.flags.FlagState;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Phase;
import dev.cutover.state.CollectionStatusSource.DriftCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The scheduled reconciler on real stores: its rounds, the stored results, the gauges, one replica at a time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcilerTest {

    private static final Duration INTERVAL = Duration.ofMinutes(10);
    private static final StoreComparison.Options OPTIONS = new StoreComparison.Options(100, Duration.ZERO, 5, 2);
    private static final List<CollectionSpec> SPECS = List.of(Collections.USERS, Collections.PROMPTS, Collections.AGENTS);
    /** Phase 1 (users, prompts) at DUAL_WRITE; agents, of phase 2, at MONGO_ONLY. */
    private static final MigrationState DUAL_WRITE_PHASE_1 =
            new MigrationState(FlagState.ALL_OFF.with(dev.cutover.flags.CutoverFeature.USE_POSTGRES, true), Phase.of(1),
                    Map.of());

    private final VerifyStores stores = new VerifyStores();
    private final SampleDocuments samples = new SampleDocuments(3);
    private MutableClock clock;
    private AtomicReference<MigrationState> state;

    @BeforeEach
    void start() {
        clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
        state = new AtomicReference<>(DUAL_WRITE_PHASE_1);
    }

    @AfterEach
    void emptyStores() {
        stores.mongoDatabase.drop();
        stores.sql("TRUNCATE users, prompts, agents, drift_reports");
    }

    @AfterAll
    void close() {
        stores.close();
    }

    private Reconciler reconciler(SimpleMeterRegistry meters, Sleeper sleeper, Map<String, DocumentRepository> postgres) {
        Map<String, DocumentRepository> mongo = new LinkedHashMap<>();
        SPECS.forEach(spec -> mongo.put(spec.name(), stores.mongo(spec)));
        return new Reconciler(SPECS, mongo, postgres, state::get, stores.pool,
                new DriftFigures(new DriftReports(stores.pool), meters), INTERVAL, OPTIONS, meters, clock, sleeper);
    }

    private Reconciler reconciler(SimpleMeterRegistry meters, Sleeper sleeper) {
        Map<String, DocumentRepository> postgres = new LinkedHashMap<>();
        SPECS.forEach(spec -> postgres.put(spec.name(), stores.postgres(spec)));
        return reconciler(meters, sleeper, postgres);
    }

    private static double gauge(SimpleMeterRegistry meters, String name, String... tags) {
        return meters.get(name).tags(tags).gauge().value();
    }

    @Test
    void shouldStoreEachDualCollectionsResultAndExportItsDriftWhenARoundRuns() {
        stores.mongo(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS));
        stores.postgres(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS));
        stores.both(Collections.USERS, samples.next(Collections.USERS));
        stores.mongo(Collections.AGENTS).insert(samples.next(Collections.AGENTS));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        Reconciler.Outcome outcome = reconciler(meters, due -> { }).runOnce();

        assertEquals(Reconciler.Outcome.RAN, outcome);
        Map<String, Map<DriftReports.Source, DriftCheck>> stored = new DriftReports(stores.pool).all();
        assertEquals(java.util.Set.of("users", "prompts"), stored.keySet(), "agents is at MONGO_ONLY: not compared");
        DriftCheck prompts = stored.get("prompts").get(DriftReports.Source.RECONCILER);
        assertEquals(clock.instant(), prompts.checkedAt());
        assertEquals(1, prompts.missingInPostgres());
        assertEquals(1, prompts.missingInMongo());
        assertEquals(0, prompts.differing());
        assertEquals(2, prompts.sampleIds().size());
        assertTrue(stored.get("users").get(DriftReports.Source.RECONCILER).agrees());
        assertEquals(1.0, gauge(meters, Metric.DRIFT_DOCUMENTS.meterName(), "collection", "prompts", "kind", "missing_in_postgres"));
        assertEquals(1.0, gauge(meters, Metric.DRIFT_DOCUMENTS.meterName(), "collection", "prompts", "kind", "missing_in_mongo"));
        assertEquals(0.0, gauge(meters, Metric.DRIFT_DOCUMENTS.meterName(), "collection", "prompts", "kind", "differs"));
        assertEquals(0.0, gauge(meters, Metric.DRIFT_DOCUMENTS.meterName(), "collection", "users", "kind", "missing_in_postgres"));
        assertEquals(clock.instant().getEpochSecond(), gauge(meters, Metric.RECONCILE_LAST_SUCCESS.meterName(), "collection", "prompts"));
        assertTrue(gauge(meters, Metric.RECONCILE_DURATION.meterName(), "collection", "prompts") > 0);
        assertTrue(meters.find(Metric.DRIFT_DOCUMENTS.meterName()).tags("collection", "agents").gauges().isEmpty());
    }

    @Test
    void shouldLetOnlyOneReplicaRunARoundAndTheOthersSkipItWhileItRunsAndJustAfter() {
        stores.mongo(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS));
        AtomicReference<Reconciler> other = new AtomicReference<>();
        AtomicReference<Reconciler.Outcome> otherDuringRound = new AtomicReference<>();
        // The first replica's round is under way when it re-reads the drifting id: the other tries then.
        Reconciler first = reconciler(new SimpleMeterRegistry(),
                due -> otherDuringRound.compareAndSet(null, other.get().runOnce()));
        other.set(reconciler(new SimpleMeterRegistry(), due -> { }));

        Reconciler.Outcome firstOutcome = first.runOnce();
        Reconciler.Outcome otherJustAfter = other.get().runOnce();
        clock.advance(INTERVAL.dividedBy(2).plusSeconds(1));
        Reconciler.Outcome otherLater = other.get().runOnce();

        assertEquals(Reconciler.Outcome.RAN, firstOutcome);
        assertEquals(Reconciler.Outcome.BUSY, otherDuringRound.get());
        assertEquals(Reconciler.Outcome.RECENT, otherJustAfter);
        assertEquals(Reconciler.Outcome.RAN, otherLater);
    }

    @Test
    void shouldCountAFailedCollectionAndStillReconcileTheOthers() {
        Document user = stores.both(Collections.USERS, samples.next(Collections.USERS));
        Map<String, DocumentRepository> postgres = new LinkedHashMap<>();
        // A pool closed by its owner: every statement on prompts fails, as on a store gone away.
        com.zaxxer.hikari.HikariDataSource closed = new com.zaxxer.hikari.HikariDataSource();
        closed.close();
        postgres.put("users", stores.postgres(Collections.USERS));
        postgres.put("prompts", new dev.cutover.document.postgres.PostgresDocumentRepository(Collections.PROMPTS, closed));
        postgres.put("agents", stores.postgres(Collections.AGENTS));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        Reconciler.Outcome outcome = reconciler(meters, due -> { }, postgres).runOnce();

        assertEquals(Reconciler.Outcome.RAN, outcome);
        assertEquals(1.0, meters.get(Metric.RECONCILE_FAILURES.meterName()).tags("collection", "prompts").counter().count());
        assertEquals(0.0, meters.get(Metric.RECONCILE_FAILURES.meterName()).tags("collection", "users").counter().count());
        assertEquals(1, new DriftReports(stores.pool).all().get("users").get(DriftReports.Source.RECONCILER).mongo(),
                user.id());
    }

    @Test
    void shouldDropTheFiguresOfACollectionThatNoLongerKeepsBothStores() {
        stores.mongo(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Reconciler reconciler = reconciler(meters, due -> { });
        reconciler.runOnce();
        state.set(new MigrationState(FlagState.ALL_OFF, Phase.of(1), Map.of()));
        clock.advance(INTERVAL);

        reconciler.runOnce();

        assertEquals(Map.of(), new DriftReports(stores.pool).all());
        assertTrue(Double.isNaN(gauge(meters, Metric.DRIFT_DOCUMENTS.meterName(), "collection", "prompts", "kind",
                "missing_in_postgres")));
    }
}
