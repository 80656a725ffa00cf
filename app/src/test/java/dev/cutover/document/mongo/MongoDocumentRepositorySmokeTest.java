package dev.cutover.document.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.DBRef;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.cutover.CutoverException;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentIds;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.ListQuery;
import dev.cutover.document.Page;
import dev.cutover.document.SampleDocuments;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the shared contract cannot see: documents the application wrote to MongoDB before cutover
 * (legacy names, dotted aliases, no version, string and ObjectId ids, missing and mistyped fields),
 * the stored layout, and the MongoDB-specific handling of ids, indexes and expiry.
 */
class MongoDocumentRepositorySmokeTest {

    private static final Instant CREATED = Instant.parse("2024-03-01T10:00:00.123Z");

    private final MongoDatabase database = TestStores.mongoClient().getDatabase(TestStores.uniqueName("smoke"));
    private final SampleDocuments samples = new SampleDocuments(System.nanoTime());

    @AfterEach
    void dropDatabase() {
        database.drop();
    }

    private MongoDocumentRepository repository(CollectionSpec spec) {
        MongoDocumentRepository repository = new MongoDocumentRepository(spec, database);
        repository.ensureIndexes();
        return repository;
    }

    private MongoCollection<org.bson.Document> raw(CollectionSpec spec) {
        return database.getCollection(spec.name());
    }

    @Test
    void shouldReadALegacyAgentWhenItUsesCamelCaseNamesReferencesAndNoVersion() {
        MongoDocumentRepository agents = repository(Collections.AGENTS);
        ObjectId id = new ObjectId();
        ObjectId source = new ObjectId();
        ObjectId otherSource = new ObjectId();
        raw(Collections.AGENTS).insertOne(new org.bson.Document("_id", id)
                .append("userId", "u-1")
                .append("name", "Helper")
                .append("agentType", "react")
                .append("source", new DBRef("sources", source))
                .append("sources", List.of(source, otherSource))
                .append("chunks", 5)
                .append("token_limit", 100.0)
                .append("created_at", Date.from(CREATED))
                .append("updated_at", Date.from(CREATED))
                .append("lastUsedAt", Date.from(CREATED))
                .append("theme", "dark")
                .append("legacy_count", 3)
                .append("nested", new org.bson.Document("when", Date.from(CREATED)).append("id", source)));

        Document agent = agents.get(id.toHexString()).orElseThrow();

        assertEquals(0, agent.version());
        assertEquals("u-1", agent.get("user_id"));
        assertEquals("react", agent.get("agent_type"));
        assertEquals(source.toHexString(), agent.get("source_id"));
        assertEquals(List.of(source.toHexString(), otherSource.toHexString()), agent.get("source_ids"));
        assertEquals(5L, agent.get("chunks"));
        assertEquals(100L, agent.get("token_limit"));
        assertEquals(CREATED, agent.get("last_used_at"));
        assertEquals("classic", agent.get("retriever"), "a missing field takes its default");
        assertEquals(false, agent.get("limited_token_mode"));
        assertNull(agent.get("key"));
        assertEquals(Map.of("theme", "dark", "legacy_count", 3L,
                "nested", Map.of("when", "2024-03-01T10:00:00.123Z", "id", source.toHexString())), agent.extra());
    }

    @Test
    void shouldTakeOnlyTheAliasedMemberWhenAnAliasReachesIntoANestedDocument() {
        MongoDocumentRepository users = repository(Collections.USERS);
        raw(Collections.USERS).insertOne(new org.bson.Document("_id", "legacy-user")
                .append("user_id", "alice")
                .append("agent_preferences", new org.bson.Document("pinned", List.of("a1"))
                        .append("shared_with_me", List.of("a2")).append("theme", "dark"))
                .append("created_at", Date.from(CREATED)).append("updated_at", Date.from(CREATED)));
        raw(Collections.USERS).insertOne(new org.bson.Document("_id", "all-consumed")
                .append("user_id", "bob")
                .append("agent_preferences", new org.bson.Document("pinned", List.of("b1")).append("shared_with_me", List.of()))
                .append("created_at", Date.from(CREATED)).append("updated_at", Date.from(CREATED)));

        Document alice = users.get("legacy-user").orElseThrow();
        Document bob = users.get("all-consumed").orElseThrow();

        assertEquals(List.of("a1"), alice.get("pinned_agent_ids"));
        assertEquals(List.of("a2"), alice.get("shared_with_me_agent_ids"));
        assertEquals(Map.of("agent_preferences", Map.of("theme", "dark")), alice.extra());
        assertEquals(List.of("b1"), bob.get("pinned_agent_ids"));
        assertEquals(Map.of(), bob.extra());
    }

