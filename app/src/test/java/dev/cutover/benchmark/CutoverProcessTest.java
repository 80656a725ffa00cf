package dev.cutover.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CutoverProcessTest {

    @TempDir
    Path logs;

    @Test
    void shouldOfferTheCommandWhenItPrintsItsOwnUsage() throws Exception {
        CutoverProcess cutover = new CutoverProcess("64m", Map.of(), logs);

        assertTrue(cutover.offers("migrate"));
    }

    @Test
    void shouldNotOfferTheCommandWhenTheBuildLacksIt() throws Exception {
        CutoverProcess cutover = new CutoverProcess("64m", Map.of(), logs);

        assertFalse(cutover.offers("no-such-command"));
    }

    @Test
    void shouldReportExitCodeMemoryAndLogWhenTheCommandRuns() throws Exception {
        CutoverProcess cutover = new CutoverProcess("64m", Map.of(), logs);

        CutoverProcess.Run run = cutover.run("version", List.of("--version"));

        assertEquals(0, run.exitCode());
        assertTrue(Files.readString(run.log()).startsWith("cutover "));
        assertTrue(run.seconds() > 0);
        assertTrue(run.peakRssKib().orElse(Long.MAX_VALUE) > 1024, "a JVM's peak RSS is above 1 MiB");
    }

    @Test
    void shouldTakeTheLargestHeapAfterCollectionWhenTheLogMixesUnits() {
        List<String> log = List.of(
                "[0.003s][info][gc] Using G1",
                "[1.105s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 14M->7M(256M) 9.744ms",
                "[2.000s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 900K->800K(256M) 1.0ms",
                "[3.000s][info][gc] GC(2) Pause Full (System.gc()) 2G->1G(4G) 100.0ms",
                "[4.000s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 40M->12M(256M) 3.0ms");

        OptionalLong largest = CutoverProcess.heapAfterGc(log);

        assertEquals(OptionalLong.of(1024 * 1024), largest);
    }

    @Test
    void shouldReportNoHeapFigureWhenTheCommandNeverCollected() {
        assertEquals(OptionalLong.empty(), CutoverProcess.heapAfterGc(List.of("[0.003s][info][gc] Using G1")));
    }
}
