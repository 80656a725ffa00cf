package dev.cutover.verify;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.postgres.PostgresStoreException;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Stage;
import dev.cutover.observability.Metric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's scheduled comparison of the stores: every interval, each collection whose stage
 * keeps both stores (DUAL_WRITE, READ_POSTGRES, POSTGRES_PRIMARY) is compared as
 * {@code cutover verify} compares it, and the result stored ({@link DriftReports}) for every
 * replica's status page and gauges. It only reports: the repair queue and
 * {@code cutover verify --repair} mend.
 *
 * <p>One replica at a time: a round runs while holding a PostgreSQL advisory lock, which a
 * replica that finds it taken skips; the lock goes with its connection if the replica dies. A
 * replica that gets the lock also skips the round when another finished one less than half an
 * interval ago, so that several replicas together still compare about once per interval.
 */
public final class Reconciler implements AutoCloseable {

    /** What one attempt at a round did. */
    public enum Outcome {
        /** Compared every collection that keeps both stores. */
        RAN,
        /** Another replica holds the lock: it is comparing now. */
        BUSY,
        /** Another replica compared less than half an interval ago. */
        RECENT
    }

    /** Settings of the comparisons the reconciler runs: modest, as it shares the stores with traffic. */
    public static final StoreComparison.Options OPTIONS =
            new StoreComparison.Options(1000, Duration.ofSeconds(3), DriftReports.SAMPLE_IDS, 2);

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final String LOCK_KEY = "hashtextextended('cutover.reconciler', 0)";
    private static final Duration FIRST_ROUND_AT_MOST = Duration.ofSeconds(30);

    private final List<CollectionSpec> specs;
    private final Map<String, DocumentRepository> mongo;
    private final Map<String, DocumentRepository> postgres;
    private final Supplier<MigrationState> state;
    private final DataSource pool;
    private final DriftReports reports;
    private final DriftFigures figures;
    private final Duration interval;
    private final StoreComparison.Options options;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Map<String, Counter> failures = new java.util.HashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "drift-reconciler");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param mongo    each collection's MongoDB repository, by name
     * @param postgres each collection's PostgreSQL repository, by name
     * @param state    the migration state this replica obeys now
     * @param pool     plain connections to PostgreSQL, for the lock and the stored results
     * @param interval how often to compare; positive
     */
    public Reconciler(List<CollectionSpec> specs, Map<String, DocumentRepository> mongo,
            Map<String, DocumentRepository> postgres, Supplier<MigrationState> state, DataSource pool,
            DriftFigures figures, Duration interval, StoreComparison.Options options, MeterRegistry meters,
            Clock clock, Sleeper sleeper) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the reconcile interval must be positive, but was " + interval);
        }
        this.specs = List.copyOf(specs);
        this.mongo = Map.copyOf(mongo);
        this.postgres = Map.copyOf(postgres);
        this.state = state;
        this.pool = pool;
        this.reports = new DriftReports(pool);
        this.figures = figures;
        this.interval = interval;
        this.options = options;
        this.clock = clock;
        this.sleeper = sleeper;
        for (CollectionSpec spec : specs) {
            failures.put(spec.name(), Metric.RECONCILE_FAILURES.counter(spec.name()).register(meters));
        }
    }

    /** Tries a round every interval, the first soon after start, until closed. */
    public void start() {
        long first = Math.min(interval.toMillis(), FIRST_ROUND_AT_MOST.toMillis());
        scheduler.scheduleWithFixedDelay(this::runQuietly, first, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            Outcome outcome = runOnce();
            LOG.debug("Reconcile round: {}", outcome);
        } catch (RuntimeException e) {
            LOG.warn("Reconcile round did not run, will try again in {}: {}", interval, e.toString());
        }
    }

    /**
     * One round, unless another replica is running one or ran one recently.
     *
     * @throws PostgresStoreException when the lock or the stored results cannot be reached;
     *         a store failing while one collection is compared only fails that collection
     */
    public Outcome runOnce() {
        try (Connection connection = pool.getConnection()) {
            if (!lock(connection)) {
                return Outcome.BUSY;
            }
            try {
                Optional<Instant> last = reports.latest(DriftReports.Source.RECONCILER);
                if (last.isPresent() && last.get().isAfter(clock.instant().minus(interval.dividedBy(2)))) {
                    return Outcome.RECENT;
                }
                round();
                return Outcome.RAN;
            } finally {
                unlock(connection);
            }
        } catch (SQLException e) {
            throw new PostgresStoreException("drift_reports", "reconcile lock", e);
        }
    }

    private void round() {
        MigrationState now = state.get();
        List<String> leftBoth = new ArrayList<>();
        for (CollectionSpec spec : specs) {
            Stage stage = now.stageOf(spec.name(), spec.phase());
            if (stage.secondary().isEmpty()) {
                leftBoth.add(spec.name());
                continue;
            }
            try {
                CollectionReport report = new StoreComparison(mongo.get(spec.name()), postgres.get(spec.name()),
                        options, clock, sleeper).run(finding -> { });
                reports.record(DriftReports.Source.RECONCILER, report, clock.instant());
                if (!report.agrees()) {
                    LOG.warn("Reconcile of {} found the stores differ: {} missing in postgres, {} missing in mongo, "
                            + "{} differing (first ids {}). Fix: run 'cutover verify --tables {}' for the differences, "
                            + "'--repair' to copy them from the source of truth", spec.name(),
                            report.count(Drift.MISSING_IN_POSTGRES), report.count(Drift.MISSING_IN_MONGO),
                            report.count(Drift.DIFFERS), report.sampleIds(), spec.name());
                }
            } catch (RuntimeException e) {
                failures.get(spec.name()).increment();
                LOG.warn("Reconcile of {} failed, will try again next round: {}", spec.name(), e.getMessage());
            }
        }
        // A collection no longer in both stores is no longer reconciled: its old figures would mislead.
        reports.forget(DriftReports.Source.RECONCILER, leftBoth);
        figures.refresh();
    }

    private static boolean lock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")");
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getBoolean(1);
        }
    }

    private static void unlock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(" + LOCK_KEY + ")")) {
            statement.execute();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
