package dev.cutover.document.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The secondary's writes racing one another and the primary's writes on one id: whatever the
 * order, a delete with the newest version ends deleted with its tombstone, the newest copy wins,
 * and a copy never overwrites a newer row written by an insert or replace (which take no lock).
 * Races are forced, not hoped for: many writers released at once, or a write held open in
 * another transaction until the copy is seen waiting for it.
 */
class PostgresSecondaryWriteRaceTest {

    private static final int WRITERS = 8;
    private static final int ROUNDS = 15;
    /** The lock the repository takes on one id, given "collection:id". */
    private static final String LOCK_ID = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

    private static final SampleDocuments SAMPLES = new SampleDocuments(42L);
    private static HikariDataSource dataSource;
    private static DocumentRepository conversations;
    private static DocumentRepository prompts;

    @BeforeAll
    static void migrateAFreshDatabase() {
        dataSource = TestStores.migratedPool(WRITERS + 2);
        conversations = new PostgresDocumentRepository(Collections.CONVERSATIONS, dataSource);
        prompts = new PostgresDocumentRepository(Collections.PROMPTS, dataSource);
    }

    @AfterAll
    static void closePool() {
        dataSource.close();
    }

    @Test
    void shouldStayDeletedWithATombstoneWhenAnOlderWriteArrivesAfterTheDelete() {
        Document original = conversations.insert(SAMPLES.next(Collections.CONVERSATIONS));

        boolean deleted = conversations.applyDelete(original.id(), 5);
        boolean lateWrite = conversations.applyIfNewer(SAMPLES.next(Collections.CONVERSATIONS)
                .withId(original.id()).withVersion(4));

        assertTrue(deleted);
        assertFalse(lateWrite);
        assertDeletedAt(conversations, original.id(), 5);
    }

    @Test
    void shouldEndDeletedWithATombstoneWhenTheDeleteArrivesAfterAnOlderWrite() {
        Document original = conversations.insert(SAMPLES.next(Collections.CONVERSATIONS));

        boolean written = conversations.applyIfNewer(SAMPLES.next(Collections.CONVERSATIONS)
                .withId(original.id()).withVersion(4));
        boolean deleted = conversations.applyDelete(original.id(), 5);

        assertTrue(written);
        assertTrue(deleted);
        assertDeletedAt(conversations, original.id(), 5);
    }

    @Test
    void shouldRecordADeleteOfAnIdNeverCopiedHereAndChangeNothingWhenItArrivesAgain() {
        String id = SAMPLES.next(Collections.PROMPTS).id();

        boolean first = prompts.applyDelete(id, 3);
        boolean again = prompts.applyDelete(id, 3);
        boolean older = prompts.applyDelete(id, 2);

        assertTrue(first);
        assertFalse(again);
        assertFalse(older);
        assertDeletedAt(prompts, id, 3);
    }

    @Test
    void shouldLeaveNoTombstoneWhenTheStoredCopyIsNewerThanTheDelete() {
        Document newer = prompts.insert(SAMPLES.next(Collections.PROMPTS).withVersion(5));

        boolean changed = prompts.applyDelete(newer.id(), 3);

        assertFalse(changed);
        assertEquals(Optional.of(newer), prompts.get(newer.id()));
        assertEquals(OptionalLong.empty(), prompts.tombstone(newer.id()));
    }

    /**
     * Where no version is stored yet, no row lock orders the delete and the copies: only the
     * advisory lock keeps a copy from going in between the tombstone's reading and its writing.
     * Prompts copy in auto-commit, conversations in a transaction with their messages.
     */
    @ParameterizedTest(name = "{0}, first version stored before: {1}")
    @CsvSource({"prompts, true", "prompts, false", "conversations, true", "conversations, false"})
    void shouldEndDeletedWithATombstoneWhenTheNewestVersionIsADeleteRacingOlderWrites(String collection,
            boolean storedBefore) throws Exception {
        DocumentRepository repository = repository(collection);
        for (int round = 0; round < ROUNDS; round++) {
            String id = SAMPLES.next(repository.spec()).id();
            List<Callable<Boolean>> writes = new ArrayList<>();
            for (int version = 1; version < WRITERS; version++) {
                Document copy = SAMPLES.next(repository.spec()).withId(id).withVersion(version);
                if (version == 1 && storedBefore) {
                    repository.insert(copy);
                } else {
                    writes.add(() -> repository.applyIfNewer(copy));
                }
            }
            writes.add(() -> repository.applyDelete(id, WRITERS));

            List<Boolean> applied = releaseAtOnce(writes, new Random(round));

            assertTrue(applied.get(applied.size() - 1), "round " + round + ": the delete changed nothing");
            assertDeletedAt(repository, id, WRITERS);
        }
    }

