package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.MutableClock;
import dev.cutover.TestStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link RepairQueue}, run against each store by a subclass, including the lease
 * cases only a store with leases and generations can get wrong.
 */
public abstract class RepairQueueContract {

    private static final Duration LEASE = Duration.ofSeconds(30);

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    /** An empty queue on a real store, using {@link #clock}. */
    protected abstract RepairQueue queue();

    private static String collection() {
        return TestStores.uniqueName("c");
    }

    @Test
    void shouldKeepOneEntryPerIdAndItsFirstEnqueueTime() {
        RepairQueue queue = queue();
        String collection = collection();

        queue.add(collection, "a1", "timeout");
        clock.advance(Duration.ofSeconds(5));
        queue.add(collection, "a1", "breaker-open");

        assertEquals(1, queue.depth());
        assertEquals(Optional.of(Instant.parse("2026-11-22T10:00:00Z")), queue.oldest());
        List<RepairQueue.RepairTask> claimed = queue.claim(10, LEASE);
        assertEquals(1, claimed.size());
        assertEquals("a1", claimed.get(0).id());
        assertEquals(collection, claimed.get(0).collection());
    }

    @Test
    void shouldHandAClaimedEntryToNobodyElseUntilItsLeaseEnds() {
        RepairQueue queue = queue();
        queue.add(collection(), "b1", "timeout");

        List<RepairQueue.RepairTask> first = queue.claim(10, LEASE);
        List<RepairQueue.RepairTask> whileLeased = queue.claim(10, LEASE);
        clock.advance(LEASE.plusSeconds(1));
        List<RepairQueue.RepairTask> afterLease = queue.claim(10, LEASE);

        assertEquals(1, first.size());
        assertEquals(List.of(), whileLeased);
        assertEquals(1, afterLease.size());
    }

    @Test
    void shouldRemoveARepairedEntry() {
        RepairQueue queue = queue();
        queue.add(collection(), "c1", "timeout");
        RepairQueue.RepairTask task = queue.claim(10, LEASE).get(0);

        queue.done(task);

        assertEquals(0, queue.depth());
        assertEquals(Optional.empty(), queue.oldest());
    }

    @Test
    void shouldKeepAnEntryAddedAgainWhileItWasBeingRepaired() {
        RepairQueue queue = queue();
        String collection = collection();
        queue.add(collection, "d1", "timeout");
        RepairQueue.RepairTask task = queue.claim(10, LEASE).get(0);

        queue.add(collection, "d1", "timeout");
        queue.done(task);
        List<RepairQueue.RepairTask> again = queue.claim(10, LEASE);

        assertEquals(1, queue.depth());
        assertEquals(1, again.size());
        assertEquals("d1", again.get(0).id());
    }

    @Test
    void shouldWaitBeforeRetryingAFailedRepairAndCountTheAttempt() {
        RepairQueue queue = queue();
        queue.add(collection(), "e1", "timeout");
        RepairQueue.RepairTask task = queue.claim(10, LEASE).get(0);

        queue.retryLater(task, Duration.ofSeconds(10), "postgres unreachable");
        List<RepairQueue.RepairTask> tooSoon = queue.claim(10, LEASE);
        clock.advance(Duration.ofSeconds(11));
        List<RepairQueue.RepairTask> later = queue.claim(10, LEASE);

        assertEquals(List.of(), tooSoon);
        assertEquals(1, later.size());
        assertEquals(task.attempts() + 1, later.get(0).attempts());
    }

