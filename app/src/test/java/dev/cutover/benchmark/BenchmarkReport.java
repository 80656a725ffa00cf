package dev.cutover.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What every benchmark's report shares: the machine it ran on, and where it goes. */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    /** The cores and the one-minute load average (as {@code uptime} prints it), for the report's header. */
    public static String machine() {
        return String.format(Locale.ROOT, "%d cores, load average %s", Runtime.getRuntime().availableProcessors(),
                load());
    }

    /** The one-minute load average, or "unknown" where the platform does not tell. */
    public static String load() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }

    /** Prints the report and writes it to {@code target/<fileName>} of the module the benchmark runs in. */
    public static void publish(String fileName, String report) throws IOException {
        System.out.println(report);
        Files.writeString(Path.of("target", fileName), report);
    }
}
