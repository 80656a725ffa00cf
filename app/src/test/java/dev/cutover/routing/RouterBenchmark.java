package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cutover.benchmark.BenchmarkReport;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentIds;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The router's overhead, measured, not asserted: in one run on the same stores, a write through
 * the router in DUAL_WRITE against the same write issued by hand to MongoDB then PostgreSQL, and
 * a read through the router against a direct read. Both sides write documents of the same shape
 * (one sample under two ids) and runs alternate, so drift in the machine falls on both sides
 * alike; the load average before and after is reported with the figures. Not part of the test
 * suite; run it with
 * {@code mvn -B test -pl app -am -Dtest=RouterBenchmark -Dgroups=benchmark -Dcutover.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false}
 * and read {@code app/target/benchmark-router.txt}.
 */
@Tag("benchmark")
class RouterBenchmark {

    private static final CollectionSpec PROMPTS = Collections.PROMPTS;
    private static final int WARMUP = 300;
    private static final int MEASURED = Integer.getInteger("cutover.benchmark.operations", 2000);

    @Test
    void shouldMeasureRouterOverheadAgainstDirectCalls() throws Exception {
        try (RoutingFixture stores = new RoutingFixture()) {
            stores.stage.set(Stage.DUAL_WRITE);
            DualWriteRouter router = stores.router(PROMPTS);
            DocumentRepository mongo = stores.store(Store.MONGO, PROMPTS);
            DocumentRepository postgres = stores.store(Store.POSTGRES, PROMPTS);
            SampleDocuments samples = new SampleDocuments(2026);
            long[] routedWrites = new long[MEASURED];
            long[] directWrites = new long[MEASURED];
            long[] routedReads = new long[MEASURED];
            long[] directReads = new long[MEASURED];
            List<String> ids = new ArrayList<>();
            String loadBefore = BenchmarkReport.load();

            for (int i = -WARMUP; i < MEASURED; i++) {
                Document viaRouter = samples.next(PROMPTS);
                Document byHand = viaRouter.withId(DocumentIds.next());
                // Which side goes first alternates, so neither always follows the other's work.
                boolean routerFirst = (i & 1) == 0;
                long routed = 0;
                long direct = 0;
                long routedRead = 0;
                long directRead = 0;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == routerFirst) {
                        long start = System.nanoTime();
                        router.insertFresh(viaRouter);
                        routed = System.nanoTime() - start;
                        start = System.nanoTime();
                        router.get(viaRouter.id());
                        routedRead = System.nanoTime() - start;
                    } else {
                        long start = System.nanoTime();
                        mongo.insert(byHand);
                        postgres.insert(byHand);
                        direct = System.nanoTime() - start;
                        start = System.nanoTime();
                        mongo.get(byHand.id());
                        directRead = System.nanoTime() - start;
                    }
                }
                if (i >= 0) {
                    routedWrites[i] = routed;
                    directWrites[i] = direct;
                    routedReads[i] = routedRead;
                    directReads[i] = directRead;
                    ids.add(viaRouter.id());
                }
            }

            String loadAfter = BenchmarkReport.load();
            String report = String.format(Locale.ROOT, """
                    Router overhead, %d operations each after %d warm-up, %d cores, same stores, alternating
                    load average (1 min) %s before, %s after
                    %-34s %10s %10s
                    %-34s %10.3f %10.3f
                    %-34s %10.3f %10.3f
                    %-34s %10.3f %10.3f
                    %-34s %10.3f %10.3f
                    %-34s %10.3f %10.3f
                    %-34s %10.3f %10.3f
                    """, MEASURED, WARMUP, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter,
                    "", "p50 ms", "p99 ms",
                    "write via router (DUAL_WRITE)", ms(routedWrites, 50), ms(routedWrites, 99),
                    "write by hand (Mongo, then PG)", ms(directWrites, 50), ms(directWrites, 99),
                    "write ratio router / by hand", ratio(routedWrites, directWrites, 50),
                    ratio(routedWrites, directWrites, 99),
                    "read via router", ms(routedReads, 50), ms(routedReads, 99),
                    "read direct (Mongo)", ms(directReads, 50), ms(directReads, 99),
                    "read ratio router / direct", ratio(routedReads, directReads, 50),
                    ratio(routedReads, directReads, 99));
            BenchmarkReport.publish("benchmark-router.txt", report);

            // The routed writes really reached both stores: the figures measure complete work.
            assertEquals(MEASURED, ids.stream().filter(id -> postgres.get(id).isPresent()).count());
        }
    }

    private static double percentile(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)];
    }

    private static double ms(long[] nanos, int percentile) {
        return percentile(nanos, percentile) / 1_000_000.0;
    }

    private static double ratio(long[] routed, long[] direct, int percentile) {
        return percentile(routed, percentile) / percentile(direct, percentile);
    }
}
