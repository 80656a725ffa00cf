package dev.cutover.backfill;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.observability.Metric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.annotation.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress of a backfill run inside the service (the guided demo runs one), on
 * {@code /prometheus}: per collection, how many documents MongoDB held when the copy started, how
 * many are done, whether it is copying now, and what became of them. Registered once, for every
 * collection, so the figures stay at zero until a run and keep the last run's afterwards. The
 * {@code cutover backfill} command shows the same figures on its terminal instead.
 */
@Context
public final class BackfillMeters {

    /** The outcomes of {@link Metric#BACKFILL_DOCUMENTS}. */
    private static final String[] OUTCOMES = {"inserted", "updated", "unchanged", "rejected"};

    private final Map<String, AtomicLong> expected = new HashMap<>();
    private final Map<String, AtomicLong> done = new HashMap<>();
    private final Map<String, AtomicLong> running = new HashMap<>();
    private final Map<String, Counter[]> outcomes = new HashMap<>();

    public BackfillMeters(MeterRegistry registry) {
        for (CollectionSpec spec : Collections.ALL) {
            String collection = spec.name();
            expected.put(collection, gauge(registry, Metric.BACKFILL_EXPECTED, collection));
            done.put(collection, gauge(registry, Metric.BACKFILL_DONE, collection));
            running.put(collection, gauge(registry, Metric.BACKFILL_RUNNING, collection));
            Counter[] counters = new Counter[OUTCOMES.length];
            for (int i = 0; i < OUTCOMES.length; i++) {
                counters[i] = Metric.BACKFILL_DOCUMENTS.counter(collection, OUTCOMES[i]).register(registry);
            }
            outcomes.put(collection, counters);
        }
    }

    /** Meters nobody reads, for a run whose progress only its terminal shows. */
    static BackfillMeters unread() {
        return new BackfillMeters(new SimpleMeterRegistry());
    }

    private static AtomicLong gauge(MeterRegistry registry, Metric metric, String collection) {
        AtomicLong value = new AtomicLong();
        metric.gauge(value, AtomicLong::get, collection).strongReference(true).register(registry);
        return value;
    }

    void started(String collection, long expectedDocuments, long alreadyDone) {
        expected.get(collection).set(expectedDocuments);
        done.get(collection).set(alreadyDone);
        running.get(collection).set(1);
    }

    void advanced(String collection, Counts batch, long doneNow, long expectedNow) {
        done.get(collection).set(doneNow);
        expected.get(collection).set(expectedNow);
        Counter[] counters = outcomes.get(collection);
        counters[0].increment(batch.inserted());
        counters[1].increment(batch.updated());
        counters[2].increment(batch.unchanged());
        counters[3].increment(batch.rejected());
    }

    void ended(String collection) {
        running.get(collection).set(0);
    }
}
