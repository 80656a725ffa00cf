package dev.cutover.verify;

import dev.cutover.observability.Metric;
import dev.cutover.state.CollectionStatusSource.DriftCheck;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored comparisons as this replica last read them, for the admin status and the drift
 * gauges ({@link Metric#DRIFT_DOCUMENTS} and the reconcile gauges). Reading them costs one query, made by {@link #refresh}; the
 * status and the gauges answer from memory. A collection's gauges appear once the reconciler
 * has stored a comparison of it, and read NaN when that comparison is gone (it left the stages
 * that keep both stores).
 */
public final class DriftFigures implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriftFigures.class);

    private final DriftReports reports;
    private final MeterRegistry meters;
    private final AtomicReference<Map<String, Map<DriftReports.Source, DriftCheck>>> latest =
            new AtomicReference<>(Map.of());
    private final Set<String> withGauges = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "drift-figures");
        thread.setDaemon(true);
        return thread;
    });

    public DriftFigures(DriftReports reports, MeterRegistry meters) {
        this.reports = reports;
        this.meters = meters;
    }

    /** Reads the stored comparisons now and then every {@code period}, until closed. */
    public void start(Duration period) {
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.debug("Drift figures not refreshed, keeping the last read: {}", e.toString());
        }
    }

    /**
     * Reads the stored comparisons again.
     *
     * @throws dev.cutover.document.postgres.PostgresStoreException when PostgreSQL fails; the
     *         figures read before stay
     */
    public void refresh() {
        Map<String, Map<DriftReports.Source, DriftCheck>> all = reports.all();
        latest.set(Map.copyOf(all));
        all.forEach((collection, bySource) -> {
            if (bySource.containsKey(DriftReports.Source.RECONCILER) && withGauges.add(collection)) {
                register(collection);
            }
        });
    }

    /** The latest comparison of a collection by {@code source}, as last read. */
    public Optional<DriftCheck> latest(String collection, DriftReports.Source source) {
        return Optional.ofNullable(latest.get().getOrDefault(collection, Map.of()).get(source));
    }

    private void register(String collection) {
        drift(collection, Drift.MISSING_IN_POSTGRES, DriftCheck::missingInPostgres);
        drift(collection, Drift.MISSING_IN_MONGO, DriftCheck::missingInMongo);
        drift(collection, Drift.DIFFERS, DriftCheck::differing);
        Metric.RECONCILE_LAST_SUCCESS.gauge(this, figures -> figures.reconciled(collection,
                check -> check.checkedAt().toEpochMilli() / 1000.0), collection).register(meters);
        Metric.RECONCILE_DURATION.gauge(this, figures -> figures.reconciled(collection,
                check -> check.took().toNanos() / 1e9), collection).register(meters);
    }

    private void drift(String collection, Drift kind, ToDoubleFunction<DriftCheck> value) {
        Metric.DRIFT_DOCUMENTS.gauge(this, figures -> figures.reconciled(collection, value), collection, kind.label())
                .register(meters);
    }

    private double reconciled(String collection, ToDoubleFunction<DriftCheck> value) {
        return latest(collection, DriftReports.Source.RECONCILER).map(value::applyAsDouble).orElse(Double.NaN);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