    @Test
    void shouldFindAndGuardALegacyStringIdWhenItLooksLikeAnObjectId() {
        MongoDocumentRepository prompts = repository(Collections.PROMPTS);
        String hex = new ObjectId().toHexString();
        raw(Collections.PROMPTS).insertOne(new org.bson.Document("_id", hex)
                .append("user", "u-1").append("name", "old").append("content", "text")
                .append("created_at", Date.from(CREATED)).append("updated_at", Date.from(CREATED)));
        Document stored = prompts.get(hex).orElseThrow();

        DocumentException.Duplicate clash = assertThrows(DocumentException.Duplicate.class,
                () -> prompts.insert(samples.next(Collections.PROMPTS).withId(hex)));
        assertThrows(DocumentException.StaleVersion.class, () -> prompts.replace(stored.withVersion(2), 1));
        Document replaced = prompts.replace(stored.with("name", "new").withVersion(1), 0);

        assertEquals(List.of("id"), clash.fields());
        assertEquals(Optional.of(replaced), prompts.get(hex));
        assertInstanceOf(String.class, raw(Collections.PROMPTS).find().first().get("_id"), "the stored _id keeps its form");
        assertEquals(1L, raw(Collections.PROMPTS).find().first().get("_version"));
    }

    @Test
    void shouldReadLegacyMessagesWhenTheyUseLegacyNamesAndLackFields() {
        MongoDocumentRepository conversations = repository(Collections.CONVERSATIONS);
        ObjectId id = new ObjectId();
        raw(Collections.CONVERSATIONS).insertOne(new org.bson.Document("_id", id)
                .append("user", "u-1").append("title", "Chat")
                .append("queries", List.of(new org.bson.Document("prompt", "hi").append("response", "yo")
                        .append("toolCalls", List.of(new org.bson.Document("name", "search")))
                        .append("timestamp", Date.from(CREATED)).append("rating", 4)))
                .append("created_at", Date.from(CREATED)).append("updated_at", Date.from(CREATED)));

        Document conversation = conversations.get(id.toHexString()).orElseThrow();

        assertEquals("u-1", conversation.get("user_id"));
        assertEquals("Chat", conversation.get("name"));
        assertEquals(false, conversation.get("is_shared_usage"));
        Document.Element message = ((List<?>) conversation.get("queries")).stream()
                .map(Document.Element.class::cast).findFirst().orElseThrow();
        assertEquals("hi", message.fields().get("prompt"));
        assertEquals(List.of(Map.of("name", "search")), message.fields().get("tool_calls"));
        assertEquals(List.of(), message.fields().get("sources"));
        assertNull(message.fields().get("feedback"));
        assertEquals(CREATED, message.fields().get("timestamp"));
        assertEquals(Map.of("rating", 4L), message.extra());
    }

    @Test
    void shouldKeepAValueAmongUnknownFieldsWhenItsTypeDoesNotFitTheField() {
        MongoDocumentRepository agents = repository(Collections.AGENTS);
        ObjectId id = new ObjectId();
        raw(Collections.AGENTS).insertOne(new org.bson.Document("_id", id)
                .append("user_id", "u-1").append("name", "n").append("chunks", "many").append("created_at", "2024-03-01 10:00:00.123")
                .append("updated_at", Date.from(CREATED)));

        Document agent = agents.get(id.toHexString()).orElseThrow();

        assertEquals(2L, agent.get("chunks"));
        assertEquals(Map.of("chunks", "many"), agent.extra());
        assertEquals(CREATED, agent.get("created_at"), "ISO text without a zone reads as UTC");
    }

    @Test
    void shouldStoreTheApplicationsLayoutWhenInserting() {
        MongoDocumentRepository agents = repository(Collections.AGENTS);
        Document agent = samples.next(Collections.AGENTS).with("key", "MiXeD-Key").with("token_limit", null)
                .with("shared_metadata", Map.of("a", List.of(1L, Map.of("b", true)))).with("chunks", 7L);

        agents.insert(agent);

        org.bson.Document stored = raw(Collections.AGENTS).find().first();
        assertEquals(new ObjectId(agent.id()), stored.get("_id"));
        assertEquals(1L, stored.get("_version"));
        assertEquals("MiXeD-Key", stored.get("key"));
        assertEquals("mixed-key", stored.get("_lower_key"));
        assertFalse(stored.containsKey("token_limit"), "a null field is omitted");
        assertEquals(7L, stored.get("chunks"));
        assertInstanceOf(Date.class, stored.get("created_at"));
        assertEquals(new org.bson.Document("a", List.of(1L, new org.bson.Document("b", true))), stored.get("shared_metadata"));
        assertEquals(Optional.of(agent), agents.get(agent.id()));
    }

