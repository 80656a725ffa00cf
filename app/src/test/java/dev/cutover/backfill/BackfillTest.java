package dev.cutover.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.DBRef;
import com.mongodb.client.MongoDatabase;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.ExitCode;
import dev.cutover.TestStores;
import dev.cutover.cli.CommandRun;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import dev.cutover.postgres.PostgresUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cutover backfill} through its command line, on real stores. */
class BackfillTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private PostgresUri database;
    private String mongoName;
    private MongoDatabase mongo;
    private HikariDataSource pool;
    private Map<String, String> environment;

    @BeforeEach
    void createStores() {
        database = TestStores.freshDatabase();
        mongoName = TestStores.uniqueName("backfill");
        mongo = TestStores.mongoClient().getDatabase(mongoName);
        environment = new HashMap<>(Map.of("POSTGRES_URI", TestStores.rawUri(database), "MONGO_URI", TestStores.mongo(),
                "MONGO_DB_NAME", mongoName, "USE_POSTGRES", "true", "MIGRATION_PHASE", "3"));
        // The schema, as the first backfill would create it, so tests can arrange rows beforehand.
        assertEquals(0, CommandRun.of(environment, "migrate").exitCode());
        pool = pool(database);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void shouldCopyEveryCollectionSoThatBothStoresReadTheSameDocuments() {
        Map<CollectionSpec, List<Document>> written = seed(40);

        CommandRun run = backfill("--all");

        assertEquals(0, run.exitCode(), run.err());
        for (Map.Entry<CollectionSpec, List<Document>> collection : written.entrySet()) {
            DocumentRepository postgres = postgres(collection.getKey());
            for (Document document : collection.getValue()) {
                assertEquals(mongo(collection.getKey()).get(document.id()).orElseThrow(),
                        postgres.get(document.id()).orElseThrow(), collection.getKey().name());
            }
        }
        assertTrue(summaryLine(run, "total").matches("total\\s+720\\s+720\\s+0\\s+0\\s+0\\s+[0-9.]+"),
                summaryLine(run, "total"));
    }

    @Test
    void shouldChangeNoRowWhenRunAgain() throws SQLException {
        seed(25);
        assertEquals(0, backfill("--all").exitCode());
        Map<String, String> before = rowVersions();

        CommandRun again = backfill("--all");

        assertEquals(0, again.exitCode(), again.err());
        assertEquals(before, rowVersions(), "a second run rewrote rows");
        assertTrue(summaryLine(again, "total").matches("total\\s+450\\s+0\\s+0\\s+450\\s+0\\s+[0-9.]+"),
                summaryLine(again, "total"));
    }

    @Test
    void shouldNeverOverwriteANewerRowNorUndoALaterDeleteButRefreshAnOlderOne() {
        CollectionSpec prompts = Collections.PROMPTS;
        SampleDocuments samples = new SampleDocuments(3);
        Document newerInPostgres = samples.next(prompts).withVersion(3);
        Document olderInPostgres = samples.next(prompts).withVersion(3);
        Document staleAtSameVersion = samples.next(prompts).withVersion(3);
        Document deletedInPostgres = samples.next(prompts).withVersion(3);
        for (Document document : List.of(newerInPostgres, olderInPostgres, staleAtSameVersion, deletedInPostgres)) {
            mongo(prompts).applyIfNewer(document);
        }
        DocumentRepository postgres = postgres(prompts);
        Document newer = newerInPostgres.with("content", "written live while backfill ran").withVersion(5);
        postgres.applyIfNewer(newer);
        postgres.applyIfNewer(olderInPostgres.with("content", "an old copy").withVersion(1));
        postgres.applyIfNewer(staleAtSameVersion.with("content", "a copy that missed a change"));
        postgres.applyDelete(deletedInPostgres.id(), 4);

        CommandRun run = backfill("--tables", "prompts");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(newer, postgres.get(newerInPostgres.id()).orElseThrow());
        assertEquals(olderInPostgres, postgres.get(olderInPostgres.id()).orElseThrow());
        assertEquals(staleAtSameVersion, postgres.get(staleAtSameVersion.id()).orElseThrow());
        assertTrue(postgres.get(deletedInPostgres.id()).isEmpty(), "a delete was undone");
        assertTrue(summaryLine(run, "prompts").matches("prompts\\s+4\\s+0\\s+2\\s+2\\s+0\\s+[0-9.]+"),
                summaryLine(run, "prompts"));
    }

    @Test
    void shouldLeaveEventsAlreadyCopiedAsTheyAreWithoutDuplicates() throws SQLException {
        CollectionSpec feedback = Collections.FEEDBACK;
        SampleDocuments samples = new SampleDocuments(4);
        List<Document> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(mongo(feedback).insert(samples.next(feedback)));
        }
        for (Document event : events.subList(0, 6)) {
            postgres(feedback).insert(event);
        }

        CommandRun run = backfill("--tables", "feedback");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(10L, count("SELECT count(*) FROM feedback"));
        assertTrue(summaryLine(run, "feedback").matches("feedback\\s+10\\s+4\\s+0\\s+6\\s+0\\s+[0-9.]+"),
                summaryLine(run, "feedback"));
    }

    @Test
    void shouldMapLegacyShapesKeepUnknownFieldsAndListWhatCannotBeStoredWithItsReason() throws IOException {
        ObjectId owner = new ObjectId();
        Map<String, org.bson.Document> storable = new LinkedHashMap<>();
        storable.put("camelCase names", new org.bson.Document("_id", new ObjectId()).append("userId", "u-1")
                .append("name", "search").append("displayName", "Search").append("customName", "My search"));
        storable.put("missing optional fields", new org.bson.Document("_id", new ObjectId()).append("user_id", "u-2")
                .append("name", "bare"));
        storable.put("wrong types", new org.bson.Document("_id", "legacy-tool-3").append("user_id", "u-3")
                .append("createdAt", "2024-03-01 10:00:00")
                .append("name", "typed").append("status", "yes").append("actions", 7));
        storable.put("a string where an object belongs", new org.bson.Document("_id", new ObjectId())
                .append("user_id", "u-4").append("name", "config as text").append("config", "{\"region\": \"eu\"}"));
        storable.put("a DBRef", new org.bson.Document("_id", new ObjectId()).append("user", new DBRef("users", owner))
                .append("name", "referenced"));
        storable.put("extra top-level fields", new org.bson.Document("_id", new ObjectId()).append("user_id", "u-6")
                .append("name", "extra").append("legacyFlag", true).append("nested", new org.bson.Document("a", 1)));
        storable.put("a huge document", new org.bson.Document("_id", new ObjectId()).append("user_id", "u-7")
                .append("name", "huge").append("description", "x".repeat(6 * 1024 * 1024)));
        Map<String, org.bson.Document> rejected = new LinkedHashMap<>();
        rejected.put("NUL character", new org.bson.Document("_id", "nul-in-text").append("user_id", "u-8")
                .append("name", "a\u0000b"));
        rejected.put("NUL in an unknown field", new org.bson.Document("_id", "nul-in-extra").append("user_id", "u-9")
                .append("name", "nested").append("notes", new org.bson.Document("first", List.of("ok", "b\u0000d"))));
        rejected.put("required field missing", new org.bson.Document("_id", "no-name").append("user_id", "u-10"));
        rejected.put("_id of another type", new org.bson.Document("_id", 42).append("user_id", "u-11")
                .append("name", "numbered"));
        rejected.put("string _id in ObjectId form", new org.bson.Document("_id", new ObjectId().toHexString())
                .append("user_id", "u-12").append("name", "text id"));
        mongo.getCollection("user_tools").insertMany(new ArrayList<>(storable.values()));
        mongo.getCollection("user_tools").insertMany(new ArrayList<>(rejected.values()));
        Path rejects = directory.resolve("rejects.jsonl");

        CommandRun run = backfill("--tables", "user_tools", "--batch-size", "5", "--rejects", rejects.toString());

        assertEquals(ExitCode.REJECTED.code(), run.exitCode(), run.err());
        DocumentRepository postgres = postgres(Collections.USER_TOOLS);
        for (Map.Entry<String, org.bson.Document> shape : storable.entrySet()) {
            String id = String.valueOf(shape.getValue().get("_id"));
            assertEquals(mongo(Collections.USER_TOOLS).get(id).orElseThrow(), postgres.get(id).orElseThrow(), shape.getKey());
        }
        Document camel = postgres.get(storable.get("camelCase names").getObjectId("_id").toHexString()).orElseThrow();
        assertEquals("u-1", camel.get("user_id"));
        assertEquals("My search", camel.get("custom_name"));
        Document typed = postgres.get("legacy-tool-3").orElseThrow();
        assertEquals(true, typed.get("status"));
        assertEquals("yes", typed.extra().get("status"));
        assertEquals(owner.toHexString(), postgres.get(storable.get("a DBRef").getObjectId("_id").toHexString())
                .orElseThrow().get("user_id"));
        assertEquals(true, postgres.get(storable.get("extra top-level fields").getObjectId("_id").toHexString())
                .orElseThrow().extra().get("legacyFlag"));

        Map<String, String> reasons = new HashMap<>();
        for (String line : Files.readAllLines(rejects)) {
            JsonNode reject = JSON.readTree(line);
            assertEquals("user_tools", reject.get("collection").asText());
            assertFalse(reject.get("document").asText().isEmpty());
            reasons.put(reject.get("id").asText(), reject.get("reason").asText());
        }
        assertEquals(rejected.size(), reasons.size(), reasons.toString());
        assertTrue(reasons.get("nul-in-text").contains("name contains a NUL character"), reasons.get("nul-in-text"));
        assertTrue(reasons.get("nul-in-extra").contains("notes.first[1] contains a NUL character"),
                reasons.get("nul-in-extra"));
        assertTrue(reasons.get("no-name").contains("name is required"), reasons.get("no-name"));
        assertTrue(reasons.get("42").contains("_id is of type Integer"), reasons.get("42"));
        String textId = rejected.get("string _id in ObjectId form").getString("_id");
        assertTrue(reasons.get(textId).contains("string in ObjectId form"), reasons.get(textId));
        assertTrue(run.out().contains("5 document(s) could not be stored; each is listed with its reason in " + rejects),
                run.out());
    }

    @Test
    void shouldRejectOnlyTheRowThatBreaksAUniqueKeyAndWriteTheRestOfItsBatch() throws IOException {
        List<org.bson.Document> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(new org.bson.Document("_id", "user-" + i).append("user_id", i == 5 ? "same" : "person-" + i)
                    .append("created_at", new java.util.Date()));
        }
        users.add(new org.bson.Document("_id", "user-9").append("user_id", "same").append("created_at", new java.util.Date()));
        mongo.getCollection("users").insertMany(users);
        Path rejects = directory.resolve("rejects.jsonl");

        CommandRun run = backfill("--tables", "users", "--rejects", rejects.toString());

        assertEquals(ExitCode.REJECTED.code(), run.exitCode(), run.err());
        JsonNode reject = JSON.readTree(Files.readAllLines(rejects).get(0));
        assertEquals("user-9", reject.get("id").asText());
        assertTrue(reject.get("reason").asText().contains("duplicate key value violates unique constraint"),
                reject.get("reason").asText());
        assertEquals(8L, count("SELECT count(*) FROM users"));
    }

    @Test
    void shouldReportWhatWouldChangeAndWriteNothingOnADryRun() throws SQLException, IOException {
        CollectionSpec prompts = Collections.PROMPTS;
        SampleDocuments samples = new SampleDocuments(5);
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            documents.add(mongo(prompts).insert(samples.next(prompts)));
        }
        postgres(prompts).applyIfNewer(documents.get(0));
        postgres(prompts).applyIfNewer(documents.get(1).with("content", "stale"));
        mongo.getCollection("prompts").insertOne(new org.bson.Document("_id", "broken").append("user_id", "u")
                .append("name", "n\u0000").append("content", "c"));
        Path rejects = directory.resolve("dry.jsonl");

        CommandRun run = backfill("--tables", "prompts", "--dry-run", "--rejects", rejects.toString());

        assertEquals(ExitCode.REJECTED.code(), run.exitCode(), run.err());
        assertTrue(summaryLine(run, "prompts").matches("prompts\\s+13\\s+10\\s+1\\s+1\\s+1\\s+[0-9.]+"),
                summaryLine(run, "prompts"));
        assertTrue(run.out().contains("would insert") && run.out().contains("Dry run: nothing was written"), run.out());
        assertEquals(2L, count("SELECT count(*) FROM prompts"));
        assertEquals("stale", postgres(prompts).get(documents.get(1).id()).orElseThrow().get("content"));
        assertEquals(0L, count("SELECT count(*) FROM backfill_progress"));
        assertEquals(1, Files.readAllLines(rejects).size());
    }

    @Test
    void shouldRefuseAnUnknownCollectionListingTheValidOnes() {
        CommandRun run = backfill("--tables", "users,prompt");

        assertEquals(ExitCode.USAGE.code(), run.exitCode());
        assertTrue(run.err().contains("unknown collection prompt in --tables; valid names: users, prompts, "), run.err());
    }

    @Test
    void shouldRefuseBadOptionsNamingTheOption() {
        assertTrue(backfill("--batch-size", "0").err().contains("--batch-size must be between 1 and 50000, but was 0"));
        assertTrue(backfill("--resume", "--restart").err().contains("--resume and --restart exclude each other"));
        assertTrue(backfill("--dry-run", "--resume").err().contains("--dry-run reads everything from the start"));
        assertEquals(ExitCode.USAGE.code(), backfill("--parallel", "99").exitCode());
    }

    @Test
    void shouldCopyOnlyTheActivePhasesCollectionsByDefaultAndSkipThoseWhoseSourceOfTruthIsPostgres() {
        seed(3);
        environment.put("MIGRATION_PHASE", "1");

        CommandRun run = backfill();

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("users "), run.out());
        assertFalse(run.out().contains("conversations"), run.out());
        assertEquals(0L, count("SELECT count(*) FROM conversations"));
        assertEquals(3L, count("SELECT count(*) FROM users"));
    }

    @Test
    void shouldRefuseToStartOverAnUnfinishedRunUntilToldToResumeOrRestart() throws SQLException {
        seed(30);
        assertEquals(0, backfill("--tables", "users").exitCode());
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            // As a run killed after its first ten documents leaves it.
            statement.execute("DELETE FROM users WHERE id IN (SELECT id FROM users ORDER BY id OFFSET 10)");
            statement.execute("UPDATE backfill_progress SET finished_at = NULL, seen = 10, inserted = 10, last_id = "
                    + "(SELECT max(id) FROM users)");
        }

        CommandRun refused = backfill("--tables", "users");
        CommandRun resumed = backfill("--tables", "users", "--resume");

        assertEquals(ExitCode.USAGE.code(), refused.exitCode());
        assertTrue(refused.err().contains("an earlier backfill stopped before finishing users (10 documents done). Fix: "
                + "run 'cutover backfill --resume'"), refused.err());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(30L, count("SELECT count(*) FROM users"));
        assertTrue(summaryLine(resumed, "users").matches("users\\s+30\\s+30\\s+0\\s+0\\s+0\\s+[0-9.]+"),
                summaryLine(resumed, "users"));
    }

    @Test
    void shouldShowABarPerCollectionOnATerminalAndPlainLinesElsewhere() {
        BackfillMeters meters = BackfillMeters.unread();
        ProgressBoard.Tracker users = new ProgressBoard.Tracker("users", meters);
        ProgressBoard.Tracker prompts = new ProgressBoard.Tracker("prompts", meters);
        users.start(1000, 0);
        users.advance(new Counts(250, 250, 0, 0, 0));
        java.io.StringWriter bars = new java.io.StringWriter();
        java.io.StringWriter lines = new java.io.StringWriter();

        new ProgressBoard(List.of(users, prompts), BackfillOptions.ProgressStyle.BARS, new java.io.PrintWriter(bars), false)
                .show();
        new ProgressBoard(List.of(users, prompts), BackfillOptions.ProgressStyle.LINES, new java.io.PrintWriter(lines),
                false).show();

        assertTrue(bars.toString().contains("users   [######------------------]  25%  250/1,000  "), bars.toString());
        assertTrue(bars.toString().contains("prompts [------------------------]   0%  0/0  waiting"), bars.toString());
        assertTrue(lines.toString().startsWith("backfill users: 250/1,000 copied (25%), "), lines.toString());
        assertFalse(lines.toString().contains("prompts"), lines.toString());
    }

    private CommandRun backfill(String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "backfill";
        args[1] = "--progress";
        args[2] = "none";
        System.arraycopy(options, 0, args, 3, options.length);
        return CommandRun.of(environment, args);
    }

    /** Writes {@code perCollection} sample documents into MongoDB for every collection. */
    private Map<CollectionSpec, List<Document>> seed(int perCollection) {
        SampleDocuments samples = new SampleDocuments(perCollection);
        Map<CollectionSpec, List<Document>> written = new LinkedHashMap<>();
        for (CollectionSpec spec : Collections.ALL) {
            List<Document> documents = new ArrayList<>();
            for (int i = 0; i < perCollection; i++) {
                documents.add(mongo(spec).insert(samples.next(spec)));
            }
            written.put(spec, documents);
        }
        return written;
    }

    private static String summaryLine(CommandRun run, String collection) {
        return run.out().lines().map(String::strip).filter(line -> line.startsWith(collection + " "))
                .reduce((first, last) -> last).orElse("(no summary line for " + collection + ")");
    }

    /** Every row's system version (xmin) by table and id: any rewrite changes it. */
    private Map<String, String> rowVersions() throws SQLException {
        Map<String, String> versions = new HashMap<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (CollectionSpec spec : Collections.ALL) {
                try (ResultSet row = statement.executeQuery("SELECT id, xmin::text FROM " + spec.name())) {
                    while (row.next()) {
                        versions.put(spec.name() + "/" + row.getString(1), row.getString(2));
                    }
                }
            }
        }
        return versions;
    }

    private long count(String sql) {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private DocumentRepository mongo(CollectionSpec spec) {
        return new MongoDocumentRepository(spec, mongo);
    }

    private DocumentRepository postgres(CollectionSpec spec) {
        return new PostgresDocumentRepository(spec, pool);
    }

    private static HikariDataSource pool(PostgresUri database) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername(database.user());
        pool.setPassword(database.password());
        pool.setMaximumPoolSize(2);
        return pool;
    }
}
