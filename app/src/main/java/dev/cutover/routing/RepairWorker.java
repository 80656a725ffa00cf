package dev.cutover.routing;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentRepository;
import dev.cutover.flags.Store;
import dev.cutover.observability.Metric;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the repair queues of both stores: for each queued id, copies the current state held by
 * the store whose queue it is in (the source of truth when the write was acknowledged; a change
 * of source of truth is refused while ids wait, see {@code DataServices}) to the other store:
 * the document, or its deletion, as {@link DocumentCopier} copies. A failed repair is retried
 * with growing delay. Queues hand each entry to one replica at a time, so replicas never repeat each other.
 */
public final class RepairWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RepairWorker.class);
    private static final int BATCH = 100;
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final Map<String, CollectionSpec> specs;
    private final Map<Store, Map<String, DocumentRepository>> repositories;
    private final Map<Store, RepairQueue> queues;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<Store, AtomicLong> depth = new EnumMap<>(Store.class);
    private final Map<Store, AtomicLong> oldestAgeSeconds = new EnumMap<>(Store.class);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "repair-worker");
        thread.setDaemon(true);
        return thread;
    });

    public RepairWorker(Map<String, CollectionSpec> specs, Map<Store, Map<String, DocumentRepository>> repositories,
            Map<Store, RepairQueue> queues, MeterRegistry meters, Clock clock) {
        this.specs = Map.copyOf(specs);
        this.repositories = Map.copyOf(repositories);
        this.queues = Map.copyOf(queues);
        this.meters = meters;
        this.clock = clock;
        for (Store store : queues.keySet()) {
            depth.put(store, new AtomicLong());
            oldestAgeSeconds.put(store, new AtomicLong());
            Metric.REPAIR_QUEUE_DEPTH.gauge(depth.get(store), AtomicLong::get, store.label()).register(meters);
            Metric.REPAIR_QUEUE_OLDEST_AGE.gauge(oldestAgeSeconds.get(store), AtomicLong::get, store.label())
                    .register(meters);
        }
    }

    /** Drains every {@code interval} until closed. */
    public void start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::drainQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (RuntimeException e) {
            LOG.warn("Repair round failed: {}", e.toString());
        }
    }

    /** One round over both queues; returns how many entries it handled. */
    public int drain() {
        int handled = 0;
        for (Map.Entry<Store, RepairQueue> queue : queues.entrySet()) {
            try {
                List<RepairQueue.RepairTask> tasks = queue.getValue().claim(BATCH, LEASE);
                for (RepairQueue.RepairTask task : tasks) {
                    repair(queue.getKey(), queue.getValue(), task);
                    handled++;
                }
                refreshGauges(queue.getKey(), queue.getValue());
            } catch (RuntimeException e) {
                // That store is down: its queue waits, the other is still drained.
                LOG.debug("Repair queue in {} unavailable: {}", queue.getKey().label(), e.toString());
            }
        }
        return handled;
    }

    private void refreshGauges(Store store, RepairQueue queue) {
        depth.get(store).set(queue.depth());
        oldestAgeSeconds.get(store).set(queue.oldest()
                .map(oldest -> Math.max(0, Duration.between(oldest, clock.instant()).toSeconds())).orElse(0L));
    }

    private void repair(Store truth, RepairQueue queue, RepairQueue.RepairTask task) {
        CollectionSpec spec = specs.get(task.collection());
        if (spec == null) {
            queue.done(task);
            return;
        }
        try {
            String outcome = copy(spec, task.id(), truth);
            queue.done(task);
            count(spec, outcome);
        } catch (RuntimeException e) {
            long seconds = Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(task.attempts(), 6));
            LOG.warn("Repair of {} id {} failed (attempt {}), retrying in {} s: {}", spec.name(), task.id(),
                    task.attempts() + 1, seconds, e.toString());
            count(spec, "failed");
            try {
                queue.retryLater(task, Duration.ofSeconds(seconds), e.getClass().getSimpleName());
            } catch (RuntimeException ignored) {
                // The lease runs out and the entry comes back by itself.
            }
        }
    }

    /** Makes the other store's copy of one id equal to {@code source}'s; returns what it did. */
    private String copy(CollectionSpec spec, String id, Store source) {
        Store other = source == Store.MONGO ? Store.POSTGRES : Store.MONGO;
        if (!repositories.containsKey(other)) {
            return DocumentCopier.Outcome.UNCHANGED.label();
        }
        return DocumentCopier.copy(repositories.get(source).get(spec.name()), repositories.get(other).get(spec.name()),
                id).label();
    }

    private void count(CollectionSpec spec, String outcome) {
        Metric.REPAIRS.counter(spec.name(), outcome).register(meters).increment();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
