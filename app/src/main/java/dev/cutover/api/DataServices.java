package dev.cutover.api;

import com.mongodb.client.MongoDatabase;
import dev.cutover.collections.Collections;
import dev.cutover.config.Settings;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.DocumentService;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import dev.cutover.flags.Store;
import dev.cutover.routing.DualWriteRouter;
import dev.cutover.routing.GuardSettings;
import dev.cutover.routing.MongoRepairQueue;
import dev.cutover.routing.PostgresRepairQueue;
import dev.cutover.routing.RepairQueue;
import dev.cutover.routing.RepairWorker;
import dev.cutover.routing.SecondaryWrites;
import dev.cutover.routing.StoreGuard;
import dev.cutover.routing.TimedRepository;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Stage;
import dev.cutover.state.ChangeGuard;
import dev.cutover.state.CollectionStatusSource;
import dev.cutover.state.MigrationStateStore;
import dev.cutover.verify.DriftFigures;
import dev.cutover.verify.DriftReports;
import dev.cutover.verify.Reconciler;
import dev.cutover.verify.Sleeper;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service of each collection, over a {@link DualWriteRouter} that follows the collection's
 * stage from the {@link MigrationStateStore}; the guards, repair queues and the repair worker
 * that go with them; and the scheduled reconciler comparing the stores, with the drift figures
 * every replica reads back. Built at start-up, so repairs and reconciles run whether or not
 * requests come, on threads of their own.
 */
@Context
public final class DataServices implements CollectionStatusSource, ChangeGuard {

    private static final Logger LOG = LoggerFactory.getLogger(DataServices.class);
    private static final Duration REPAIR_INTERVAL = Duration.ofMillis(500);
    /** How often each replica reads the stored comparisons for its status page and gauges. */
    private static final Duration DRIFT_REFRESH = Duration.ofSeconds(5);