    @Test
    void shouldKeepAnUnknownFieldNamedLikeALegacyAliasWhenTheTypedFieldIsEmpty() {
        MongoDocumentRepository conversations = repository(Collections.CONVERSATIONS);
        Document base = samples.next(Collections.CONVERSATIONS).with("shared_token", null);
        Document conversation = new Document(base.id(), 1, base.fields(), Map.of("sharedToken", "client-sent"));

        conversations.insert(conversation);

        assertEquals(Optional.of(conversation), conversations.get(conversation.id()));
    }

    @Test
    void shouldMatchALegacyKeyWithoutRegardToCaseWhenIndexesAreEnsured() {
        ObjectId legacy = new ObjectId();
        raw(Collections.AGENTS).insertOne(new org.bson.Document("_id", legacy).append("user_id", "u-1")
                .append("name", "n").append("key", "Legacy-KEY")
                .append("created_at", Date.from(CREATED)).append("updated_at", Date.from(CREATED)));
        MongoDocumentRepository agents = repository(Collections.AGENTS);
        CollectionSpec.UniqueKey key = Collections.AGENTS.uniqueKeys().get(0);

        Optional<Document> found = agents.findByUnique(key, List.of("legacy-key"));
        DocumentException.Duplicate clash = assertThrows(DocumentException.Duplicate.class,
                () -> agents.insert(samples.next(Collections.AGENTS).with("key", "LEGACY-key")));

        assertEquals(legacy.toHexString(), found.orElseThrow().id());
        assertEquals(List.of("key"), clash.fields());
    }

    @Test
    void shouldAdoptTheApplicationsUniqueIndexWhenItCoversTheSameKey() {
        raw(Collections.USERS).createIndex(Indexes.ascending("user_id"), new IndexOptions().unique(true).name("user_id_1"));
        MongoDocumentRepository users = repository(Collections.USERS);
        users.insert(samples.next(Collections.USERS).with("user_id", "alice"));

        DocumentException.Duplicate clash = assertThrows(DocumentException.Duplicate.class,
                () -> users.insert(samples.next(Collections.USERS).with("user_id", "alice")));

        assertEquals(List.of("user_id"), clash.fields());
    }

    @Test
    void shouldNameTheIndexToDropWhenAnExistingIndexIsNotUnique() {
        raw(Collections.USERS).createIndex(Indexes.ascending("user_id"), new IndexOptions().name("user_id_1"));
        MongoDocumentRepository users = new MongoDocumentRepository(Collections.USERS, database);

        CutoverException error = assertThrows(CutoverException.class, users::ensureIndexes);

        assertTrue(error.getMessage().contains("dropIndex(\"user_id_1\")"), error.getMessage());
    }

    @Test
    void shouldScanStringAndObjectIdIdsInTextOrderWhenBothAreStored() {
        DocumentRepository prompts = repository(Collections.PROMPTS);
        List<String> ids = new ArrayList<>(List.of("6", "6z", "AA", "legacy", "0123456789abcdef0123456g", "zz:last"));
        for (int i = 0; i < 4; i++) {
            ids.add(DocumentIds.next());
        }
        ids.add("ffffffffffffffffffffffff");
        ids.forEach(id -> prompts.insert(samples.next(Collections.PROMPTS).withId(id)));
        ids.sort(Comparator.naturalOrder());

        List<String> scanned = new ArrayList<>();
        List<Document> batch = prompts.scan(null, 2);
        while (!batch.isEmpty()) {
            batch.forEach(document -> scanned.add(document.id()));
            batch = prompts.scan(scanned.get(scanned.size() - 1), 2);
        }

        assertEquals(ids, scanned);
        assertEquals(ids.stream().filter(id -> id.compareTo("6zz") > 0).toList(),
                prompts.scan("6zz", 100).stream().map(Document::id).toList());
        try (java.util.stream.Stream<Document> all = prompts.scanAll(null, 2);
                java.util.stream.Stream<Document> rest = prompts.scanAll("6zz", 2);
                java.util.stream.Stream<Document> none = prompts.scanAll("zz:last", 2)) {
            assertEquals(ids, all.map(Document::id).toList());
            assertEquals(ids.stream().filter(id -> id.compareTo("6zz") > 0).toList(), rest.map(Document::id).toList());
            assertEquals(List.of(), none.map(Document::id).toList());
        }
    }

