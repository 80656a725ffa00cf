package dev.cutover.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** promtool's own checks of the alert rules, their unit tests and the scrape config. */
class PromtoolTest {

    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = Prometheus.binary("promtool").orElse(null);
    }

    @Test
    void shouldPassPromtoolsCheckOfTheAlertRules() throws Exception {
        Assumptions.assumeTrue(promtool != null, Prometheus.INSTALL);

        Run run = promtool("check", "rules", ObservabilityFiles.ALERTS.getFileName().toString());

        assertEquals(0, run.exit(), run.output());
    }

    @Test
    void shouldPassEveryUnitTestOfTheAlertRules() throws Exception {
        Assumptions.assumeTrue(promtool != null, Prometheus.INSTALL);

        Run run = promtool("test", "rules", ObservabilityFiles.ALERT_TESTS.getFileName().toString());

        assertEquals(0, run.exit(), run.output());
    }

    @Test
    void shouldPassPromtoolsCheckOfTheScrapeConfig() throws Exception {
        Assumptions.assumeTrue(promtool != null, Prometheus.INSTALL);

        Run run = promtool("check", "config", ObservabilityFiles.SCRAPE_CONFIG.getFileName().toString());

        assertEquals(0, run.exit(), run.output());
    }

    record Run(int exit, String output) {
    }

    /** Runs promtool in the directory of the rules, as the files' own comments say to. */
    private static Run promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(ObservabilityFiles.ALERTS.getParent().toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", arguments) + " did not finish within 60 s");
        }
        return new Run(process.exitValue(), output);
    }
}
