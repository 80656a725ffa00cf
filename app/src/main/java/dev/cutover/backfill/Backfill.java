package dev.cutover.backfill;

import com.mongodb.client.MongoDatabase;
import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.document.CollectionSpec;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * {@code cutover backfill}: copies what MongoDB holds into PostgreSQL, several collections at
 * once, each resumable from its last committed batch. Safe to run again and while the service
 * dual-writes: a copy never overwrites a newer row or undoes a later delete, and one bad document
 * is listed in the rejects file instead of stopping its batch.
 */
public final class Backfill {

    /** What became of one collection. */
    public record CollectionResult(String collection, Counts counts, double seconds, String note) {
    }

    /** What the whole run did; {@code rejectsFile} is empty when nothing was rejected. */
    public record Result(List<CollectionResult> collections, Optional<java.nio.file.Path> rejectsFile) {

        public Counts total() {
            return collections.stream().map(CollectionResult::counts).reduce(Counts.ZERO, Counts::plus);
        }
    }

    private final MongoDatabase mongo;
    private final DataSource postgres;
    private final BackfillOptions options;
    private final Clock clock;
    private final PrintWriter out;
    private final BackfillMeters meters;

    /** A run whose progress only {@code out} shows, as the {@code cutover backfill} command's. */
    public Backfill(MongoDatabase mongo, DataSource postgres, BackfillOptions options, Clock clock, PrintWriter out) {
        this(mongo, postgres, options, clock, out, BackfillMeters.unread());
    }

    /** A run inside the service, whose progress {@code meters} also export. */
    public Backfill(MongoDatabase mongo, DataSource postgres, BackfillOptions options, Clock clock, PrintWriter out,
            BackfillMeters meters) {
        this.meters = meters;
        this.mongo = mongo;
        this.postgres = postgres;
        this.options = options;
        this.clock = clock;
        this.out = out;
    }