    @Test
    void shouldListLegacyDocumentsWithoutTheOrderFieldLastWhenPaging() {
        DocumentRepository prompts = repository(Collections.PROMPTS);
        Document older = prompts.insert(samples.next(Collections.PROMPTS).with("user_id", "u-1").with("created_at", CREATED));
        Document newer = prompts.insert(samples.next(Collections.PROMPTS).with("user_id", "u-1")
                .with("created_at", CREATED.plusSeconds(60)));
        for (String id : List.of("legacy-a", "legacy-b")) {
            raw(Collections.PROMPTS).insertOne(new org.bson.Document("_id", id).append("user_id", "u-1")
                    .append("name", "n").append("content", "c"));
        }

        List<String> listed = new ArrayList<>();
        Optional<ListQuery.Cursor> cursor = Optional.empty();
        do {
            Page page = prompts.list(new ListQuery(Map.of("user_id", "u-1"), cursor, 1));
            page.items().forEach(document -> listed.add(document.id()));
            cursor = page.next();
        } while (cursor.isPresent());

        assertEquals(List.of(newer.id(), older.id(), "legacy-b", "legacy-a"), listed);
    }

    @Test
    void shouldNeverServeAnExpiredStateWhenItsExpiryUsesTheLegacyName() {
        Instant now = Instant.parse("2025-06-01T00:00:00Z");
        for (String id : List.of("expired", "live")) {
            raw(Collections.PENDING_TOOL_STATE).insertOne(legacyState(id, now.plusSeconds(id.equals("live") ? 1 : -1)));
        }
        MongoDocumentRepository states = new MongoDocumentRepository(Collections.PENDING_TOOL_STATE, database,
                Clock.fixed(now, ZoneOffset.UTC));
        states.ensureIndexes();
        // Written under the legacy name after the indexes were ensured.
        raw(Collections.PENDING_TOOL_STATE).insertOne(legacyState("late", now.minusSeconds(1)));
        Document atTheMoment = states.insert(samples.next(Collections.PENDING_TOOL_STATE).with("expires_at", now));

        assertEquals(Optional.empty(), states.get("expired"));
        assertEquals(Optional.empty(), states.get("late"));
        assertEquals(Optional.empty(), states.get(atTheMoment.id()), "expiring now is expired");
        assertEquals(now.plusSeconds(1), states.get("live").orElseThrow().get("expires_at"));
        assertEquals(1, states.count(Map.of("user_id", "u-1")));
        assertEquals(3, states.deleteExpired(now));
        assertEquals(List.of("live"), states.scan(null, 10).stream().map(Document::id).toList());
    }

    private static org.bson.Document legacyState(String id, Instant expiresAt) {
        return new org.bson.Document("_id", id).append("conversationId", "c-" + id).append("userId", "u-1")
                .append("state", new org.bson.Document()).append("expiresAt", Date.from(expiresAt))
                .append("created_at", Date.from(CREATED)).append("updated_at", Date.from(CREATED));
    }

    @Test
    void shouldMoveLegacyNamesOfIndexedFieldsWithoutChangingWhatIsReadWhenIndexesAreEnsured() {
        for (String id : List.of("event-1", "event-2")) {
            raw(Collections.FEEDBACK).insertOne(new org.bson.Document("_id", id).append("user", "u-1")
                    .append("conversationId", "c-1").append("feedback", "like").append("questionIndex", 0)
                    .append("date", Date.from(CREATED)).append("client", "web"));
        }
        MongoDocumentRepository feedback = new MongoDocumentRepository(Collections.FEEDBACK, database);
        Document before = feedback.get("event-1").orElseThrow();

        feedback.ensureIndexes();

        assertEquals(Optional.of(before), feedback.get("event-1"));
        assertEquals(2, feedback.count(Map.of("user_id", "u-1", "conversation_id", "c-1")));
        org.bson.Document stored = raw(Collections.FEEDBACK).find(new org.bson.Document("_id", "event-1")).first();
        assertEquals("u-1", stored.get("user_id"));
        assertEquals(Date.from(CREATED), stored.get("timestamp"));
        assertFalse(stored.containsKey("user") || stored.containsKey("date") || stored.containsKey("conversationId"));
        assertEquals(0, stored.get("questionIndex"), "fields no index covers keep their legacy names");
        assertFalse(stored.containsKey("_version"), "the content is unchanged, so the version is too");
    }
}
