package dev.cutover.verify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How fast verify compares, measured, not asserted: in one run on the same stores, N documents
 * (100,000 by default) of one collection are written to both stores, then each store is read
 * alone with {@link DocumentRepository#scanAll} (the two limits), then the two are compared.
 * Not part of the test suite; run it with
 * {@code mvn -B test -pl app -am -Dtest=VerifyBenchmark -Dgroups=benchmark -Dcutover.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dcutover.benchmark.documents=N}, {@code -Dcutover.benchmark.collection=NAME} to change
 * them) and read {@code app/target/benchmark-verify.txt}.
 */
@Tag("benchmark")
class VerifyBenchmark {

    private static final int DOCUMENTS = Integer.getInteger("cutover.benchmark.documents", 100_000);
    private static final CollectionSpec SPEC = Collections.named(
            System.getProperty("cutover.benchmark.collection", "prompts")).orElseThrow();
    private static final int BATCH = 2000;

    @Test
    void shouldMeasureVerifyAgainstBareScansOfEachStore() throws Exception {
        try (VerifyStores stores = new VerifyStores()) {
            DocumentRepository mongo = stores.mongo(SPEC);
            DocumentRepository postgres = stores.postgres(SPEC);
            load(mongo, postgres);
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "%d documents of %s, batch %d, %d processors", DOCUMENTS, SPEC.name(),
                    BATCH, Runtime.getRuntime().availableProcessors()));

            for (int round = 1; round <= 2; round++) {
                double mongoScan = seconds(() -> count(mongo));
                double postgresScan = seconds(() -> count(postgres));
                CollectionReport[] report = new CollectionReport[1];
                double verify = seconds(() -> report[0] = new StoreComparison(mongo, postgres,
                        new StoreComparison.Options(BATCH, Duration.ofSeconds(3), 10, 4), Clock.systemUTC(),
                        Sleeper.of(Clock.systemUTC())).run(finding -> { }));
                assertTrue(report[0].agrees(), report[0].toString());
                lines.add(String.format(Locale.ROOT, "round %d: mongo scan %.0f docs/s, postgres scan %.0f docs/s, "
                        + "verify %.0f docs/s (%.2f s; %.2f of the slower scan)", round, DOCUMENTS / mongoScan,
                        DOCUMENTS / postgresScan, DOCUMENTS / verify, verify, Math.max(mongoScan, postgresScan) / verify));
            }
            lines.forEach(System.out::println);
            Files.write(Path.of("target", "benchmark-verify.txt"), lines);
        }
    }

    private static void load(DocumentRepository mongo, DocumentRepository postgres) throws Exception {
        int threads = 8;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            done.add(executor.submit(() -> {
                SampleDocuments samples = new SampleDocuments(first);
                for (int i = first; i < DOCUMENTS; i += threads) {
                    Document document = samples.next(SPEC);
                    mongo.insert(document);
                    postgres.insert(document);
                }
            }));
        }
        for (Future<?> task : done) {
            task.get();
        }
        executor.shutdown();
    }

    private static long count(DocumentRepository repository) {
        try (Stream<Document> all = repository.scanAll(null, BATCH)) {
            return all.count();
        }
    }

    private static double seconds(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }
}
