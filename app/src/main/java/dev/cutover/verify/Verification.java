package dev.cutover.verify;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.postgres.PostgresStoreException;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import dev.cutover.routing.DocumentCopier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code cutover verify} does: compares the chosen collections one after the other and, when
 * asked to repair, copies every drifting id from the collection's source of truth as soon as it is
 * confirmed (the way the repair worker copies: {@link DocumentCopier}), then compares the
 * collections that drifted once more.
 */
public final class Verification {

    private static final Logger LOG = LoggerFactory.getLogger(Verification.class);

    /**
     * What was done to one collection.
     *
     * @param stage  its stage when verify started
     * @param first  the first comparison
     * @param repair what the repair did, when asked for and the collection drifted
     * @param after  the comparison after the repair, when there was one
     */
    public record CollectionResult(CollectionSpec spec, Stage stage, CollectionReport first, Optional<Repair> repair,
            Optional<CollectionReport> after) {

        /** The comparison that says how the stores stand now. */
        public CollectionReport latest() {
            return after.orElse(first);
        }
    }

    /**
     * One collection's repair.
     *
     * @param from      the source of truth copied from
     * @param repaired  ids written or deleted in the other store
     * @param unchanged ids that needed nothing by the time they were copied
     * @param failed    ids whose copy failed (the log names them)
     * @param skipped   why nothing was copied, if nothing was
     */
    public record Repair(Store from, long repaired, long unchanged, long failed, Optional<String> skipped) {
    }

    /** Every collection's result, in the order compared. */
    public record Result(List<CollectionResult> collections, Duration elapsed) {

        public Result {
            collections = List.copyOf(collections);
        }

        /** Whether the stores agree on every collection, after the repair if there was one. */
        public boolean agrees() {
            return collections.stream().allMatch(result -> result.latest().agrees());
        }
    }

    private final Function<CollectionSpec, DocumentRepository> mongo;
    private final Function<CollectionSpec, DocumentRepository> postgres;
    private final StoreComparison.Options options;
    private final Clock clock;
    private final Sleeper sleeper;

    public Verification(Function<CollectionSpec, DocumentRepository> mongo,
            Function<CollectionSpec, DocumentRepository> postgres, StoreComparison.Options options, Clock clock,
            Sleeper sleeper) {
        this.mongo = mongo;
        this.postgres = postgres;
        this.options = options;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Compares, and repairs if {@code repair}, each collection at its stage in {@code state}.
     *
     * @throws CutoverException with the exit code of the store that failed
     */
    public Result run(List<CollectionSpec> specs, MigrationState state, boolean repair) {
        long started = System.nanoTime();
        List<CollectionResult> results = new ArrayList<>();
        for (CollectionSpec spec : specs) {
            Stage stage = state.stageOf(spec.name(), spec.phase());
            DocumentRepository onMongo = mongo.apply(spec);
            DocumentRepository onPostgres = postgres.apply(spec);
            Store truth = stage.primary();
            Optional<String> skipped = repair ? whyNotRepaired(stage) : Optional.empty();
            Copier copier = repair && skipped.isEmpty()
                    ? new Copier(truth == Store.MONGO ? onMongo : onPostgres, truth == Store.MONGO ? onPostgres : onMongo)
                    : null;
            CollectionReport first = compare(spec, onMongo, onPostgres, copier == null ? finding -> { } : copier);
            Optional<Repair> repaired = Optional.empty();
            Optional<CollectionReport> after = Optional.empty();
            if (repair && !first.agrees()) {
                repaired = Optional.of(copier == null ? new Repair(truth, 0, 0, 0, skipped)
                        : new Repair(truth, copier.repaired.get(), copier.unchanged.get(), copier.failed.get(),
                                Optional.empty()));
                if (copier != null) {
                    after = Optional.of(compare(spec, onMongo, onPostgres, finding -> { }));
                }
            }
            results.add(new CollectionResult(spec, stage, first, repaired, after));
        }
        return new Result(results, Duration.ofNanos(System.nanoTime() - started));
    }

    private static Optional<String> whyNotRepaired(Stage stage) {
        return stage == Stage.POSTGRES_ONLY
                ? Optional.of("at POSTGRES_ONLY MongoDB is switched off, so nothing is copied into it")
                : Optional.empty();
    }

    private CollectionReport compare(CollectionSpec spec, DocumentRepository onMongo, DocumentRepository onPostgres,
            Consumer<Finding> confirmed) {
        try {
            return new StoreComparison(onMongo, onPostgres, options, clock, sleeper).run(confirmed);
        } catch (PostgresStoreException e) {
            throw new CutoverException(ExitCode.POSTGRES, "PostgreSQL failed while verifying " + spec.name() + ": "
                    + e.getMessage() + ". Fix: check that PostgreSQL is up and reachable (LOG_LEVEL=debug shows "
                    + "more), then run verify again.", e);
        }
    }

    /** Copies confirmed ids from the source of truth, counting what it did; one failure never stops the rest. */
    private static final class Copier implements Consumer<Finding> {

        private final DocumentRepository truth;
        private final DocumentRepository copy;
        private final AtomicLong repaired = new AtomicLong();
        private final AtomicLong unchanged = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();

        Copier(DocumentRepository truth, DocumentRepository copy) {
            this.truth = truth;
            this.copy = copy;
        }

        @Override
        public void accept(Finding finding) {
            try {
                DocumentCopier.Outcome outcome = DocumentCopier.copy(truth, copy, finding.id());
                (outcome == DocumentCopier.Outcome.REPAIRED ? repaired : unchanged).incrementAndGet();
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                LOG.warn("Repair of {} id {} from {} failed: {}", truth.spec().name(), finding.id(),
                        truth.storeName(), e.getMessage());
            }
        }
    }
}