    @Test
    void shouldStoreTheNewestOfConcurrentCopiesWithItsMessages() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String id = SAMPLES.next(Collections.CONVERSATIONS).id();
            List<Document> copies = new ArrayList<>();
            List<Callable<Boolean>> writes = new ArrayList<>();
            for (int version = 1; version <= WRITERS; version++) {
                Document copy = SAMPLES.next(Collections.CONVERSATIONS).withId(id).withVersion(version);
                copies.add(copy);
                writes.add(() -> conversations.applyIfNewer(copy));
            }

            List<Boolean> applied = releaseAtOnce(writes, new Random(round));

            assertTrue(applied.get(WRITERS - 1), "round " + round + ": the newest copy was skipped");
            assertEquals(Optional.of(copies.get(WRITERS - 1)), conversations.get(id), "round " + round);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prompts", "conversations"})
    void shouldNeverKeepADocumentAtOrBelowItsTombstoneWhenPrimaryDeletesRaceCopies(String collection)
            throws Exception {
        DocumentRepository repository = repository(collection);
        for (int round = 0; round < ROUNDS; round++) {
            Document original = repository.insert(SAMPLES.next(repository.spec()));
            List<Callable<Boolean>> writes = new ArrayList<>();
            for (int version = 2; version < WRITERS; version++) {
                Document copy = SAMPLES.next(repository.spec()).withId(original.id()).withVersion(version);
                writes.add(() -> repository.applyIfNewer(copy));
            }
            writes.add(() -> repository.delete(original.id(), DocumentRepository.ANY_VERSION));

            releaseAtOnce(writes, new Random(round));

            Optional<Document> stored = repository.get(original.id());
            OptionalLong tombstone = repository.tombstone(original.id());
            assertTrue(tombstone.isPresent(), "round " + round + ": the delete left no tombstone");
            assertTrue(stored.isEmpty() || stored.get().version() > tombstone.getAsLong(),
                    "round " + round + ": version " + stored.map(Document::version) + " kept at tombstone " + tombstone);
        }
    }

