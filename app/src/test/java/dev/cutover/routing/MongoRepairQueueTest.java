package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoDatabase;
import dev.cutover.TestStores;
import java.time.Duration;
import java.util.Date;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The repair queue contract on MongoDB, plus the stored layout operators query and the indexes.
 * Each test gets a database of its own.
 */
class MongoRepairQueueTest extends RepairQueueContract {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final MongoDatabase database = TestStores.mongoClient().getDatabase(TestStores.uniqueName("repairs"));

    @AfterEach
    void dropDatabase() {
        database.drop();
    }

    @Override
    protected RepairQueue queue() {
        return new MongoRepairQueue(database, clock);
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
