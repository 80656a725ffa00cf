package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import dev.cutover.TestStores;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repair queue contract on MongoDB, plus the lease cases only a store with leases and
 * generations can get wrong, and the stored layout. Each test gets a database of its own.
 */
class MongoRepairQueueTest extends RepairQueueContract {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static MongoClient client;

    private final MongoDatabase database = client.getDatabase(TestStores.uniqueName("repairs"));

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestStores.mongo());
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @AfterEach
    void dropDatabase() {
        database.drop();
    }

    @Override
    protected RepairQueue queue() {
        return new MongoRepairQueue(database, clock);
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

    @Test
    void shouldStoreOneDocumentPerIdWithTheLayoutOperatorsQuery() {
        RepairQueue queue = queue();
        queue.add("notes", "n1", "timeout");
        queue.add("notes", "n1", "circuit-open");
        RepairQueue.RepairTask task = queue.claim(10, LEASE).get(0);

        queue.retryLater(task, Duration.ofMinutes(1), "mongo unreachable");

        Document entry = database.getCollection("cutover_repairs").find(new Document("_id", "notes:n1")).first();
        assertEquals("notes", entry.get("collection"));
        assertEquals("n1", entry.get("id"));
        assertEquals("circuit-open", entry.get("reason"));
        assertEquals("mongo unreachable", entry.get("last_error"));
        assertEquals(1, entry.get("attempts"));
        assertEquals(2L, entry.get("generation"));
        assertEquals(Date.from(clock.instant()), entry.get("enqueued_at"));
        assertEquals(Date.from(clock.instant().plus(Duration.ofMinutes(1))), entry.get("due_at"));
        assertNull(entry.get("lease_token"));
        assertNull(entry.get("lease_until"));
        assertTrue(task.claimToken().endsWith(":2"), task.claimToken());
    }

    @Test
    void shouldIndexWhenDueAndWhenEnqueuedOnFirstUse() {
        RepairQueue queue = queue();

        queue.depth();

        Set<String> keys = database.getCollection("cutover_repairs").listIndexes().into(new java.util.ArrayList<>())
                .stream().map(index -> index.get("key", Document.class).toJson()).collect(Collectors.toSet());
        assertTrue(keys.containsAll(Set.of("{\"due_at\": 1}", "{\"enqueued_at\": 1}")), keys.toString());
    }
}