    @Test
    void shouldNotOverwriteANewerReplaceThatCommitsWhileACopyWaitsForTheRow() throws Exception {
        Document stored = prompts.insert(SAMPLES.next(Collections.PROMPTS).withVersion(4));
        Document copy = SAMPLES.next(Collections.PROMPTS).withId(stored.id()).withVersion(5);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection replace = dataSource.getConnection()) {
            replace.setAutoCommit(false);
            execute(replace, "UPDATE prompts SET version = 6, content = 'replaced' WHERE id = ?", stored.id());
            Future<Boolean> applied = thread.submit(() -> prompts.applyIfNewer(copy));
            awaitWaitingForALock();

            replace.commit();

            assertFalse(applied.get(10, TimeUnit.SECONDS));
        } finally {
            thread.shutdownNow();
        }
        Document after = prompts.get(stored.id()).orElseThrow();
        assertEquals(6, after.version());
        assertEquals("replaced", after.get("content"));
    }

    @Test
    void shouldReplaceAnOlderInsertThatCommitsWhileACopyWaitsForTheId() throws Exception {
        Document template = prompts.insert(SAMPLES.next(Collections.PROMPTS));
        Document copy = SAMPLES.next(Collections.PROMPTS).withVersion(3);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection insert = dataSource.getConnection()) {
            insert.setAutoCommit(false);
            execute(insert, "INSERT INTO prompts (id, version, user_id, name, content, created_at, updated_at)"
                    + " SELECT ?, 1, user_id, name, content, created_at, updated_at FROM prompts WHERE id = ?",
                    copy.id(), template.id());
            Future<Boolean> applied = thread.submit(() -> prompts.applyIfNewer(copy));
            awaitWaitingForALock();

            insert.commit();

            assertTrue(applied.get(10, TimeUnit.SECONDS));
        } finally {
            thread.shutdownNow();
        }
        assertEquals(Optional.of(copy), prompts.get(copy.id()));
    }

    /**
     * The copy's write must see a tombstone committed while the copy waited for the id's lock: a
     * write whose snapshot predated the wait would bring the deleted document back.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prompts", "conversations"})
    void shouldNotBringADocumentBackWhenItsCopyWaitsForADeleteThatCommitsMeanwhile(String collection)
            throws Exception {
        DocumentRepository repository = repository(collection);
        Document stored = repository.insert(SAMPLES.next(repository.spec()).withVersion(3));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection delete = dataSource.getConnection()) {
            delete.setAutoCommit(false);
            // What delete does, held open: the id's lock, the row gone, a tombstone one version on.
            execute(delete, LOCK_ID, collection + ":" + stored.id());
            execute(delete, "DELETE FROM " + collection + " WHERE id = ?", stored.id());
            execute(delete, "INSERT INTO tombstones (collection, id, version) VALUES (?, ?, 4)", collection,
                    stored.id());
            Future<Boolean> applied = thread.submit(() -> repository.applyIfNewer(stored.withVersion(4)));
            awaitWaitingForALock();

            delete.commit();

            assertFalse(applied.get(10, TimeUnit.SECONDS));
        } finally {
            thread.shutdownNow();
        }
        assertDeletedAt(repository, stored.id(), 4);
    }

    /**
     * The id's lock and the copy's write go to the server together; the lock must last until the
     * write commits, or a delete could run in between and be undone by the write.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prompts", "conversations"})
    void shouldHoldTheIdsLockUntilTheCopyCommitsWhenTheCopyWaitsForTheRow(String collection) throws Exception {
        DocumentRepository repository = repository(collection);
        Document stored = repository.insert(SAMPLES.next(repository.spec()).withVersion(4));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        long lockedWhileWaiting;
        try (Connection replace = dataSource.getConnection()) {
            replace.setAutoCommit(false);
            execute(replace, "UPDATE " + collection + " SET version = 6 WHERE id = ?", stored.id());
            Future<Boolean> applied = thread.submit(() -> repository.applyIfNewer(stored.withVersion(5)));
            awaitWaitingForALock();
            lockedWhileWaiting = advisoryLocksHeldBySessionsWaitingForALock();

            replace.commit();

            assertFalse(applied.get(10, TimeUnit.SECONDS));
        } finally {
            thread.shutdownNow();
        }
        assertEquals(1, lockedWhileWaiting, "the copy waiting for the row no longer holds the id's lock");
        assertEquals(6, repository.get(stored.id()).orElseThrow().version());
    }

    private static DocumentRepository repository(String collection) {
        return switch (collection) {
            case "prompts" -> prompts;
            case "conversations" -> conversations;
            default -> throw new IllegalArgumentException("no repository of " + collection + " in this test");
        };
    }

    private static void assertDeletedAt(DocumentRepository repository, String id, long version) {
        assertEquals(Optional.empty(), repository.get(id), id + " is stored");
        assertEquals(OptionalLong.of(version), repository.tombstone(id), id + ": tombstone");
    }

    /** Runs the writes on as many threads, shuffled, all released at once; their results in given order. */
    private static List<Boolean> releaseAtOnce(List<Callable<Boolean>> writes, Random random) throws Exception {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(writes.size());
        try {
            List<Future<Boolean>> results = new ArrayList<>(java.util.Collections.nCopies(writes.size(), null));
            for (int index : order) {
                Callable<Boolean> write = writes.get(index);
                results.set(index, threads.submit(() -> {
                    start.await();
                    return write.call();
                }));
            }
            start.countDown();
            List<Boolean> applied = new ArrayList<>();
            for (Future<Boolean> result : results) {
                applied.add(result.get(30, TimeUnit.SECONDS));
            }
            return applied;
        } finally {
            threads.shutdownNow();
        }
    }

    private static void execute(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }

    private static long advisoryLocksHeldBySessionsWaitingForALock() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM pg_locks l"
                        + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = current_database()"
                        + " AND a.wait_event_type = 'Lock' AND l.locktype = 'advisory' AND l.granted");
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Returns once some session of this database waits for a lock another one holds. */
    private static void awaitWaitingForALock() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    if (row.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("no session started waiting for a lock within 10 seconds");
    }
}
