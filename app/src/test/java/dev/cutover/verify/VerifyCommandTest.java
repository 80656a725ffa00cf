package dev.cutover.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.Cutover;
import dev.cutover.ExitCode;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import dev.cutover.postgres.PostgresBootstrap;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/** {@code cutover verify} as an operator runs it, on real stores: one database for the class, emptied after each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PostgresUri database = TestStores.freshDatabase();
    private final String mongoName = TestStores.uniqueName("verify");
    private final MongoDatabase mongo = TestStores.mongoClient().getDatabase(mongoName);
    private final HikariDataSource pool;
    private final SampleDocuments samples = new SampleDocuments(11);

    private record Run(int exitCode, String out, String err) {
    }

    VerifyCommandTest() {
        new PostgresBootstrap(Duration.ofSeconds(10)).ensureDatabase(database, true);
        new SchemaMigrator(database).migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setDataSourceProperties(database.connectionProperties());
        config.setMaximumPoolSize(4);
        pool = new HikariDataSource(config);
    }

    @AfterEach
    void emptyStores() {
        mongo.drop();
        TestStores.admin(database.database(), "TRUNCATE " + String.join(", ",
                Collections.ALL.stream().map(CollectionSpec::name).toList())
                + ", tombstones, drift_reports, flag_state CASCADE");
    }

    @AfterAll
    void close() {
        pool.close();
    }

    /** Runs verify with a short re-check delay: nothing writes while it runs, unless a test says so. */
    private Run verify(Map<String, String> variables, String... args) {
        List<String> arguments = new ArrayList<>(List.of("verify", "--recheck-delay", "0.2"));
        arguments.addAll(List.of(args));
        return command(variables, arguments);
    }

    private Run command(Map<String, String> variables, List<String> arguments) {
        Map<String, String> environment = new HashMap<>();
        environment.put("POSTGRES_URI", TestStores.rawUri(database));
        environment.put("MONGO_URI", TestStores.mongo());
        environment.put("MONGO_DB_NAME", mongoName);
        environment.putAll(variables);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Cutover.commandLine(environment);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(arguments.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    private Run verify(String... args) {
        return verify(Map.of(), args);
    }

    private DocumentRepository onMongo(CollectionSpec spec) {
        MongoDocumentRepository repository = new MongoDocumentRepository(spec, mongo);
        repository.ensureIndexes();
        return repository;
    }

    private DocumentRepository onPostgres(CollectionSpec spec) {
        return new PostgresDocumentRepository(spec, pool);
    }

    private Document both(CollectionSpec spec, Document document) {
        onMongo(spec).insert(document);
        onPostgres(spec).insert(document);
        return document;
    }

    /** A prompt in one store only, one in the other only, and one that differs; returns them in that order. */
    private List<Document> drift() {
        Document inMongo = onMongo(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS));
        Document inPostgres = onPostgres(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS));
        Document differing = both(Collections.PROMPTS, samples.next(Collections.PROMPTS).with("name", "draft"));
        onPostgres(Collections.PROMPTS).replace(differing.with("name", "final").withVersion(2), 1);
        return List.of(inMongo, inPostgres, differing);
    }

    @Test
    void shouldExitZeroWithTheTableWhenTheStoresAgree() {
        for (int i = 0; i < 3; i++) {
            both(Collections.PROMPTS, samples.next(Collections.PROMPTS));
            both(Collections.CONVERSATIONS, samples.next(Collections.CONVERSATIONS));
        }

        Run run = verify("--tables", "prompts,conversations");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().matches("(?s).*\\nprompts +MONGO_ONLY +3 +3 +0 +0 +0 +0 +[0-9.]+\\n.*"), run.out());
        assertTrue(run.out().matches("(?s).*\\nconversations +MONGO_ONLY +3 +3 +0 +0 +0 +0 +[0-9.]+\\n.*"), run.out());
        assertTrue(run.out().strip().endsWith("The stores agree."), run.out());
    }

    @Test
    void shouldExitWithDriftAndShowEachDriftingIdWithWhatDiffers() {
        List<Document> drifted = drift();

        Run run = verify("--tables", "prompts");

        assertEquals(ExitCode.DRIFT.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.out().matches("(?s).*\\nprompts +MONGO_ONLY +2 +2 +1 +1 +1 +0 +[0-9.]+\\n.*"), run.out());
        assertTrue(run.out().contains("  " + drifted.get(0).id() + "  missing in postgres\n    version: 1 -> (absent)\n"),
                run.out());
        assertTrue(run.out().contains("  " + drifted.get(1).id() + "  missing in mongo\n    version: (absent) -> 1\n"),
                run.out());
        assertTrue(run.out().contains("  " + drifted.get(2).id() + "  differs\n    version: 1 -> 2\n"
                + "    name: \"draft\" -> \"final\"\n"), run.out());
        assertTrue(run.out().contains("The stores differ in prompts. Fix: run 'cutover verify --repair --tables "
                + "prompts'"), run.out());
    }

    @Test
    void shouldPrintOneJsonDocumentWithCountsIdsAndDifferences() throws Exception {
        List<Document> drifted = drift();
        both(Collections.USERS, samples.next(Collections.USERS));

        Run run = verify("--tables", "users,prompts", "--json", "--show", "1");

        assertEquals(ExitCode.DRIFT.code(), run.exitCode(), run.err());
        JsonNode body = JSON.readTree(run.out());
        assertFalse(body.path("agree").booleanValue());
        assertTrue(body.path("seconds").isNumber());
        assertEquals(List.of("users", "prompts"), body.path("collections").findValuesAsText("name"));
        JsonNode users = body.path("collections").path(0);
        assertTrue(users.path("agree").booleanValue());
        assertEquals(1, users.path("compared").path("mongo").intValue());
        JsonNode prompts = body.path("collections").path(1).path("compared");
        assertEquals("mongo", body.path("collections").path(1).path("source_of_truth").asText());
        assertEquals(2, prompts.path("mongo").intValue());
        assertEquals(1, prompts.path("missing_in_postgres").intValue());
        assertEquals(1, prompts.path("missing_in_mongo").intValue());
        assertEquals(1, prompts.path("differing").intValue());
        assertEquals(drifted.get(0).id(), prompts.path("first").path("missing_in_postgres").path(0).path("id").asText());
        assertEquals(drifted.get(1).id(), prompts.path("first").path("missing_in_mongo").path(0).path("id").asText());
        JsonNode differing = prompts.path("first").path("differing").path(0);
        assertEquals(drifted.get(2).id(), differing.path("id").asText());
        assertEquals("name", differing.path("differences").path(1).path("path").asText());
        assertEquals("draft", differing.path("differences").path(1).path("mongo").asText());
        assertEquals("final", differing.path("differences").path(1).path("postgres").asText());
        assertFalse(prompts.path("first").path("missing_in_postgres").path(0).path("differences").path(0).has("postgres"));
        assertFalse(body.path("repair").booleanValue());
    }

    @Test
    void shouldRepairFromMongoWhenItIsTheSourceOfTruthThenAgreeOnTheNextRun() {
        List<Document> drifted = drift();
        // PostgreSQL holds a newer version with other content: MongoDB's still wins, being the source of truth.
        Document newerInPostgres = both(Collections.PROMPTS, samples.next(Collections.PROMPTS).with("name", "mine"));
        onPostgres(Collections.PROMPTS).replace(newerInPostgres.with("name", "theirs").withVersion(5), 1);
        Map<String, String> dualWrite = Map.of("USE_POSTGRES", "true");

        Run repair = verify(dualWrite, "--tables", "prompts", "--repair");
        Run again = verify(dualWrite, "--tables", "prompts");

        assertEquals(0, repair.exitCode(), repair.out() + repair.err());
        assertTrue(repair.out().contains("  prompts (source of truth mongo): 4 repaired, 0 unchanged, 0 failed"),
                repair.out());
        assertTrue(repair.out().matches("(?s).*After the repair:\\n\\nCOLLECTION.*\\nprompts +DUAL_WRITE +3 +3 +0 +0 +0 .*"),
                repair.out());
        assertEquals(0, again.exitCode(), again.out());
        assertEquals(Optional.of(drifted.get(0)), onPostgres(Collections.PROMPTS).get(drifted.get(0).id()));
        assertEquals(Optional.empty(), onPostgres(Collections.PROMPTS).get(drifted.get(1).id()));
        assertTrue(onPostgres(Collections.PROMPTS).tombstone(drifted.get(1).id()).isPresent());
        assertEquals(Optional.of(drifted.get(2)), onPostgres(Collections.PROMPTS).get(drifted.get(2).id()));
        assertEquals(Optional.of(newerInPostgres), onPostgres(Collections.PROMPTS).get(newerInPostgres.id()));
    }

    @Test
    void shouldRepairFromPostgresWhenItIsTheSourceOfTruthDeletionsIncluded() {
        List<Document> drifted = drift();
        TestStores.admin(database.database(), "INSERT INTO flag_state (feature_name, feature_enabled) VALUES "
                + "('USE_POSTGRES', 1), ('READ_POSTGRES', 1), ('POSTGRES_PRIMARY', 1)");

        Run repair = verify("--tables", "prompts", "--repair", "--json");
        Run again = verify("--tables", "prompts");

        assertEquals(0, repair.exitCode(), repair.out() + repair.err());
        JsonNode prompts = readJson(repair.out()).path("collections").path(0);
        assertEquals("POSTGRES_PRIMARY", prompts.path("stage").asText());
        assertEquals("postgres", prompts.path("repair").path("from").asText());
        assertEquals(3, prompts.path("repair").path("repaired").intValue());
        assertEquals(3, prompts.path("compared").path("missing_in_postgres").intValue()
                + prompts.path("compared").path("missing_in_mongo").intValue()
                + prompts.path("compared").path("differing").intValue());
        assertTrue(prompts.path("after_repair").path("agree").booleanValue());
        assertEquals(0, again.exitCode(), again.out());
        DocumentRepository mongoPrompts = onMongo(Collections.PROMPTS);
        assertEquals(Optional.empty(), mongoPrompts.get(drifted.get(0).id()));
        assertTrue(mongoPrompts.tombstone(drifted.get(0).id()).isPresent());
        assertEquals(Optional.of(drifted.get(1)), mongoPrompts.get(drifted.get(1).id()));
        assertEquals("final", mongoPrompts.get(drifted.get(2).id()).orElseThrow().get("name"));
    }

    @Test
    void shouldRefuseAnUnknownTableWithAUsageErrorListingTheValidNames() {
        Run run = verify("--tables", "prompts,chats");

        assertEquals(ExitCode.USAGE.code(), run.exitCode());
        assertTrue(run.err().startsWith("unknown collection chats in --tables; valid names: users, prompts, user_tools,"),
                run.err());
        assertTrue(run.err().contains("Usage: cutover verify"), run.err());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "--show=-1 | --show must be 0 or more, but was -1",
            "--recheck-delay=601 | --recheck-delay must be between 0 and 600 seconds, but was 601.0",
            "--all --tables=users | --tables and --all exclude each other: give one"})
    void shouldRefuseAnOptionOutOfRangeNamingIt(String options, String message) {
        List<String> arguments = new ArrayList<>(List.of("verify"));
        arguments.addAll(List.of(options.split(" ")));

        Run run = command(Map.of(), arguments);

        assertEquals(ExitCode.USAGE.code(), run.exitCode());
        assertTrue(run.err().startsWith(message), run.err());
    }

    @Test
    void shouldExitWithTheMongoCodeAndTheFixWhenMongoCannotBeReached() {
        Run run = verify(Map.of("MONGO_URI", "mongodb://127.0.0.1:1", "MONGO_TIMEOUT", "300ms"), "--tables", "prompts");

        assertEquals(ExitCode.MONGO.code(), run.exitCode(), run.out());
        assertTrue(run.err().startsWith("cutover: MongoDB failed to scan documents in collection 'prompts' (error code "),
                run.err());
        assertTrue(run.err().contains("Fix: check that MongoDB at MONGO_URI is reachable and healthy"), run.err());
    }

    @Test
    void shouldNotReportIdsWrittenToBothStoresWhileVerifyRuns() throws Exception {
        List<Document> existing = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            existing.add(both(Collections.PROMPTS, samples.next(Collections.PROMPTS)));
        }
        DocumentRepository mongoPrompts = onMongo(Collections.PROMPTS);
        DocumentRepository postgresPrompts = onPostgres(Collections.PROMPTS);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        SampleDocuments fresh = new SampleDocuments(99);
        // As the router writes: the source of truth, then the copy; each id once, so a re-read a moment
        // later always finds the write complete.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; running.get() && i < existing.size(); i++) {
                Document updated = existing.get(i).with("name", "renamed " + i).withVersion(2);
                mongoPrompts.replace(updated, 1);
                postgresPrompts.applyIfNewer(updated);
                Document created = fresh.next(Collections.PROMPTS);
                mongoPrompts.insert(created);
                postgresPrompts.applyIfNewer(created);
                writes.incrementAndGet();
            }
        });
        while (writes.get() < 20) {
            Thread.onSpinWait();
        }

        int before = writes.get();
        Run run = verify(Map.of("USE_POSTGRES", "true"), "--tables", "prompts", "--json");
        int during = writes.get() - before;
        running.set(false);
        writer.get();

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(during > 0, "the writer wrote while verify ran");
        assertTrue(readJson(run.out()).path("agree").booleanValue());
    }

    @Test
    void shouldRecordItsResultForEveryReplicasStatusPage() {
        drift();

        verify("--tables", "prompts");

        Map<String, Map<DriftReports.Source, dev.cutover.state.CollectionStatusSource.DriftCheck>> stored =
                new DriftReports(pool).all();
        dev.cutover.state.CollectionStatusSource.DriftCheck check = stored.get("prompts").get(DriftReports.Source.VERIFY);
        assertEquals(List.of("prompts"), List.copyOf(stored.keySet()));
        assertEquals(1, check.missingInPostgres());
        assertEquals(1, check.missingInMongo());
        assertEquals(1, check.differing());
        assertEquals(3, check.sampleIds().size());
        assertFalse(check.agrees());
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
