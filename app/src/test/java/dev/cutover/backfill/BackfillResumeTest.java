package dev.cutover.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoDatabase;
import dev.cutover.TestStores;
import dev.cutover.cli.CommandRun;
import dev.cutover.postgres.PostgresUri;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill killed with SIGKILL in the middle of its work, then resumed, ends exactly where an
 * uninterrupted run ends: the same rows, the same totals, the same rejects.
 */
class BackfillResumeTest {

    private static final int DOCUMENTS = 20_000;

    @TempDir
    Path directory;

    @Test
    void shouldEndAsAnUninterruptedRunWhenKilledAndResumed() throws Exception {
        String mongoName = TestStores.uniqueName("resume");
        seed(TestStores.mongoClient().getDatabase(mongoName));
        PostgresUri uninterrupted = TestStores.freshDatabase();
        PostgresUri killed = TestStores.freshDatabase();

        CommandRun reference = CommandRun.of(environment(uninterrupted, mongoName), "backfill", "--tables", "prompts",
                "--progress", "none", "--rejects", directory.resolve("reference.jsonl").toString());
        assertEquals(0, CommandRun.of(environment(killed, mongoName), "migrate").exitCode());
        long committedWhenKilled = killMidway(environment(killed, mongoName));
        CommandRun resumed = CommandRun.of(environment(killed, mongoName), "backfill", "--tables", "prompts",
                "--resume", "--progress", "none", "--rejects", directory.resolve("resumed.jsonl").toString());

        assertEquals(7, reference.exitCode(), reference.err());
        assertTrue(committedWhenKilled > 0 && committedWhenKilled < DOCUMENTS,
                "the kill did not land mid-run: " + committedWhenKilled + " documents were committed");
        assertEquals(7, resumed.exitCode(), resumed.err());
        for (String query : List.of("SELECT * FROM prompts ORDER BY id",
                "SELECT seen, inserted, updated, unchanged, rejected, finished_at IS NOT NULL FROM backfill_progress",
                "SELECT collection, id, reason, document FROM backfill_rejects ORDER BY id")) {
            assertEquals(rows(uninterrupted, query), rows(killed, query), query);
        }
        assertEquals(DOCUMENTS - DOCUMENTS / 1000, rows(killed, "SELECT id FROM prompts").size());
    }

    /** Starts the real command line in its own JVM, kills it with SIGKILL once it has committed some batches. */
    private static long killMidway(Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.cutover.Cutover", "backfill",
                "--tables", "prompts", "--batch-size", "100", "--progress", "none")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        PostgresUri database = PostgresUri.parse(environment.get("POSTGRES_URI"));
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
            Process process = builder.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (System.nanoTime() < deadline && process.isAlive() && committed(connection) < DOCUMENTS / 10) {
                    Thread.sleep(2);
                }
            } finally {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            return committed(connection);
        }
    }

    private static long committed(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT coalesce(max(seen), 0) FROM backfill_progress")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static List<String> rows(PostgresUri database, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(query)) {
            ResultSetMetaData columns = row.getMetaData();
            while (row.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    line.append(row.getString(i)).append('|');
                }
                rows.add(line.toString());
            }
        }
        return rows;
    }

    /** Legacy prompts, without versions, one in a thousand holding a NUL character PostgreSQL refuses. */
    private static void seed(MongoDatabase mongo) {
        List<org.bson.Document> batch = new ArrayList<>();
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < DOCUMENTS; i++) {
            batch.add(new org.bson.Document("_id", i % 3 == 0 ? "prompt-" + i : new ObjectId())
                    .append("userId", "user-" + i % 97)
                    .append("name", "prompt " + i)
                    .append("content", i % 1000 == 7 ? "broken\u0000" : "Summarise the text below in " + i + " words.")
                    .append("createdAt", Date.from(start.plusSeconds(i))));
            if (batch.size() == 5000) {
                mongo.getCollection("prompts").insertMany(batch);
                batch = new ArrayList<>();
            }
        }
    }

    private static Map<String, String> environment(PostgresUri database, String mongoName) {
        Map<String, String> environment = new HashMap<>();
        environment.put("POSTGRES_URI", TestStores.rawUri(database));
        environment.put("MONGO_URI", TestStores.mongo());
        environment.put("MONGO_DB_NAME", mongoName);
        environment.put("USE_POSTGRES", "true");
        return environment;
    }
}
