package dev.cutover.backfill;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a backfill runs.
 *
 * @param dryRun           read and compare everything, write nothing to either store
 * @param batchSize        documents per PostgreSQL transaction (fewer when they are large)
 * @param parallel         collections copied at once
 * @param start            what to do with an earlier run's progress
 * @param rejects          the file listing the documents that could not be stored
 * @param progress         how progress is shown
 * @param progressInterval how often progress is shown
 */
public record BackfillOptions(boolean dryRun, int batchSize, int parallel, Start start, Path rejects,
        ProgressStyle progress, Duration progressInterval) {

    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final int MAX_BATCH_SIZE = 50_000;
    public static final int DEFAULT_PARALLEL = 4;
    public static final int MAX_PARALLEL = 16;
    public static final String DEFAULT_REJECTS = "backfill-rejects.jsonl";
    /** Most bytes of MongoDB documents one batch holds, whatever the batch size. */
    static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;

    /** What happens to an earlier run's progress. */
    public enum Start {
        /** Start from the beginning, unless an earlier run is unfinished: then refuse and say why. */
        NEW,
        /** Continue an unfinished run from its last committed batch; start from the beginning if none. */
        RESUME,
        /** Forget any earlier run and start from the beginning. */
        RESTART
    }

    /** How progress is shown. */
    public enum ProgressStyle {
        /** A bar per collection redrawn in place: for terminals. */
        BARS,
        /** Plain lines now and then: for logs and pipes. */
        LINES,
        /** Only the summary. */
        NONE
    }

    public BackfillOptions {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("--batch-size must be between 1 and " + MAX_BATCH_SIZE + ", but was "
                    + batchSize);
        }
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new IllegalArgumentException("--parallel must be between 1 and " + MAX_PARALLEL + ", but was "
                    + parallel);
        }
        if (dryRun && start != Start.NEW) {
            throw new IllegalArgumentException("--dry-run reads everything from the start and keeps no progress: "
                    + "drop --" + start.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
