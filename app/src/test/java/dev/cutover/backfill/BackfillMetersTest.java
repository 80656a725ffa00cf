package dev.cutover.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoDatabase;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.FlagState;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Phase;
import dev.cutover.observability.Metric;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress meters of a backfill run inside the service, on real stores. */
class BackfillMetersTest {

    private static final CollectionSpec PROMPTS = Collections.PROMPTS;
    private static final CollectionSpec USERS = Collections.USERS;
    private static final MigrationState DUAL_WRITE = new MigrationState(
            FlagState.ALL_OFF.with(CutoverFeature.USE_POSTGRES, true), Phase.of(3), Map.of());

    @TempDir
    Path directory;

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private MongoDatabase mongo;
    private HikariDataSource pool;

    @BeforeEach
    void createStores() {
        mongo = TestStores.mongoClient().getDatabase(TestStores.uniqueName("backfillmeters"));
        pool = TestStores.migratedPool(3);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void shouldReportZeroForEveryCollectionBeforeAnyRun() {
        new BackfillMeters(registry);

        for (CollectionSpec spec : Collections.ALL) {
            assertEquals(0.0, gauge(Metric.BACKFILL_DONE, spec));
            assertEquals(0.0, gauge(Metric.BACKFILL_RUNNING, spec));
            assertEquals(0.0, documents(spec, "inserted"));
        }
    }

    @Test
    void shouldCountEachOutcomeAndTheDocumentsDoneThenStopRunning() {
        BackfillMeters meters = new BackfillMeters(registry);
        SampleDocuments samples = new SampleDocuments(30);
        MongoDocumentRepository prompts = new MongoDocumentRepository(PROMPTS, mongo);
        for (int i = 0; i < 30; i++) {
            prompts.insert(samples.next(PROMPTS));
        }
        mongo.getCollection(PROMPTS.name()).insertOne(new Document("_id", "unstorable").append("name", "no content nor user"));

        run(meters, List.of(PROMPTS, USERS));

        assertEquals(31.0, gauge(Metric.BACKFILL_EXPECTED, PROMPTS));
        assertEquals(31.0, gauge(Metric.BACKFILL_DONE, PROMPTS));
        assertEquals(30.0, documents(PROMPTS, "inserted"));
        assertEquals(1.0, documents(PROMPTS, "rejected"));
        assertEquals(0.0, gauge(Metric.BACKFILL_RUNNING, PROMPTS));
        assertEquals(0.0, gauge(Metric.BACKFILL_DONE, USERS));

        run(meters, List.of(PROMPTS));

        assertEquals(30.0, documents(PROMPTS, "unchanged"), "a second run finds every stored row unchanged");
        assertEquals(30.0, documents(PROMPTS, "inserted"), "and inserts nothing more");
        assertEquals(31.0, gauge(Metric.BACKFILL_DONE, PROMPTS), "done restarts with the run, not adds up");
    }

    private void run(BackfillMeters meters, List<CollectionSpec> collections) {
        BackfillOptions options = new BackfillOptions(false, 10, 2, BackfillOptions.Start.RESTART,
                directory.resolve("rejects.jsonl"), BackfillOptions.ProgressStyle.NONE, Duration.ofSeconds(1));
        new Backfill(mongo, pool, options, Clock.systemUTC(), new PrintWriter(new StringWriter()), meters)
                .run(collections, DUAL_WRITE);
    }

    private double gauge(Metric metric, CollectionSpec spec) {
        return registry.get(metric.meterName()).tag("collection", spec.name()).gauge().value();
    }

    private double documents(CollectionSpec spec, String outcome) {
        return registry.get(Metric.BACKFILL_DOCUMENTS.meterName()).tag("collection", spec.name())
                .tag("outcome", outcome).counter().count();
    }
}
