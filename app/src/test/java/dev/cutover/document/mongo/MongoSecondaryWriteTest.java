package dev.cutover.document.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The secondary's writes on MongoDB, where no transaction joins the tombstone check and the
 * write: every interleaving of a copy and a delete of one id, forced step by step (another
 * client runs the rival operation when a chosen command is about to be sent) and at random from
 * threads; tombstones of the primary's delete; documents the application wrote before cutover;
 * and the stored layout, which must be the one insert and replace write.
 */
class MongoSecondaryWriteTest {

    private static final CollectionSpec PROMPTS = Collections.PROMPTS;

    private final String databaseName = TestStores.uniqueName("secondary");
    private final MongoDatabase database = TestStores.mongoClient().getDatabase(databaseName);
    private final SampleDocuments samples = new SampleDocuments(System.nanoTime());
    private final List<MongoClient> interleavingClients = new ArrayList<>();

    @AfterEach
    void dropDatabase() {
        interleavingClients.forEach(MongoClient::close);
        database.drop();
    }

    private MongoDocumentRepository repository(CollectionSpec spec) {
        MongoDocumentRepository repository = new MongoDocumentRepository(spec, database);
        repository.ensureIndexes();
        return repository;
    }

    /**
     * A repository of the same collection on a client of its own that, just before it sends the
     * {@code nth} {@code command} on {@code collection}, runs {@code rival} and waits for it.
     */
    private MongoDocumentRepository interrupted(CollectionSpec spec, String command, String collection, int nth,
            Runnable rival) {
        CommandListener listener = new CommandListener() {
            private int seen;

            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals(command)
                        && collection.equals(event.getCommand().getString(command).getValue()) && ++seen == nth) {
                    rival.run();
                }
            }
        };
        MongoClient listening = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(TestStores.mongo())).addCommandListener(listener).build());
        interleavingClients.add(listening);
        return new MongoDocumentRepository(spec, listening.getDatabase(databaseName));
    }

    private MongoCollection<org.bson.Document> raw(CollectionSpec spec) {
        return database.getCollection(spec.name());
    }

    // Forced interleavings of a copy and a newer delete -----------------------------------------

    @Test
    void shouldRemoveTheCopyWhenTheDeleteRanBetweenItsTombstoneCheckAndItsWrite() {
        DocumentRepository deleter = repository(PROMPTS);
        Document copy = samples.next(PROMPTS).withVersion(4);
        DocumentRepository writer = interrupted(PROMPTS, "update", PROMPTS.name(), 1,
                () -> deleter.applyDelete(copy.id(), 5));

        boolean applied = writer.applyIfNewer(copy);

        assertFalse(applied);
        assertDeletedAt(deleter, copy.id(), 5);
    }

    @Test
    void shouldRemoveTheCopyWhenTheWholeDeleteRanBetweenItsWriteAndItsSecondLook() {
        DocumentRepository deleter = repository(PROMPTS);
        Document copy = samples.next(PROMPTS).withVersion(4);
        DocumentRepository writer = interrupted(PROMPTS, "find", MongoTombstones.COLLECTION, 2,
                () -> deleter.applyDelete(copy.id(), 5));

        boolean applied = writer.applyIfNewer(copy);

        assertFalse(applied);
        assertDeletedAt(deleter, copy.id(), 5);
    }

    @Test
    void shouldSkipTheCopyWhenItRanBetweenTheDeletesTombstoneAndItsRemoval() {
        DocumentRepository writer = repository(PROMPTS);
        Document copy = samples.next(PROMPTS).withVersion(4);
        List<Boolean> applied = new ArrayList<>();
        DocumentRepository deleter = interrupted(PROMPTS, "delete", PROMPTS.name(), 1,
                () -> applied.add(writer.applyIfNewer(copy)));

        boolean changed = deleter.applyDelete(copy.id(), 5);

        assertTrue(changed);
        assertEquals(List.of(false), applied);
        assertDeletedAt(writer, copy.id(), 5);
    }

    @Test
    void shouldRemoveAnOlderCopyWrittenBetweenThePrimarysDeleteAndItsTombstone() {
        DocumentRepository writer = repository(PROMPTS);
        Document stored = writer.insert(samples.next(PROMPTS).withVersion(4));
        List<Boolean> applied = new ArrayList<>();
        DocumentRepository primary = interrupted(PROMPTS, "findAndModify", MongoTombstones.COLLECTION, 1,
                () -> applied.add(writer.applyIfNewer(stored.withVersion(3))));

        boolean deleted = primary.delete(stored.id(), 4);

        assertTrue(deleted);
        assertEquals(List.of(true), applied, "nothing stopped the copy until the tombstone was there");
        assertDeletedAt(writer, stored.id(), 5);
    }

    @Test
    void shouldKeepTheCopyWhenTheDeleteThatRanInBetweenIsOlder() {
        DocumentRepository deleter = repository(PROMPTS);
        Document copy = samples.next(PROMPTS).withVersion(4);
        DocumentRepository writer = interrupted(PROMPTS, "find", MongoTombstones.COLLECTION, 2,
                () -> deleter.applyDelete(copy.id(), 3));

        boolean applied = writer.applyIfNewer(copy);

        assertTrue(applied);
        assertEquals(Optional.of(copy), deleter.get(copy.id()));
        assertEquals(OptionalLong.of(3), deleter.tombstone(copy.id()));
    }

    // The same race from threads -----------------------------------------------------------------

    @Test
    void shouldEndDeletedWithATombstoneWhenConcurrentCopiesRaceANewerDelete() throws Exception {
        MongoDocumentRepository repository = repository(PROMPTS);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 40; round++) {
                Document base = samples.next(PROMPTS);
                CountDownLatch start = new CountDownLatch(1);
                List<Callable<Boolean>> operations = new ArrayList<>();
                for (int version = 1; version <= 6; version++) {
                    Document copy = base.withVersion(version);
                    operations.add(() -> repository.applyIfNewer(copy));
                }
                operations.add(round % 2 == 0 ? 0 : operations.size(), () -> repository.applyDelete(base.id(), 7));

                runTogether(threads, start, operations);

                assertDeletedAt(repository, base.id(), 7);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldEndAtTheNewestCopyWhenConcurrentCopiesRaceAnOlderDelete() throws Exception {
        MongoDocumentRepository repository = repository(PROMPTS);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 40; round++) {
                Document base = samples.next(PROMPTS);
                CountDownLatch start = new CountDownLatch(1);
                List<Callable<Boolean>> operations = new ArrayList<>();
                operations.add(() -> repository.applyDelete(base.id(), 4));
                for (int version = 6; version >= 1; version--) {
                    Document copy = base.withVersion(version);
                    operations.add(() -> repository.applyIfNewer(copy));
                }

                runTogether(threads, start, operations);

                assertEquals(Optional.of(base.withVersion(6)), repository.get(base.id()));
                assertEquals(OptionalLong.of(4), repository.tombstone(base.id()));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static void runTogether(ExecutorService threads, CountDownLatch start, List<Callable<Boolean>> operations)
            throws Exception {
        List<Future<Boolean>> running = new ArrayList<>();
        for (Callable<Boolean> operation : operations) {
            running.add(threads.submit(() -> {
                start.await();
                return operation.call();
            }));
        }
        start.countDown();
        for (Future<Boolean> operation : running) {
            operation.get(30, TimeUnit.SECONDS);
        }
    }

    // Tombstones ----------------------------------------------------------------------------------

    @Test
    void shouldKeepTheNewestTombstoneWhenAnOlderDeleteArrivesLate() {
        DocumentRepository repository = repository(PROMPTS);
        String id = samples.next(PROMPTS).id();

        boolean first = repository.applyDelete(id, 5);
        boolean late = repository.applyDelete(id, 3);

        assertTrue(first, "a tombstone was recorded");
        assertFalse(late, "nothing changed");
        assertEquals(OptionalLong.of(5), repository.tombstone(id));
    }

    @Test
    void shouldStoreTombstonesOfEveryCollectionInOneMongoCollectionKeyedByCollectionAndId() {
        DocumentRepository prompts = repository(PROMPTS);
        DocumentRepository tools = repository(Collections.USER_TOOLS);
        Document prompt = prompts.insert(samples.next(PROMPTS).withVersion(2));

        prompts.delete(prompt.id(), 2);
        tools.applyDelete(prompt.id(), 9);

        org.bson.Document tombstone = database.getCollection(MongoTombstones.COLLECTION)
                .find(new org.bson.Document("_id", "prompts:" + prompt.id())).first();
        assertEquals("prompts", tombstone.get("collection"));
        assertEquals(prompt.id(), tombstone.get("id"));
        assertEquals(3L, tombstone.get("version"));
        assertInstanceOf(Date.class, tombstone.get("deleted_at"));
        assertEquals(OptionalLong.of(3), prompts.tombstone(prompt.id()));
        assertEquals(OptionalLong.of(9), tools.tombstone(prompt.id()));
    }

    @Test
    void shouldRecordNoTombstoneWhenADeleteFindsNothingOrAStaleVersion() {
        DocumentRepository repository = repository(PROMPTS);
        Document stored = repository.insert(samples.next(PROMPTS).withVersion(3));
        String absent = samples.next(PROMPTS).id();

        boolean deletedAbsent = repository.delete(absent, DocumentRepository.ANY_VERSION);
        assertThrows(DocumentException.StaleVersion.class, () -> repository.delete(stored.id(), 2));

        assertFalse(deletedAbsent);
        assertEquals(OptionalLong.empty(), repository.tombstone(absent));
        assertEquals(OptionalLong.empty(), repository.tombstone(stored.id()));
    }

    @Test
    void shouldCopyEventsWithoutTombstonesAndNeverReplaceOne() {
        DocumentRepository feedback = repository(Collections.FEEDBACK);
        Document event = feedback.insert(samples.next(Collections.FEEDBACK));

        boolean newerCopy = feedback.applyIfNewer(samples.next(Collections.FEEDBACK).withId(event.id()).withVersion(9));

        assertFalse(newerCopy);
        assertEquals(Optional.of(event), feedback.get(event.id()));
        assertEquals(OptionalLong.empty(), feedback.tombstone(event.id()));
        assertThrows(DocumentException.NotAllowed.class, () -> feedback.applyDelete(event.id(), 9));
    }

    // Documents written before cutover, and the stored layout -----------------------------------

    @Test
    void shouldTreatALegacyDocumentWithoutVersionAsVersionZero() {
        DocumentRepository repository = repository(PROMPTS);
        raw(PROMPTS).insertOne(legacyPrompt("legacy-1"));
        raw(PROMPTS).insertOne(legacyPrompt("legacy-2"));
        raw(PROMPTS).insertOne(legacyPrompt("legacy-3"));
        Document legacy = repository.get("legacy-1").orElseThrow();

        boolean sameVersion = repository.applyIfNewer(legacy.with("name", "copy at version 0"));
        boolean newer = repository.applyIfNewer(legacy.with("name", "copy at version 1").withVersion(1));
        boolean deleted = repository.applyDelete("legacy-2", 1);
        boolean deletedByPrimary = repository.delete("legacy-3", 0);

        assertFalse(sameVersion);
        assertTrue(newer);
        assertEquals("copy at version 1", repository.get("legacy-1").orElseThrow().get("name"));
        assertEquals(1L, raw(PROMPTS).find(new org.bson.Document("_id", "legacy-1")).first().get("_version"));
        assertTrue(deleted);
        assertDeletedAt(repository, "legacy-2", 1);
        assertTrue(deletedByPrimary);
        assertDeletedAt(repository, "legacy-3", 1);
    }

    @Test
    void shouldKeepALegacyStringIdOfObjectIdFormWhenACopyReplacesIt() {
        DocumentRepository repository = repository(PROMPTS);
        String hex = new ObjectId().toHexString();
        raw(PROMPTS).insertOne(legacyPrompt(hex));
        Document copy = samples.next(PROMPTS).withId(hex);

        boolean applied = repository.applyIfNewer(copy);

        assertTrue(applied);
        assertEquals(1, raw(PROMPTS).countDocuments());
        assertInstanceOf(String.class, raw(PROMPTS).find().first().get("_id"));
        assertEquals(Optional.of(copy), repository.get(hex));
    }

    @Test
    void shouldStoreACopyExactlyAsInsertAndReplaceStoreIt() {
        MongoDocumentRepository agents = repository(Collections.AGENTS);
        DocumentMapping mapping = new DocumentMapping(Collections.AGENTS);
        Document copy = samples.next(Collections.AGENTS).with("key", "Copied-KEY");
        Document newerCopy = copy.with("key", "Copied-Again").withVersion(2);

        agents.applyIfNewer(copy);
        org.bson.Document inserted = rawById(Collections.AGENTS, copy.id());
        agents.applyIfNewer(newerCopy);
        org.bson.Document replaced = rawById(Collections.AGENTS, copy.id());

        assertEquals(mapping.toBson(copy), inserted);
        assertEquals(new ObjectId(copy.id()), inserted.get("_id"));
        assertEquals("copied-key", inserted.get("_lower_key"));
        assertEquals(mapping.toBson(newerCopy), replaced);
        assertEquals(Optional.of(newerCopy), agents.get(copy.id()));
    }

    @Test
    void shouldRefuseACopyThatClashesWithAnotherDocumentsUniqueValues() {
        DocumentRepository agents = repository(Collections.AGENTS);
        Document holder = agents.insert(samples.next(Collections.AGENTS).with("key", "shared"));
        Document copy = samples.next(Collections.AGENTS).with("key", "SHARED");

        DocumentException.Duplicate clash = assertThrows(DocumentException.Duplicate.class, () -> agents.applyIfNewer(copy));

        assertEquals(List.of("key"), clash.fields());
        assertEquals(Optional.empty(), agents.get(copy.id()));
        assertEquals(Optional.of(holder), agents.get(holder.id()));
    }

    private org.bson.Document rawById(CollectionSpec spec, String id) {
        return raw(spec).find(new org.bson.Document("_id", DocumentMapping.storedId(id))).first();
    }

    private static org.bson.Document legacyPrompt(String id) {
        return new org.bson.Document("_id", id).append("user", "u-1").append("name", "old").append("content", "text");
    }

    private static void assertDeletedAt(DocumentRepository repository, String id, long version) {
        assertEquals(Optional.empty(), repository.get(id));
        assertEquals(OptionalLong.of(version), repository.tombstone(id));
    }
}
