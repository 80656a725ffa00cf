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

/** The contract of {@link RepairQueue}, run against each store by a subclass. */
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
}
