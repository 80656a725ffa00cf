package dev.cutover.state;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.collections.Collections;
import dev.cutover.config.Settings;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentException;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.FlagState;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Phase;
import dev.cutover.flags.Stage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration state every replica obeys: the flags, the active phase and the pins, kept in
 * PostgreSQL and held here in memory, so that asking for a collection's stage costs no round trip.
 *
 * <p>Contract:
 * <ul>
 *   <li><b>Stored state wins.</b> At start, every value without a stored row (a flag, the active
 *       phase) is stored from the environment ({@code USE_POSTGRES}, {@code READ_POSTGRES},
 *       {@code MIGRATION_PHASE}) with an audit row, once, however many replicas boot at once.
 *       After that the environment is not read again.</li>
 *   <li><b>Every change is validated, written and audited atomically.</b> A change locks the
 *       global revision, reads the stored state, refuses ({@link ChangeRefusedException}) a
 *       result {@link MigrationState#problem} objects to, and otherwise writes the row, its
 *       {@code flag_audit} row and the next revision in one transaction. Two operators changing
 *       things at once run one after the other, each validated against the other's result.</li>
 *   <li><b>Every replica follows within a poll interval.</b> A daemon thread reads the global
 *       revision every {@code cutover.flags.poll-interval} (250 ms) and, when it moved, reloads
 *       the whole state and swaps it in. The replica that made a change swaps it in at once.</li>
 *   <li><b>An unreadable store freezes, never resets.</b> While the store cannot be read, the
 *       replica keeps the last state it read and reports it stale ({@link #freshness()}), logging
 *       once when the outage starts and once when it ends.</li>
 * </ul>
 */
@Context
@Singleton
public final class MigrationStateStore {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationStateStore.class);

    /** The actor and reason of the values stored from the environment at first boot. */
    static final String ENVIRONMENT_ACTOR = "environment";
    static final String FIRST_BOOT_REASON = "default at first boot";

    /** Every collection's phase: what a state is validated against. */
    private static final Map<String, Phase> PHASES = Collections.ALL.stream()
            .collect(Collectors.toUnmodifiableMap(CollectionSpec::name, CollectionSpec::phase));

    private final PostgresStateStorage storage;
    private final MigrationState defaults;
    private final Clock clock;
    private final Duration pollInterval;
    private final AtomicReference<StateSnapshot> snapshot = new AtomicReference<>();
    private final AtomicReference<Check> lastCheck = new AtomicReference<>();
    private final ScheduledExecutorService poller;
    // Looked up at each change, not at construction: the guards' own beans depend on this store.
    private final io.micronaut.context.BeanProvider<ChangeGuard> guards;

    /** The outcome of the latest check against the store. */
    private record Check(Instant checkedAt, Optional<Instant> staleSince, Optional<String> error) {
    }

    @Inject
    MigrationStateStore(DataSource dataSource, Settings settings, Clock clock, MeterRegistry meters,
            @Value("${cutover.flags.poll-interval:250ms}") Duration pollInterval,
            io.micronaut.context.BeanProvider<ChangeGuard> guards) {
        this.guards = guards;
        this.storage = new PostgresStateStorage(DelegatingDataSource.unwrapDataSource(dataSource));
        this.defaults = defaultsOf(settings);
        this.clock = clock;
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new CutoverException(ExitCode.CONFIGURATION,
                    "cutover.flags.poll-interval must be positive, but was " + pollInterval);
        }
        this.pollInterval = pollInterval;
        this.snapshot.set(seedAndLoad());
        this.lastCheck.set(new Check(clock.instant(), Optional.empty(), Optional.empty()));
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "flag-state-poll");
            thread.setDaemon(true);
            return thread;
        });
        StateMetrics.bind(meters, this, clock);
    }

    /** The state the environment gives, used only for values that have never been stored. */
    static MigrationState defaultsOf(Settings settings) {
        return new MigrationState(FlagState.ALL_OFF
                .with(CutoverFeature.USE_POSTGRES, settings.usePostgres())
                .with(CutoverFeature.READ_POSTGRES, settings.readPostgres()),
                settings.migrationPhase(), Map.of());
    }

    /**
     * The state stored in {@code pool}, read once without seeding it; the environment's values
     * where none is stored. For one-shot commands that obey the state but do not serve.
     */
    public static MigrationState read(DataSource pool, Settings settings) {
        return new PostgresStateStorage(pool).read(PostgresStateStorage.Transaction::rows)
                .orDefaults(defaultsOf(settings));
    }

    @PostConstruct
    void start() {
        long millis = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        poller.shutdownNow();
    }

    /** The state this replica obeys now. */
    public MigrationState current() {
        return snapshot.get().state();
    }

    /** The state this replica obeys now, with its revision. */
    public StateSnapshot snapshot() {
        return snapshot.get();
    }

    /** The stage a collection is at now. */
    public Stage stageOf(CollectionSpec spec) {
        return current().stageOf(spec.name(), spec.phase());
    }

    /** How current this replica's state is: its revision, when it was last confirmed, whether it is stale. */
    public Freshness freshness() {
        Check check = lastCheck.get();
        return new Freshness(snapshot.get().revision(), check.checkedAt(), check.staleSince(), check.error());
    }

    /** The environment's values, which seeded the store at its first boot. */
    public MigrationState environmentDefaults() {
        return defaults;
    }

    /**
     * Turns a flag on or off.
     *
     * @throws DocumentException.Invalid when {@code reason} is blank
     * @throws ChangeRefusedException    when the resulting state is refused; nothing is written
     * @throws StateStoreException       when the store fails; nothing is written
     */
    public ChangeResult setFlag(CutoverFeature feature, boolean on, String actor, String reason) {
        return apply(new Change.SetFlag(feature, on), actor, reason);
    }

    /** Sets the active phase; see {@link #setFlag} for the failures. */
    public ChangeResult setActivePhase(Phase phase, String actor, String reason) {
        return apply(new Change.SetActivePhase(phase), actor, reason);
    }

    /**
     * Pins a collection at most at {@code stage}, or removes its pin when {@code stage} is empty; see
     * {@link #setFlag} for the failures.
     */
    public ChangeResult pin(String collection, Optional<Stage> stage, String actor, String reason) {
        return apply(new Change.Pin(collection, stage), actor, reason);
    }

    /** The newest {@code limit} rows of the audit trail, newest first. */
    public List<AuditEntry> audit(int limit) {
        return storage.audit(limit);
    }

    private ChangeResult apply(Change change, String actor, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new DocumentException.Invalid("reason", "is required: say why, for the audit trail");
        }
        ChangeResult result = storage.write("change " + change.subject(), transaction -> {
            long revision = transaction.lockRevision();
            MigrationState before = transaction.rows().orDefaults(defaults);
            MigrationState after = change.applyTo(before);
            if (after.equals(before)) {
                return new ChangeResult(new StateSnapshot(before, revision), false);
            }
            Optional<String> problem = after.problem(PHASES).or(() -> guards.stream()
                    .map(guard -> guard.problem(before, after)).flatMap(Optional::stream).findFirst());
            if (problem.isPresent()) {
                throw new ChangeRefusedException(change.subject(), problem.get());
            }
            long next = revision + 1;
            change.write(transaction, after, next);
            transaction.audit(actor, change.subject(), Optional.of(change.valueIn(before)), change.valueIn(after),
                    reason.strip());
            transaction.setRevision(next);
            return new ChangeResult(new StateSnapshot(after, next), true);
        });
        if (result.changed()) {
            LOG.info("{} set {} to {} (revision {}): {}", actor, change.subject(),
                    change.valueIn(result.snapshot().state()), result.snapshot().revision(), reason.strip());
        }
        swapIn(result.snapshot(), false);
        return result;
    }

    /**
     * Stores from the environment every value that has no row yet (each with an audit row, the
     * revision bumped once), under the revision lock so that replicas booting together store each
     * value once, and returns the whole state.
     */
    private StateSnapshot seedAndLoad() {
        ChangeResult boot = storage.write("read the flag state at start", transaction -> {
            long revision = transaction.lockRevision();
            PostgresStateStorage.StoredRows rows = transaction.rows();
            MigrationState state = rows.orDefaults(defaults);
            Optional<String> problem = state.problem(PHASES);
            if (problem.isPresent()) {
                throw new CutoverException(ExitCode.CONFIGURATION, "the flag state is refused: " + problem.get()
                        + ". Fix: if this is the first boot on this database, correct USE_POSTGRES, READ_POSTGRES "
                        + "and MIGRATION_PHASE; otherwise the stored state wins over them, so correct the rows of "
                        + "flag_state and migration_setting (see docs/admin.md)");
            }
            long next = revision + 1;
            boolean seeded = false;
            for (CutoverFeature feature : CutoverFeature.values()) {
                boolean on = state.flags().isOn(feature);
                if (!rows.flags().containsKey(feature) && transaction.seedFlag(feature, on)) {
                    transaction.audit(ENVIRONMENT_ACTOR, feature.name(), Optional.empty(), Boolean.toString(on),
                            FIRST_BOOT_REASON);
                    seeded = true;
                }
            }
            String phase = state.activePhase().toString();
            if (rows.activePhase().isEmpty()
                    && transaction.seedSetting(PostgresStateStorage.ACTIVE_PHASE, phase, next)) {
                transaction.audit(ENVIRONMENT_ACTOR, PostgresStateStorage.ACTIVE_PHASE, Optional.empty(), phase,
                        FIRST_BOOT_REASON);
                seeded = true;
            }
            if (!seeded) {
                return new ChangeResult(new StateSnapshot(state, revision), false);
            }
            transaction.setRevision(next);
            return new ChangeResult(new StateSnapshot(state, next), true);
        });
        if (boot.changed()) {
            LOG.info("Stored the environment's flag defaults at first boot (revision {}); from now on the stored "
                    + "state wins over USE_POSTGRES, READ_POSTGRES and MIGRATION_PHASE", boot.snapshot().revision());
        }
        return boot.snapshot();
    }

    /** One check: the revision, and the whole state when the revision moved. */
    private void poll() {
        try {
            long stored = storage.revision();
            long known = snapshot.get().revision();
            if (stored != known) {
                StateSnapshot loaded = load();
                // A revision below the one held means the store was restored from a backup: obey it.
                swapIn(loaded, stored < known);
            }
            checked();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private StateSnapshot load() {
        StateSnapshot loaded = storage.read(transaction -> new StateSnapshot(
                transaction.rows().orDefaults(defaults), transaction.revision()));
        Optional<String> problem = loaded.state().problem(PHASES);
        if (problem.isPresent()) {
            throw new StateStoreException("the stored flag state at revision " + loaded.revision()
                    + " is refused: " + problem.get() + ". Fix: correct the rows of flag_state and migration_setting "
                    + "(see docs/admin.md); every replica keeps its last valid state meanwhile");
        }
        return loaded;
    }

    /**
     * Makes {@code loaded} the state obeyed, unless a newer one already is (a change made here can
     * land while a reload of an older revision is under way); {@code rewound} obeys it regardless.
     */
    private void swapIn(StateSnapshot loaded, boolean rewound) {
        snapshot.updateAndGet(held -> rewound || loaded.revision() > held.revision() ? loaded : held);
    }

    private void checked() {
        Check previous = lastCheck.getAndSet(new Check(clock.instant(), Optional.empty(), Optional.empty()));
        previous.staleSince().ifPresent(since -> LOG.info(
                "Flag state store readable again after {} s; obeying revision {}",
                Duration.between(since, clock.instant()).toSeconds(), snapshot.get().revision()));
    }

    private void failed(RuntimeException error) {
        Instant now = clock.instant();
        String why = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        Check previous = lastCheck.getAndUpdate(check -> new Check(check.checkedAt(),
                Optional.of(check.staleSince().orElse(now)), Optional.of(why)));
        if (previous.staleSince().isEmpty()) {
            LOG.warn("Flag state is stale: {}. This replica keeps obeying revision {}, last confirmed at {}, until "
                    + "the store answers again", why, snapshot.get().revision(), previous.checkedAt());
        }
    }
}
