package dev.cutover.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cutover.TestStores;
import dev.cutover.admin.AdminClient;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.Phase;
import dev.cutover.service.CutoverService;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stage of every collection, the flags and the active phase, as Prometheus reads them. */
class StateMetricsTest {

    @Test
    void shouldExportEachCollectionsStageTheFlagsAndThePhaseAsTheyChange() {
        try (CutoverService service = CutoverService.start(TestStores.settings(TestStores.freshDatabase(),
                TestStores.mongo(), Map.of()), "test")) {
            MigrationStateStore store = MigrationStateStoreTest.store(service);
            AdminClient anonymous = new AdminClient(service, null);
            String before = anonymous.get("/prometheus").text();

            store.setFlag(CutoverFeature.USE_POSTGRES, true, "ops", "dual-write");
            store.setActivePhase(Phase.of(2), "ops", "phase 2");
            String after = anonymous.get("/prometheus").text();

            assertEquals(1.0, value(before, "cutover_collection_stage{collection=\"users\",stage=\"MONGO_ONLY\"}"));
            assertEquals(0.0, value(before, "cutover_flag_state{flag=\"USE_POSTGRES\"}"));
            assertEquals(1.0, value(before, "cutover_phase_active"));
            assertEquals(0.0, value(after, "cutover_collection_stage{collection=\"users\",stage=\"MONGO_ONLY\"}"));
            assertEquals(1.0, value(after, "cutover_collection_stage{collection=\"users\",stage=\"DUAL_WRITE\"}"));
            assertEquals(1.0, value(after, "cutover_collection_stage{collection=\"agents\",stage=\"DUAL_WRITE\"}"));
            assertEquals(1.0, value(after,
                    "cutover_collection_stage{collection=\"conversations\",stage=\"MONGO_ONLY\"}"));
            assertEquals(1.0, value(after, "cutover_flag_state{flag=\"USE_POSTGRES\"}"));
            assertEquals(0.0, value(after, "cutover_flag_state{flag=\"READ_POSTGRES\"}"));
            assertEquals(2.0, value(after, "cutover_phase_active"));
        }
    }

    /** The value of one series, named with its labels in the order Prometheus' text format gives them. */
    private static double value(String metrics, String series) {
        return metrics.lines()
                .filter(line -> line.startsWith(series + " "))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in the metrics"));
    }
}
