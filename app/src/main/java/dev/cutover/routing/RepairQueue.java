package dev.cutover.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The ids whose copy in the secondary store may be behind: a secondary write failed or was
 * skipped. Kept durably in the source-of-truth store (the one that was written), so a replica
 * that dies loses nothing. A worker drains it by copying the current source-of-truth state of
 * each id.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>{@link #add} is idempotent per (collection, id): one entry however often it is added,
 *       keeping the first enqueue time; adding a leased entry makes it due again once its lease
 *       ends.</li>
 *   <li>{@link #claim} hands each due entry to one caller at a time, across replicas, for the
 *       lease; an entry not finished within its lease is due again.</li>
 *   <li>{@link #done} removes the entry unless it was added again after it was claimed (then it
 *       stays, due now), so a write racing the repair is never forgotten.</li>
 * </ul>
 */
public interface RepairQueue {

    /** Records that this id's copy may be behind, with a short reason (for metrics and the admin API). */
    void add(String collection, String id, String reason);

    /** Up to {@code max} due entries, leased to the caller for {@code lease}, oldest first. */
    List<RepairTask> claim(int max, Duration lease);

    /** The entry was repaired. */
    void done(RepairTask task);

    /** The repair failed; try again no sooner than {@code delay}. */
    void retryLater(RepairTask task, Duration delay, String error);

    /** How many entries there are, due or not. */
    long depth();

    /** How many entries one collection has, due or not. */
    long depth(String collection);

    /** When the oldest entry was first added. */
    Optional<Instant> oldest();

    /**
     * One entry, as claimed.
     *
     * @param claimToken identifies this claim, so {@link #done} can tell whether the entry was
     *                   added again since
     */
    record RepairTask(String collection, String id, String reason, int attempts, Instant enqueuedAt,
            String claimToken) {
    }
}