    /**
     * Copies {@code collections}, skipping those whose source of truth is already PostgreSQL
     * under {@code state}.
     *
     * @throws CutoverException when an earlier run is unfinished and neither resuming nor
     *                          restarting was asked for, or a store fails
     */
    public Result run(List<CollectionSpec> collections, MigrationState state) {
        Map<CollectionSpec, String> skipped = new LinkedHashMap<>();
        List<CollectionSpec> copied = new ArrayList<>();
        for (CollectionSpec spec : collections) {
            Stage stage = state.stageOf(spec.name(), spec.phase());
            if (stage.primary() == Store.POSTGRES) {
                skipped.put(spec, "skipped: at " + stage + ", PostgreSQL is the source of truth");
            } else {
                copied.add(spec);
                if (stage == Stage.MONGO_ONLY && !options.dryRun()) {
                    out.println("Warning: " + spec.name() + " is at MONGO_ONLY, so writes made after its copy will not "
                            + "reach PostgreSQL. Turn USE_POSTGRES on (see docs/cutover.md) before relying on the copy, "
                            + "or run backfill again after.");
                }
            }
        }
        Map<CollectionSpec, MongoSource.Position> starts = starts(copied);
        Map<CollectionSpec, ProgressBoard.Tracker> trackers = new LinkedHashMap<>();
        copied.forEach(spec -> trackers.put(spec, new ProgressBoard.Tracker(spec.name(), meters)));
        ProgressBoard board = new ProgressBoard(new ArrayList<>(trackers.values()), options.progress(), out,
                options.dryRun());
        RejectsFile dryRunRejects = options.dryRun() ? RejectsFile.open(options.rejects()) : null;

        ExecutorService workers = Executors.newFixedThreadPool(options.parallel(), runnable -> {
            Thread thread = new Thread(runnable, "backfill");
            thread.setDaemon(true);
            return thread;
        });
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "backfill-progress");
            thread.setDaemon(true);
            return thread;
        });
        long interval = options.progressInterval().toMillis();
        ticker.scheduleAtFixedRate(board::show, 0, interval, TimeUnit.MILLISECONDS);
        Map<CollectionSpec, Future<CollectionResult>> running = new LinkedHashMap<>();
        try {
            for (CollectionSpec spec : copied) {
                running.put(spec, workers.submit(() -> copy(spec, starts.get(spec), trackers.get(spec), board,
                        dryRunRejects)));
            }
            List<CollectionResult> results = new ArrayList<>();
            for (CollectionSpec spec : collections) {
                if (skipped.containsKey(spec)) {
                    results.add(new CollectionResult(spec.name(), Counts.ZERO, 0, skipped.get(spec)));
                } else {
                    results.add(await(running.get(spec)));
                }
            }
            ticker.shutdownNow();
            board.show();
            Optional<java.nio.file.Path> rejects = writeRejects(copied, dryRunRejects, results);
            return new Result(results, rejects);
        } finally {
            ticker.shutdownNow();
            workers.shutdownNow();
            if (dryRunRejects != null) {
                dryRunRejects.close();
            }
        }
    }

    private CollectionResult copy(CollectionSpec spec, MongoSource.Position from, ProgressBoard.Tracker tracker,
            ProgressBoard board, RejectsFile dryRunRejects) throws SQLException {
        long started = System.nanoTime();
        Counts before = options.dryRun() ? Counts.ZERO : progress(spec).map(Checkpoints.Progress::counts)
                .orElse(Counts.ZERO);
        tracker.start(mongo.getCollection(spec.name()).estimatedDocumentCount(), before.seen());
        Counts counts = before.plus(new CollectionBackfill(spec, mongo, postgres, options, clock,
                dryRunRejects == null ? reject -> { } : dryRunRejects::add).run(from, tracker));
        if (!options.dryRun()) {
            try (Connection connection = postgres.getConnection()) {
                Checkpoints.finish(connection, spec.name(), clock.instant());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        tracker.end("done");
        board.ended(tracker, counts, seconds);
        return new CollectionResult(spec.name(), counts, seconds, "");
    }

    /** Where each collection starts, per {@link BackfillOptions#start()}; records the new runs. */
    private Map<CollectionSpec, MongoSource.Position> starts(List<CollectionSpec> collections) {
        Map<CollectionSpec, MongoSource.Position> starts = new LinkedHashMap<>();
        if (options.dryRun()) {
            collections.forEach(spec -> starts.put(spec, MongoSource.Position.START));
            return starts;
        }
        List<String> unfinished = new ArrayList<>();
        for (CollectionSpec spec : collections) {
            Optional<Checkpoints.Progress> progress = progress(spec);
            boolean open = progress.isPresent() && !progress.get().finished();
            if (open && options.start() == BackfillOptions.Start.NEW) {
                unfinished.add(String.format(Locale.ROOT, "%s (%,d documents done)", spec.name(),
                        progress.get().counts().seen()));
            } else if (open && options.start() == BackfillOptions.Start.RESUME) {
                starts.put(spec, progress.get().position());
            } else {
                starts.put(spec, MongoSource.Position.START);
            }
        }
        if (!unfinished.isEmpty()) {
            throw new CutoverException(ExitCode.USAGE, "an earlier backfill stopped before finishing "
                    + String.join(", ", unfinished) + ". Fix: run 'cutover backfill --resume' to continue from its "
                    + "last committed batch, or 'cutover backfill --restart' to start over");
        }
        try (Connection connection = postgres.getConnection()) {
            for (Map.Entry<CollectionSpec, MongoSource.Position> start : starts.entrySet()) {
                if (start.getValue() == MongoSource.Position.START) {
                    Checkpoints.start(connection, start.getKey().name(), clock.instant());
                }
            }
        } catch (SQLException e) {
            throw postgresFailure(e);
        }
        return starts;
    }

    private Optional<Checkpoints.Progress> progress(CollectionSpec spec) {
        try (Connection connection = postgres.getConnection()) {
            return Checkpoints.load(connection, spec.name());
        } catch (SQLException e) {
            throw postgresFailure(e);
        }
    }

    private Optional<java.nio.file.Path> writeRejects(List<CollectionSpec> copied, RejectsFile dryRunRejects,
            List<CollectionResult> results) {
        long rejected = results.stream().mapToLong(result -> result.counts().rejected()).sum();
        if (rejected == 0) {
            return Optional.empty();
        }
        if (dryRunRejects != null) {
            return Optional.of(options.rejects());
        }
        try (RejectsFile file = RejectsFile.open(options.rejects());
                Connection connection = postgres.getConnection()) {
            connection.setAutoCommit(false);
            Checkpoints.rejects(connection, copied.stream().map(CollectionSpec::name).toList(), file::add);
            connection.commit();
        } catch (SQLException e) {
            throw postgresFailure(e);
        }
        return Optional.of(options.rejects());
    }

    private static CollectionResult await(Future<CollectionResult> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ExitCode.INTERNAL, "backfill was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CutoverException failure) {
                throw failure;
            }
            if (e.getCause() instanceof SQLException sql) {
                throw postgresFailure(sql);
            }
            throw new CutoverException(ExitCode.INTERNAL, "backfill failed: " + e.getCause(), e.getCause());
        }
    }

    private static CutoverException postgresFailure(SQLException e) {
        return new CutoverException(ExitCode.POSTGRES, "backfill could not read or record its progress: PostgreSQL "
                + "said: " + e.getMessage() + ". Fix: check PostgreSQL, then run 'cutover backfill --resume'", e);
    }

    /** The summary table printed at the end of a run. */
    public static void printSummary(PrintWriter out, Result result, boolean dryRun) {
        int width = Math.max(10, result.collections().stream().mapToInt(c -> c.collection().length()).max().orElse(10));
        String row = "%-" + width + "s %12s %12s %12s %12s %10s %9s  %s%n";
        out.println();
        out.println(String.format(Locale.ROOT, row, "collection", "seen", dryRun ? "would insert" : "inserted",
                dryRun ? "would update" : "updated", "unchanged", "rejected", "seconds", "").stripTrailing());
        for (CollectionResult collection : result.collections()) {
            print(out, row, collection.collection(), collection.counts(), collection.seconds(), collection.note());
        }
        double seconds = result.collections().stream().mapToDouble(CollectionResult::seconds).max().orElse(0);
        print(out, row, "total", result.total(), seconds, "");
        result.rejectsFile().ifPresent(file -> out.printf(Locale.ROOT,
                "%,d document(s) could not be stored; each is listed with its reason in %s%n",
                result.total().rejected(), file));
        if (dryRun) {
            out.println("Dry run: nothing was written to either store.");
        }
        out.flush();
    }

    private static void print(PrintWriter out, String row, String name, Counts counts, double seconds, String note) {
        out.println(String.format(Locale.ROOT, row, name, String.format(Locale.ROOT, "%,d", counts.seen()),
                String.format(Locale.ROOT, "%,d", counts.inserted()), String.format(Locale.ROOT, "%,d", counts.updated()),
                String.format(Locale.ROOT, "%,d", counts.unchanged()), String.format(Locale.ROOT, "%,d", counts.rejected()),
                String.format(Locale.ROOT, "%.1f", seconds), note).stripTrailing());
    }

    /** Reports an I/O failure of the rejects file. */
    static CutoverException rejectsFailure(java.nio.file.Path file, IOException e) {
        return new CutoverException(ExitCode.CONFIGURATION, "cannot write the rejects file " + file + ": "
                + e.getMessage() + ". Fix: choose a writable path with --rejects", e);
    }
}
