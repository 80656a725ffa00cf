package dev.cutover.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cutover.ApiClient;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentCodec;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.service.CutoverService;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The data API on real stores: one service serving from MongoDB and one from PostgreSQL, over
 * the same databases, with the same fixed clock. Every route, every error class, and proof that
 * a rejected request writes nothing in either store.
 */
class DataApiTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final int MAX_BODY = 8 * 1024;

    private static CutoverService mongoServed;
    private static CutoverService postgresServed;
    private static MongoClient mongoClient;
    private static Map<String, DocumentRepository> mongoRepositories;
    private static Map<String, DocumentRepository> postgresRepositories;

    @BeforeAll
    static void startBothServices() {
        PostgresUri database = TestStores.freshDatabase();
        String mongoDatabase = TestStores.uniqueName("api");
        Map<String, String> common = Map.of("MONGO_DB_NAME", mongoDatabase, "MAX_BODY_SIZE", Integer.toString(MAX_BODY),
                "MAX_PAGE_SIZE", "100");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        mongoServed = CutoverService.start(TestStores.settings(database, TestStores.mongo(), common), "test", clock);
        // Its own databases: flag state is kept in PostgreSQL and shared by every replica of one database.
        PostgresUri postgresOnlyDatabase = TestStores.freshDatabase();
        postgresServed = CutoverService.start(TestStores.settings(postgresOnlyDatabase, TestStores.mongo(), common),
                "test", clock);
        dev.cutover.Stages.postgresOnly(postgresServed);

        mongoClient = MongoClients.create(TestStores.mongo());
        mongoRepositories = new LinkedHashMap<>();
        postgresRepositories = new LinkedHashMap<>();
        for (CollectionSpec spec : Collections.ALL) {
            mongoRepositories.put(spec.name(), new MongoDocumentRepository(spec, mongoClient.getDatabase(mongoDatabase)));
            postgresRepositories.put("mongo-served/" + spec.name(), new PostgresDocumentRepository(spec, dataSource(database)));
            postgresRepositories.put("postgres-served/" + spec.name(),
                    new PostgresDocumentRepository(spec, dataSource(postgresOnlyDatabase)));
        }
    }

    private static PGSimpleDataSource dataSource(PostgresUri database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(database.jdbcUrl());
        dataSource.setUser(database.user());
        dataSource.setPassword(database.password());
        return dataSource;
    }

    @AfterAll
    static void stopBothServices() {
        mongoServed.close();
        postgresServed.close();
        mongoClient.close();
    }

    /** The store each parameterized test runs on: its name, not the service (JUnit closes closeable arguments). */
    static Stream<String> stores() {
        return Stream.of("mongo", "postgres");
    }

    private static CutoverService servedBy(String store) {
        return store.equals("mongo") ? mongoServed : postgresServed;
    }

    private static ApiClient client(CutoverService service) {
        return new ApiClient(service.port(), TestStores.API_TOKEN);
    }

    /** Every document of every collection in both stores, to prove a refusal wrote nothing. */
    private static Map<String, List<Document>> everything() {
        Map<String, List<Document>> all = new LinkedHashMap<>();
        mongoRepositories.forEach((name, repository) -> all.put("mongo/" + name, repository.scan(null, 100_000)));
        postgresRepositories.forEach((name, repository) -> all.put("postgres/" + name, repository.scan(null, 100_000)));
        return all;
    }

    /** A JSON body for a new document of {@code spec}, as a client would send it. */
    private static ObjectNode body(CollectionSpec spec, long seed) {
        Document sample = new SampleDocuments(seed).next(spec);
        ObjectNode json = new DocumentCodec(spec).toJson(sample);
        json.remove(List.of("version", CollectionSpec.UPDATED_AT));
        // A new ObjectId and the sample expiry depend on the clock; the same seed must give the same body.
        json.put("id", String.format("%024x", seed));
        spec.expiresField().ifPresent(field -> json.put(field, "2099-01-01T00:00:00.000Z"));
        return json;
    }

    @Test
    void shouldAnswerEveryRouteTheSameWhicheverStoreServesIt() {
        List<String> fromMongo = scenario(client(mongoServed));
        List<String> fromPostgres = scenario(client(postgresServed));

        assertEquals(fromMongo.size(), fromPostgres.size());
        for (int step = 0; step < fromMongo.size(); step++) {
            assertEquals(fromMongo.get(step), fromPostgres.get(step), "step " + step + " of the scenario");
        }
        assertTrue(fromMongo.size() > Collections.ALL.size() * 4, "the scenario ran");
    }

    /** Creates, reads, lists, replaces, patches and deletes in every collection; returns what came back. */
    private static List<String> scenario(ApiClient api) {
        List<String> seen = new ArrayList<>();
        long seed = 7;
        for (CollectionSpec spec : Collections.ALL) {
            String base = "/api/v1/" + spec.name();
            ObjectNode created = body(spec, seed++);
            String id = created.get("id").asText();
            seen.add(record(api.post(base, created)));
            seen.add(record(api.get(base + "/" + id)));
            String filter = spec.filters().get(0);
            seen.add(record(api.get(base + "?" + filter + "=" + encode(created.get(filter)) + "&limit=5")));
            if (spec.isEventLog()) {
                seen.add(record(api.post(base, created)));
                seen.add(record(api.put(base + "/" + id, created)));
                continue;
            }
            ObjectNode replacement = body(spec, seed++);
            replacement.put("id", id);
            for (CollectionSpec.UniqueKey key : spec.uniqueKeys()) {
                key.fields().forEach(field -> replacement.set(field, created.get(field)));
            }
            seen.add(record(api.put(base + "/" + id, replacement)));
            ObjectNode patch = replacement.objectNode();
            patch.put("patched_extra", "yes");
            patch.putNull("legacy_flag");
            seen.add(record(api.patch(base + "/" + id, patch)));
            seen.add(record(api.delete(base + "/" + id)));
            seen.add(record(api.get(base + "/" + id)));
        }
        return seen;
    }

    private static String record(ApiClient.Response response) {
        return response.status() + " " + response.header("ETag") + " " + response.json();
    }

    private static String encode(JsonNode value) {
        return java.net.URLEncoder.encode(value.asText(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldNameTheStoreThatServedEveryResponse(String store) {
        CutoverService service = servedBy(store);
        ApiClient api = client(service);
        String expected = store;

        ApiClient.Response created = api.post("/api/v1/prompts", body(Collections.PROMPTS, 11));
        ApiClient.Response listed = api.get("/api/v1/prompts");

        assertEquals(201, created.status(), created.text());
        assertEquals(expected, created.header("X-Cutover-Store"));
        assertEquals(expected, listed.header("X-Cutover-Store"));
        assertEquals("/api/v1/prompts/" + created.json().get("id").asText(), created.header("Location"));
        assertEquals("\"1\"", created.header("ETag"));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldPageANewestFirstListWithCursorsAndCapThePageSize(String store) {
        CutoverService service = servedBy(store);
        ApiClient api = client(service);
        String owner = TestStores.uniqueName("owner");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode note = body(Collections.PROMPTS, 100 + i);
            note.put("user_id", owner);
            note.put("created_at", "2026-01-0" + (i + 1) + "T00:00:00Z");
            ids.add(0, api.post("/api/v1/prompts", note).json().get("id").asText());
        }

        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            ApiClient.Response page = api.get("/api/v1/prompts?user_id=" + owner + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.json().get("items").forEach(item -> listed.add(item.get("id").asText()));
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
        } while (cursor != null);
        ApiClient.Response tooMany = api.get("/api/v1/prompts?limit=101");

        assertEquals(ids, listed);
        assertEquals(400, tooMany.status());
        assertEquals("limit", tooMany.json().at("/errors/0/field").asText());
        assertEquals("must be a whole number between 1 and 100, but was '101'", tooMany.json().at("/errors/0/problem").asText());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldRefuseStaleWritesWithConflictAndKeepTheStoredVersion(String store) {
        CutoverService service = servedBy(store);
        ApiClient api = client(service);
        ApiClient.Response created = api.post("/api/v1/workflows", body(Collections.WORKFLOWS, 21));
        String path = "/api/v1/workflows/" + created.json().get("id").asText();
        ObjectNode patch = created.json().deepCopy();
        patch.removeAll();
        patch.put("name", "first writer");
        api.patch(path, patch);
        Map<String, List<Document>> before = everything();

        ApiClient.Response staleHeader = api.send("PATCH", path, "{\"name\":\"late\"}",
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", "\"1\""));
        ObjectNode staleBody = created.json().deepCopy();
        staleBody.put("version", 1);
        ApiClient.Response staleReplace = api.put(path, staleBody);

        assertEquals(409, staleHeader.status(), staleHeader.text());
        assertEquals("urn:cutover:problem:stale-version", staleHeader.json().get("type").asText());
        assertEquals(409, staleReplace.status(), staleReplace.text());
        assertEquals(before, everything());
        assertEquals("first writer", api.get(path).json().get("name").asText());
        assertEquals(2, api.get(path).json().get("version").asLong());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldRefuseASecondAgentWithTheSameKeyInAnyCase(String store) {
        CutoverService service = servedBy(store);
        ApiClient api = client(service);
        ObjectNode first = body(Collections.AGENTS, 31);
        String key = "Support-Bot-" + TestStores.uniqueName("k");
        first.put("key", key);
        assertEquals(201, api.post("/api/v1/agents", first).status());
        ObjectNode second = body(Collections.AGENTS, 32);
        second.put("key", key.toUpperCase(java.util.Locale.ROOT));
        Map<String, List<Document>> before = everything();

        ApiClient.Response clash = api.post("/api/v1/agents", second);

        assertEquals(409, clash.status(), clash.text());
        assertEquals("urn:cutover:problem:duplicate", clash.json().get("type").asText());
        assertEquals("key", clash.json().at("/errors/0/field").asText());
        assertEquals(before, everything());
    }

    static Stream<Named<Object[]>> badRequests() {
        ObjectNode valid = body(Collections.AGENTS, 41);
        ObjectNode wrongType = valid.deepCopy().put("chunks", "many");
        ObjectNode missing = valid.deepCopy();
        missing.remove("name");
        ObjectNode outOfRange = valid.deepCopy().put("chunks", 5000);
        ObjectNode badEnum = valid.deepCopy().put("status", "archived");
        ObjectNode nul = valid.deepCopy().put("description", "a\u0000b");
        ObjectNode badId = valid.deepCopy().put("id", "not an id!");
        ObjectNode badTime = valid.deepCopy().put("last_used_at", "yesterday");
        ObjectNode hugeNumber = valid.deepCopy();
        hugeNumber.set("extra_count", new com.fasterxml.jackson.databind.node.BigIntegerNode(
                new java.math.BigInteger("123456789012345678901234567890")));
        return Stream.of(
                Named.of("wrong type", new Object[] {wrongType.toString(), "chunks", "must be a whole number, but was a string"}),
                Named.of("missing required", new Object[] {missing.toString(), "name", "is required"}),
                Named.of("out of range", new Object[] {outOfRange.toString(), "chunks", "must be between 0 and 1000, but was 5000"}),
                Named.of("not allowed", new Object[] {badEnum.toString(), "status", "must be one of [draft, published], but was 'archived'"}),
                Named.of("NUL character", new Object[] {nul.toString(), "description",
                        "contains a NUL character (\\u0000), which PostgreSQL cannot store in text"}),
                Named.of("bad id", new Object[] {badId.toString(), "id", "must be 1 to 128 letters, digits, '_', '.', ':' or '-'"}),
                Named.of("bad timestamp", new Object[] {badTime.toString(), "last_used_at",
                        "must be an ISO-8601 timestamp with a zone, such as 2026-01-31T12:00:00Z, but was 'yesterday'"}),
                Named.of("number beyond int64", new Object[] {hugeNumber.toString(), "extra_count",
                        "is a number beyond the 64-bit integer range, which MongoDB cannot store exactly"}),
                Named.of("invalid JSON", new Object[] {"{\"name\": ", "body", null}),
                Named.of("repeated key", new Object[] {"{\"name\":\"a\",\"name\":\"b\"}", "body", null}),
                Named.of("not an object", new Object[] {"[1,2]", "body", "must be a JSON object, but was an array"}),
                Named.of("invalid UTF-8", new Object[] {new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                        "body", "is not valid UTF-8"}));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void shouldRefuseABadBodyNamingTheFieldAndWriteNothing(Object[] request) {
        for (CutoverService service : List.of(mongoServed, postgresServed)) {
            Map<String, List<Document>> before = everything();

            ApiClient.Response response = client(service).post("/api/v1/agents", request[0]);

            assertEquals(400, response.status(), response.text());
            assertEquals("application/problem+json", response.header("Content-Type"));
            assertEquals(request[1], response.json().at("/errors/0/field").asText(), response.text());
            if (request[2] != null) {
                assertEquals(request[2], response.json().at("/errors/0/problem").asText());
            }
            assertEquals(before, everything());
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldListEveryProblemOfABodyAtOnce(String store) {
        CutoverService service = servedBy(store);
        ObjectNode body = body(Collections.AGENTS, 51);
        body.remove("user_id");
        body.put("chunks", -1);
        body.put("$where", "1");

        ApiClient.Response response = client(service).post("/api/v1/agents", body);

        assertEquals(400, response.status());
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(error -> fields.add(error.get("field").asText()));
        assertEquals(List.of("user_id", "chunks", "$where"), fields);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldAnswerEachOtherErrorClassAsAProblemAndWriteNothing(String store) {
        CutoverService service = servedBy(store);
        ApiClient api = client(service);
        String existing = api.post("/api/v1/feedback", body(Collections.FEEDBACK, 61)).json().get("id").asText();
        Map<String, List<Document>> before = everything();
        String big = "{\"name\":\"" + "x".repeat(MAX_BODY) + "\"}";

        ApiClient.Response unknownId = api.get("/api/v1/prompts/" + dev.cutover.document.DocumentIds.next());
        ApiClient.Response unknownCollection = api.get("/api/v1/recipes");
        ApiClient.Response badPathId = api.get("/api/v1/prompts/bad%20id");
        ApiClient.Response tooLarge = api.post("/api/v1/prompts", big);
        ApiClient.Response wrongMediaType = api.send("POST", "/api/v1/prompts", "{}", Map.of("Content-Type", "text/plain"));
        ApiClient.Response changeEvent = api.put("/api/v1/feedback/" + existing, body(Collections.FEEDBACK, 62));
        ApiClient.Response deleteEvent = api.delete("/api/v1/feedback/" + existing);
        ApiClient.Response unknownFilter = api.get("/api/v1/prompts?colour=blue");
        ApiClient.Response badCursor = api.get("/api/v1/prompts?cursor=garbage");

        assertProblem(unknownId, 404, "not-found");
        assertProblem(unknownCollection, 404, "not-found");
        assertTrue(unknownCollection.json().get("detail").asText().contains("the collections are [users, prompts"));
        assertProblem(badPathId, 400, "invalid-request");
        assertProblem(tooLarge, 413, "body-too-large");
        assertProblem(wrongMediaType, 415, "unsupported-media-type");
        assertProblem(changeEvent, 405, "method-not-allowed");
        assertProblem(deleteEvent, 405, "method-not-allowed");
        assertProblem(unknownFilter, 400, "invalid-request");
        assertEquals("colour", unknownFilter.json().at("/errors/0/field").asText());
        assertProblem(badCursor, 400, "invalid-request");
        assertEquals(before, everything());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldAdmitOnlyTheDataTokenToTheDataApi(String store) {
        CutoverService service = servedBy(store);
        ApiClient anonymous = new ApiClient(service.port(), null);
        ApiClient wrong = new ApiClient(service.port(), "not-the-token-at-all-1234");
        ApiClient admin = new ApiClient(service.port(), TestStores.ADMIN_TOKEN);
        Map<String, List<Document>> before = everything();

        ApiClient.Response noToken = anonymous.post("/api/v1/prompts", body(Collections.PROMPTS, 71));
        ApiClient.Response wrongToken = wrong.get("/api/v1/prompts");
        ApiClient.Response adminToken = admin.get("/api/v1/prompts");
        ApiClient.Response health = anonymous.get("/health");

        assertProblem(noToken, 401, "unauthorized");
        assertEquals("Bearer realm=\"cutover\"", noToken.header("WWW-Authenticate"));
        assertProblem(wrongToken, 401, "unauthorized");
        assertProblem(adminToken, 401, "unauthorized");
        assertEquals(200, health.status());
        assertEquals(before, everything());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldAppendEditTruncateRateShareAndRenameAConversation(String store) {
        CutoverService service = servedBy(store);
        ApiClient api = client(service);
        ObjectNode conversation = body(Collections.CONVERSATIONS, 81);
        conversation.putArray("queries").addObject().put("prompt", "first question").put("response", "first answer");
        String path = "/api/v1/conversations/" + api.post("/api/v1/conversations", conversation).json().get("id").asText();

        ApiClient.Response appended = api.post(path + "/messages", Map.of("prompt", "second", "response", "two"));
        api.post(path + "/messages", Map.of("prompt", "third", "response", "three"));
        ApiClient.Response edited = api.put(path + "/messages/1", Map.of("prompt", "second, reworded"));
        ApiClient.Response rated = api.put(path + "/messages/0/feedback", Map.of("feedback", "like"));
        ApiClient.Response badRating = api.put(path + "/messages/0/feedback", Map.of("feedback", "meh"));
        ApiClient.Response noSuchMessage = api.put(path + "/messages/9/feedback", Map.of("feedback", "like"));
        ApiClient.Response shared = api.post(path + "/share", null);
        ApiClient.Response renamed = api.patch(path, Map.of("name", "Renamed"));

        assertEquals(201, appended.status(), appended.text());
        assertEquals(2, appended.json().get("queries").size());
        assertEquals(List.of("first question", "second, reworded"), prompts(edited.json()));
        assertTrue(edited.json().at("/queries/1/response").isNull());
        assertEquals("like", rated.json().at("/queries/0/feedback").asText());
        assertProblem(badRating, 400, "invalid-request");
        assertEquals("queries[0].feedback", badRating.json().at("/errors/0/field").asText());
        assertProblem(noSuchMessage, 404, "not-found");
        assertFalse(shared.json().get("shared_token").isNull());
        assertEquals("Renamed", renamed.json().get("name").asText());
        assertEquals(List.of("first question", "second, reworded"), prompts(renamed.json()));
        assertEquals(6, renamed.json().get("version").asLong());
    }

    private static List<String> prompts(JsonNode conversation) {
        List<String> prompts = new ArrayList<>();
        conversation.get("queries").forEach(message -> prompts.add(message.get("prompt").asText()));
        return prompts;
    }

    private static void assertProblem(ApiClient.Response response, int status, String type) {
        assertEquals(status, response.status(), response.text());
        assertEquals("application/problem+json", response.header("Content-Type"), response.text());
        assertEquals("urn:cutover:problem:" + type, response.json().get("type").asText(), response.text());
        assertEquals(status, response.json().get("status").asInt());
        assertNotNull(response.json().get("detail"));
    }
}