    @Test
    void shouldHandEachEntryToExactlyOneOfManyConcurrentWorkers() throws Exception {
        RepairQueue queue = queue();
        String collection = collection();
        Set<String> added = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            queue.add(collection, "f" + i, "timeout");
            added.add("f" + i);
        }
        ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                runs.add(workers.submit(() -> {
                    List<RepairQueue.RepairTask> batch;
                    while (!(batch = queue.claim(7, LEASE)).isEmpty()) {
                        batch.forEach(task -> claimed.add(task.id()));
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            workers.shutdownNow();
        }

        assertEquals(60, claimed.size());
        assertTrue(new HashSet<>(claimed).equals(added));
    }

    @Test
    void shouldMakeAnEntryAddedDuringItsLeaseDueWhenTheLeaseEnds() {
        RepairQueue queue = queue();
        queue.add("prompts", "p1", "timeout");
        queue.claim(10, LEASE);

        clock.advance(Duration.ofSeconds(10));
        queue.add("prompts", "p1", "circuit-open");
        List<RepairQueue.RepairTask> duringLease = queue.claim(10, LEASE);
        clock.advance(Duration.ofSeconds(20));
        List<RepairQueue.RepairTask> atLeaseEnd = queue.claim(10, LEASE);

        assertEquals(List.of(), duringLease);
        assertEquals(List.of("p1"), atLeaseEnd.stream().map(RepairQueue.RepairTask::id).toList());
        assertEquals("circuit-open", atLeaseEnd.get(0).reason());
    }

    @Test
    void shouldMakeAnEntryAddedDuringItsLeaseDueAtOnceWhenItsRepairFinishes() {
        RepairQueue queue = queue();
        queue.add("prompts", "p1", "timeout");
        RepairQueue.RepairTask task = queue.claim(10, LEASE).get(0);
        queue.add("prompts", "p1", "timeout");

        queue.done(task);
        List<RepairQueue.RepairTask> again = queue.claim(10, LEASE);
        queue.done(again.get(0));

        assertEquals(List.of("p1"), again.stream().map(RepairQueue.RepairTask::id).toList());
        assertEquals(0, queue.depth());
    }

    @Test
    void shouldLeaveAnEntryToItsNewClaimWhenAClaimThatOutlivedItsLeaseFinishes() {
        RepairQueue queue = queue();
        queue.add("prompts", "p2", "timeout");
        RepairQueue.RepairTask slow = queue.claim(10, LEASE).get(0);
        clock.advance(LEASE.plusSeconds(1));
        RepairQueue.RepairTask current = queue.claim(10, LEASE).get(0);

        queue.done(slow);
        long afterSlowDone = queue.depth();
        List<RepairQueue.RepairTask> whileCurrentHoldsIt = queue.claim(10, LEASE);
        queue.retryLater(slow, Duration.ZERO, "late");
        long afterSlowRetry = queue.depth();
        queue.done(current);

        assertEquals(1, afterSlowDone);
        assertEquals(List.of(), whileCurrentHoldsIt);
        assertEquals(1, afterSlowRetry);
        assertEquals(0, queue.depth());
    }

    @Test
    void shouldMakeARetryingEntryDueAtOnceWhenItIsAddedAgain() {
        RepairQueue queue = queue();
        queue.add("notes", "n2", "timeout");
        queue.retryLater(queue.claim(10, LEASE).get(0), Duration.ofMinutes(5), "postgres unreachable");

        queue.add("notes", "n2", "timeout");
        List<RepairQueue.RepairTask> claimed = queue.claim(10, LEASE);

        assertEquals(List.of("n2"), claimed.stream().map(RepairQueue.RepairTask::id).toList());
        assertEquals(1, claimed.get(0).attempts());
    }

    @Test
    void shouldClaimTheOldestEntriesFirstAndTellTheirAge() {
        RepairQueue queue = queue();
        Instant first = clock.instant();
        for (String id : List.of("o3", "o1", "o2")) {
            queue.add("prompts", id, "timeout");
            clock.advance(Duration.ofSeconds(1));
        }

        List<RepairQueue.RepairTask> oldestTwo = queue.claim(2, LEASE);
        List<RepairQueue.RepairTask> rest = queue.claim(2, LEASE);

        assertEquals(List.of("o3", "o1"), oldestTwo.stream().map(RepairQueue.RepairTask::id).toList());
        assertEquals(List.of(first, first.plusSeconds(1)),
                oldestTwo.stream().map(RepairQueue.RepairTask::enqueuedAt).toList());
        assertEquals(List.of("o2"), rest.stream().map(RepairQueue.RepairTask::id).toList());
        assertEquals(Optional.of(first), queue.oldest());
    }
}