    private final Map<String, DocumentService> services = new LinkedHashMap<>();
    private final Map<Store, StoreGuard> guards = new EnumMap<>(Store.class);
    private final RepairWorker worker;
    private final DriftFigures drift;
    /** Null when MongoDB is not configured or RECONCILE_INTERVAL is 0. */
    private final Reconciler reconciler;
    private final Map<Store, RepairQueue> queues = new EnumMap<>(Store.class);
    private final boolean mongoConfigured;
    private final List<MongoDocumentRepository> unpreparedMongo = new ArrayList<>();
    private final ScheduledExecutorService preparation = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mongo-preparation");
        thread.setDaemon(true);
        return thread;
    });

    DataServices(@io.micronaut.core.annotation.Nullable MongoDatabase mongo, DataSource dataSource, Clock clock,
            MeterRegistry meters, MigrationStateStore state, Settings settings) {
        this.mongoConfigured = mongo != null;
        DataSource pool = DelegatingDataSource.unwrapDataSource(dataSource);
        Map<Store, Map<String, DocumentRepository>> stores = new EnumMap<>(Store.class);
        if (mongoConfigured) {
            stores.put(Store.MONGO, new LinkedHashMap<>());
        }
        stores.put(Store.POSTGRES, new LinkedHashMap<>());
        Map<String, CollectionSpec> specs = new LinkedHashMap<>();
        for (CollectionSpec spec : Collections.ALL) {
            if (mongoConfigured) {
                MongoDocumentRepository onMongo = new MongoDocumentRepository(spec, mongo);
                unpreparedMongo.add(onMongo);
                stores.get(Store.MONGO).put(spec.name(), new TimedRepository(onMongo, meters));
            }
            stores.get(Store.POSTGRES).put(spec.name(),
                    new TimedRepository(new PostgresDocumentRepository(spec, pool), meters));
            specs.put(spec.name(), spec);
        }
        if (mongoConfigured) {
            queues.put(Store.MONGO, new MongoRepairQueue(mongo, clock));
        }
        queues.put(Store.POSTGRES, new PostgresRepairQueue(pool, clock));
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
        for (Store store : Store.values()) {
            guards.put(store, new StoreGuard(store, GuardSettings.DEFAULTS, breakers, bulkheads));
        }
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        SecondaryWrites secondaryWrites = new SecondaryWrites(guards, queues::get, meters);
        for (CollectionSpec spec : Collections.ALL) {
            Map<Store, DocumentRepository> both = new EnumMap<>(Store.class);
            stores.forEach((store, repositories) -> both.put(store, repositories.get(spec.name())));
            DualWriteRouter router = new DualWriteRouter(spec, both, () -> state.stageOf(spec), secondaryWrites);
            services.put(spec.name(), new DocumentService(router, clock));
        }
        worker = new RepairWorker(specs, stores, queues, meters, clock);
        worker.start(REPAIR_INTERVAL);
        drift = new DriftFigures(new DriftReports(pool), meters);
        drift.start(DRIFT_REFRESH);
        Duration reconcileInterval = settings.reconcileInterval();
        if (mongoConfigured && !reconcileInterval.isZero()) {
            reconciler = new Reconciler(Collections.ALL, stores.get(Store.MONGO), stores.get(Store.POSTGRES),
                    state::current, pool, drift, reconcileInterval, Reconciler.OPTIONS, meters, clock,
                    Sleeper.of(clock));
            reconciler.start();
        } else {
            reconciler = null;
        }
        preparation.scheduleWithFixedDelay(this::prepareMongo, 0, 5, TimeUnit.SECONDS);
    }

    /**
     * Builds MongoDB's indexes (and moves indexed legacy fields to their names) once per start;
     * while MongoDB is unreachable it tries again every few seconds instead of failing the start.
     */
    private synchronized void prepareMongo() {
        while (!unpreparedMongo.isEmpty()) {
            MongoDocumentRepository next = unpreparedMongo.get(0);
            try {
                next.ensureIndexes();
                unpreparedMongo.remove(0);
            } catch (RuntimeException e) {
                LOG.warn("MongoDB not prepared yet for {} (will retry): {}", next.spec().name(), e.getMessage());
                return;
            }
        }
        preparation.shutdown();
    }

    /**
     * A collection's ids waiting for repair, in both stores' queues (an id is queued in the store
     * that was the source of truth when its copy failed), unknown while a store cannot be asked;
     * and the latest comparisons of its stores, as this replica last read them.
     */
    @Override
    public CollectionStatus statusOf(CollectionSpec collection) {
        java.util.OptionalLong depth;
        try {
            long waiting = 0;
            for (RepairQueue queue : queues.values()) {
                waiting += queue.depth(collection.name());
            }
            depth = java.util.OptionalLong.of(waiting);
        } catch (RuntimeException e) {
            depth = java.util.OptionalLong.empty();
        }
        return new CollectionStatus(depth, drift.latest(collection.name(), DriftReports.Source.RECONCILER),
                drift.latest(collection.name(), DriftReports.Source.VERIFY));
    }

    /**
     * Refuses to move a collection's source of truth while any of its ids wait for repair: their
     * copy is behind, and the write that is not yet copied would be overwritten by whichever
     * store became the source of truth. Rollbacks that keep the source of truth (READ_POSTGRES
     * off, say) are never held back.
     */
    @Override
    public java.util.Optional<String> problem(MigrationState before, MigrationState after) {
        for (CollectionSpec spec : Collections.ALL) {
            Stage target = after.stageOf(spec.name(), spec.phase());
            if (!mongoConfigured && target.uses(Store.MONGO)) {
                return java.util.Optional.of(spec.name() + " would be at " + target + ", which needs MongoDB, but "
                        + "MONGO_URI is not set. Fix: set MONGO_URI and restart before moving back to MongoDB");
            }
            Store from = before.stageOf(spec.name(), spec.phase()).primary();
            Store to = after.stageOf(spec.name(), spec.phase()).primary();
            if (from == to) {
                continue;
            }
            long waiting;
            try {
                waiting = queues.values().stream().mapToLong(queue -> queue.depth(spec.name())).sum();
            } catch (RuntimeException e) {
                return java.util.Optional.of("cannot tell whether ids of " + spec.name() + " wait for repair ("
                        + e.getMessage() + "), so its source of truth stays " + from.label()
                        + ". Fix: bring both stores up, then flip again");
            }
            if (waiting > 0) {
                return java.util.Optional.of("cannot move the source of truth of " + spec.name() + " from "
                        + from.label() + " to " + to.label() + " while " + waiting + " of its ids wait for repair: "
                        + "their copy is behind, and the switch could overwrite acknowledged writes. Fix: wait "
                        + "until GET /admin/status shows repair_queue_depth 0 for " + spec.name()
                        + " (the repair worker copies them within seconds once both stores are up), then flip again");
            }
        }
        return java.util.Optional.empty();
    }

    /** The service of a collection, or a 404 naming the collections there are. */
    public DocumentService require(String collection) {
        DocumentService service = services.get(collection);
        if (service == null) {
            throw DocumentException.NotFound.unknownCollection(collection, services.keySet());
        }
        return service;
    }

    @PreDestroy
    void stop() {
        if (reconciler != null) {
            reconciler.close();
        }
        drift.close();
        preparation.shutdownNow();
        worker.close();
        guards.values().forEach(StoreGuard::close);
    }
}
