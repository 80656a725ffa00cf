package dev.cutover.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import dev.cutover.TestStores;
import dev.cutover.document.CollectionSpec;
import dev.cutover.postgres.PostgresUri;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Backfill and verify against the limits of the stores, measured, not asserted. In one run on the
 * same stores: loads N documents shaped like real ones into MongoDB (a server in a JVM of its own),
 * then times a bare scan of them (the source's limit), a COPY of the same rows into empty copies of
 * the tables (the target's limit), the seed scripts' batched {@code INSERT ... ON CONFLICT}, and
 * {@code cutover backfill --all} then {@code cutover verify --all}, each run as an operator runs it:
 * a process of its own with {@code -Xmx256m}. Steps a build does not have are reported as such.
 * Each step also reports the CPU time it took of the client, the MongoDB server and PostgreSQL
 * per row: wall time swings with whatever else the machine runs, CPU time hardly does, and it
 * bounds how fast a step can go on the machine's cores.
 * Not part of the test suite; run it with
 * {@code mvn -B test -pl app -am -Dtest=BackfillBenchmark -Dgroups=benchmark -Dcutover.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false -Dcutover.benchmark.documents=1000000}
 * and read {@code app/target/benchmark-backfill.txt}. {@code -Dcutover.benchmark.documents} sets N
 * (1,000,000 by default, at least 7), {@code -Dcutover.benchmark.mongoHeap} the MongoDB server's
 * heap (8g by default, enough for a million documents). The commands' output and GC logs are kept
 * in {@code app/target/benchmark-backfill/}.
 */
@Tag("benchmark")
class BackfillBenchmark {

    private static final int DOCUMENTS = Integer.getInteger("cutover.benchmark.documents", 1_000_000);
    /** The MongoDB server's heap: about 8 GB holds a million documents in its memory backend. */
    private static final String MONGO_HEAP = System.getProperty("cutover.benchmark.mongoHeap", "8g");
    private static final String COMMAND_HEAP = "256m";
    /** Rows per JDBC batch and commit in the seed scripts' baseline. */
    private static final int SEED_BATCH = 1000;
    private static final int SCAN_BATCH = 1000;
    private static final long SEED = 2026;
    private static final String NOT_AVAILABLE = "not available in this build";

    /**
     * One timed step, with the CPU time it took of each party and the machine's load average when it
     * ended: other work on the machine skews its wall time, hardly its CPU time.
     */
    private record Step(String name, long rows, double seconds, CpuTime.Reading cpu, String load) {
        Step(String name, long rows, double seconds, CpuTime.Reading cpu) {
            this(name, rows, seconds, cpu, BenchmarkReport.load());
        }

        double rate() {
            return rows / seconds;
        }

        /** Microseconds of CPU per row, all parties together. */
        double cpuPerRow() {
            return cpu.total() / rows * 1e6;
        }

        /** The rate this step could reach at most if it kept every core of the machine busy. */
        double ceiling() {
            return Runtime.getRuntime().availableProcessors() / (cpu.total() / rows);
        }
    }

    @Test
    void shouldMeasureBackfillAndVerifyAgainstTheStoresLimits() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "benchmark-backfill"));
        // Logs of an earlier run would pass for this one's.
        try (Stream<Path> earlier = Files.list(work)) {
            for (Path file : earlier.toList()) {
                Files.delete(file);
            }
        }
        String loadAtStart = BenchmarkReport.load();
        Map<CollectionSpec, Integer> counts = SyntheticData.counts(DOCUMENTS);
        PostgresUri database = TestStores.migratedDatabase();
        String mongoDatabase = TestStores.uniqueName("bench");
        try (MongoServerProcess server = MongoServerProcess.start(MONGO_HEAP, work.resolve("mongo-server.log"));
                MongoClient client = MongoClients.create(server.uri());
                Connection postgres = DriverManager.getConnection(database.jdbcUrl(), database.connectionProperties())) {
            MongoDatabase source = client.getDatabase(mongoDatabase);
            CpuTime cpu = new CpuTime(server.pid(), backendPid(postgres));
            CpuTime.Reading before = cpu.read();
            long start = System.nanoTime();
            SyntheticData.load(source, counts, work, SEED);
            Step load = new Step("load into MongoDB (setup, not a limit)", DOCUMENTS, since(start),
                    cpu.read().minus(before));

            Step scan = scan(source, counts, cpu);
            Step copy = copy(postgres, counts, work, cpu);
            Step upsert = upsert(source, postgres, counts, cpu);
            CutoverProcess cutover = new CutoverProcess(COMMAND_HEAP, Map.of(
                    "POSTGRES_URI", TestStores.rawUri(database),
                    "MONGO_URI", server.uri(),
                    "MONGO_DB_NAME", mongoDatabase,
                    "USE_POSTGRES", "true"), work);
            Optional<Command> backfill = cutover.offers("backfill")
                    ? Optional.of(Command.run(cutover, cpu, "backfill", "--all")) : Optional.empty();
            boolean backfilled = backfill.map(command -> command.run().exitCode() == 0).orElse(false);
            boolean verifiable = cutover.offers("verify");
            Optional<Command> verify = backfilled && verifiable
                    ? Optional.of(Command.run(cutover, cpu, "verify", "--all")) : Optional.empty();

            String report = report(counts, loadAtStart, List.of(load, scan, copy, upsert), backfill,
                    verify, verifiable ? "not run: it compares the backfill's rows" : NOT_AVAILABLE);
            BenchmarkReport.publish("benchmark-backfill.txt", report);

            // The figures measure complete work: every step moved every document.
            for (Map.Entry<CollectionSpec, Integer> entry : counts.entrySet()) {
                String table = entry.getKey().name();
                assertEquals(entry.getValue().longValue(), count(postgres, "bench_copy_" + table), table);
                assertEquals(entry.getValue().longValue(), count(postgres, "bench_insert_" + table), table);
                if (backfill.isPresent()) {
                    assertEquals(entry.getValue().longValue(), count(postgres, table), table);
                }
            }
            backfill.map(Command::run).ifPresent(run -> assertEquals(0, run.exitCode(),
                    "backfill failed: read " + run.log()));
            verify.map(Command::run).ifPresent(run -> assertEquals(0, run.exitCode(),
                    "verify did not pass: read " + run.log()));
        } finally {
            for (CollectionSpec spec : counts.keySet()) {
                Files.deleteIfExists(SyntheticData.copyFile(work, spec));
            }
        }
    }

    /**
     * a. Every document of the collections, decoded by the driver and nothing else. In batches of
     * {@value #SCAN_BATCH}: without a batch size the in-process server answers the first getMore
     * with the whole rest of the collection, past the driver's 48 MB message limit.
     */
    private static Step scan(MongoDatabase source, Map<CollectionSpec, Integer> counts, CpuTime cpu)
            throws IOException {
        CpuTime.Reading before = cpu.read();
        long start = System.nanoTime();
        long rows = 0;
        for (CollectionSpec spec : counts.keySet()) {
            for (org.bson.Document ignored : source.getCollection(spec.name()).find().batchSize(SCAN_BATCH)) {
                rows++;
            }
        }
        return new Step("a. scan MongoDB, decode only (source limit)", rows, since(start), cpu.read().minus(before));
    }

    /** b. The rows rendered at load time, COPY'd into empty copies of the tables; only the COPY is timed. */
    private static Step copy(Connection postgres, Map<CollectionSpec, Integer> counts, Path work, CpuTime cpu)
            throws Exception {
        createCopies(postgres, counts, "bench_copy_");
        CpuTime.Reading before = cpu.read();
        var copyApi = postgres.unwrap(PGConnection.class).getCopyAPI();
        long rows = 0;
        double seconds = 0;
        for (CollectionSpec spec : counts.keySet()) {
            try (InputStream lines = Files.newInputStream(SyntheticData.copyFile(work, spec))) {
                long start = System.nanoTime();
                rows += copyApi.copyIn(CopyText.statement(spec, "bench_copy_" + spec.name()), lines, 1 << 16);
                seconds += since(start);
            }
        }
        return new Step("b. COPY into empty tables (target limit)", rows, seconds, cpu.read().minus(before));
    }

    /** c. What the seed scripts do: batches read from MongoDB, each an upsert batch and a commit. */
    private static Step upsert(MongoDatabase source, Connection postgres, Map<CollectionSpec, Integer> counts,
            CpuTime cpu) throws SQLException, IOException {
        createCopies(postgres, counts, "bench_insert_");
        CpuTime.Reading before = cpu.read();
        long start = System.nanoTime();
        long rows = 0;
        for (CollectionSpec spec : counts.keySet()) {
            rows += BatchedUpsert.copy(source.getCollection(spec.name()), spec, postgres,
                    "bench_insert_" + spec.name(), SEED_BATCH);
        }
        postgres.setAutoCommit(true);
        return new Step("c. INSERT .. ON CONFLICT, batch+commit/" + SEED_BATCH + " (seeds)", rows, since(start),
                cpu.read().minus(before));
    }

    private static void createCopies(Connection postgres, Map<CollectionSpec, Integer> counts, String prefix)
            throws SQLException {
        try (Statement statement = postgres.createStatement()) {
            for (CollectionSpec spec : counts.keySet()) {
                statement.execute("CREATE TABLE " + prefix + spec.name() + " (LIKE " + spec.name() + " INCLUDING ALL)");
            }
        }
    }

    private static long count(Connection postgres, String table) throws SQLException {
        try (Statement statement = postgres.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** A command run as an operator runs it, with the CPU time it took of each party. */
    private record Command(CutoverProcess.Run run, CpuTime.Reading cpu) {

        static Command run(CutoverProcess cutover, CpuTime cpu, String command, String... arguments)
                throws IOException, InterruptedException {
            CpuTime.Reading before = cpu.read();
            List<String> line = new ArrayList<>(List.of(command));
            line.addAll(List.of(arguments));
            CutoverProcess.Run run = cutover.run(command, line);
            return new Command(run, cpu.read().minus(before));
        }
    }

    private static long backendPid(Connection postgres) throws SQLException {
        try (Statement statement = postgres.createStatement();
                ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            return result.getLong(1);
        }
    }

    private static String report(Map<CollectionSpec, Integer> counts, String loadAtStart, List<Step> steps,
            Optional<Command> backfill, Optional<Command> verify, String verifyAbsent) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Backfill benchmark: N = %,d documents, one in ten in the pre-cutover shape",
                DOCUMENTS));
        lines.add("  " + counts.entrySet().stream()
                .map(entry -> String.format(Locale.ROOT, "%s %,d", entry.getKey().name(), entry.getValue()))
                .collect(Collectors.joining(", ")));
        lines.add(BenchmarkReport.machine() + " at the end, " + loadAtStart
                + " at the start (the load column: at the end of each step)");
        lines.add("MongoDB: the tests' wire server (memory backend) in its own JVM, -Xmx" + MONGO_HEAP
                + "; commands: java -Xmx" + COMMAND_HEAP + " in a process of their own, JVM start included");
        lines.add("CPU: microseconds of CPU per row, of the client (this JVM or the command), the MongoDB server and "
                + "PostgreSQL; ceiling: the rows/s the step's CPU per row allows on this machine's cores");
        lines.add("");
        lines.add(String.format(Locale.ROOT, "%-52s %12s %9s %10s %6s   %7s %6s %6s %6s %10s", "step", "rows",
                "seconds", "rows/s", "load", "CPU/row", "client", "mongo", "pg", "ceiling"));
        for (Step step : steps) {
            lines.add(row(step));
        }
        Optional<Step> backfillStep = command(lines, "d. cutover backfill --all", backfill, NOT_AVAILABLE);
        Optional<Step> verifyStep = command(lines, "e. cutover verify --all", verify, verifyAbsent);
        lines.add("");
        backfill.map(Command::run).ifPresent(run -> lines.add("backfill: exit " + run.exitCode() + ", peak RSS "
                + mib(run.peakRssKib()) + ", largest heap after GC " + mib(run.heapAfterGcKib()) + "; output in "
                + run.log()));
        verify.map(Command::run).ifPresent(run -> lines.add("verify:   exit " + run.exitCode() + ", peak RSS "
                + mib(run.peakRssKib()) + ", largest heap after GC " + mib(run.heapAfterGcKib()) + "; output in "
                + run.log()));
        if (backfill.isPresent() || verify.isPresent()) {
            lines.add("");
        }
        double sourceOrTargetLimit = Math.min(steps.get(1).rate(), steps.get(2).rate());
        lines.add(String.format(Locale.ROOT, "%-40s %8s %8s", "ratio", "value", "target"));
        lines.add(ratio("backfill / min(scan, COPY)", backfillStep.map(step -> step.rate() / sourceOrTargetLimit), 0.5));
        lines.add(ratio("backfill / batched INSERT", backfillStep.map(step -> step.rate() / steps.get(3).rate()), 3));
        lines.add(ratio("verify / backfill", verifyStep.flatMap(v -> backfillStep.map(b -> v.rate() / b.rate())), 1));
        lines.add(ratio("backfill ceiling / batched INSERT", backfillStep.map(step -> step.ceiling()
                / steps.get(3).rate()), 3));
        return String.join("\n", lines) + "\n";
    }

    private static Optional<Step> command(List<String> lines, String name, Optional<Command> command,
            String absent) {
        if (command.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "%-52s %s", name, absent));
            return Optional.empty();
        }
        CutoverProcess.Run run = command.get().run();
        if (run.exitCode() != 0) {
            lines.add(String.format(Locale.ROOT, "%-52s failed with exit code %d after %.2f s", name,
                    run.exitCode(), run.seconds()));
            return Optional.empty();
        }
        Step step = new Step(name, DOCUMENTS, run.seconds(), command.get().cpu());
        lines.add(row(step));
        return Optional.of(step);
    }

    private static String row(Step step) {
        double perRow = 1e6 / step.rows();
        return String.format(Locale.ROOT, "%-52s %,12d %9.2f %,10.0f %6s   %7.1f %6.1f %6.1f %6.1f %,10.0f",
                step.name(), step.rows(), step.seconds(), step.rate(), step.load(), step.cpuPerRow(),
                step.cpu().client() * perRow, step.cpu().mongo() * perRow, step.cpu().postgres() * perRow,
                step.ceiling());
    }

    private static String ratio(String name, Optional<Double> value, double target) {
        return String.format(Locale.ROOT, "%-40s %8s %8s  %s", name,
                value.map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("-"),
                String.format(Locale.ROOT, ">= %.1f", target),
                value.map(v -> v >= target ? "met" : "NOT met").orElse("no figure: see the step above"));
    }

    private static String mib(OptionalLong kib) {
        return kib.isPresent() ? String.format(Locale.ROOT, "%.0f MiB", kib.getAsLong() / 1024.0) : "unknown";
    }
}
