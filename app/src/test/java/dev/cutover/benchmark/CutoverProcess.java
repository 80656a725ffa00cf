package dev.cutover.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code cutover} command run the way an operator runs it: {@code java -Xmx<heap> ...
 * dev.cutover.Cutover <command>} in a process of its own, with the stores in its environment.
 * Timed from start to exit; its peak resident memory is sampled from the kernel while it runs,
 * and its heap after each garbage collection is read from its GC log.
 */
final class CutoverProcess {

    /** A GC log line's "before->after(committed)" sizes, e.g. {@code 25M->3M(256M)}. */
    private static final Pattern HEAP_AFTER_GC = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\(");
    private static final Pattern PEAK_RSS = Pattern.compile("VmHWM:\\s+(\\d+) kB");

    /**
     * How one command went.
     *
     * @param exitCode        its exit code
     * @param seconds         wall time from start to exit, JVM start included
     * @param peakRssKib      its peak resident set size, if the platform tells
     * @param heapAfterGcKib  the largest heap left after a collection, if it collected at all
     * @param log             its standard output and error
     */
    record Run(int exitCode, double seconds, OptionalLong peakRssKib, OptionalLong heapAfterGcKib, Path log) {
    }

    private final String heap;
    private final Map<String, String> environment;
    private final Path directory;

    /** Commands with a heap of {@code heap} (a -Xmx value), extra environment, and logs in {@code directory}. */
    CutoverProcess(String heap, Map<String, String> environment, Path directory) {
        this.heap = heap;
        this.environment = Map.copyOf(environment);
        this.directory = directory;
    }

    /**
     * Whether this build has the command: {@code cutover <command> --help} exits 0 with the
     * command's own usage. The exit code alone does not tell, as {@code cutover <unknown> --help}
     * prints the top-level usage and exits 0 too.
     */
    boolean offers(String command) throws IOException, InterruptedException {
        Run help = run(command + "-help", List.of(command, "--help"));
        return help.exitCode() == 0 && Files.readString(help.log()).contains("Usage: cutover " + command);
    }

    /** Runs {@code cutover <arguments>}, its output going to {@code <directory>/<name>.log}. */
    Run run(String name, List<String> arguments) throws IOException, InterruptedException {
        Path log = directory.resolve(name + ".log");
        Path gcLog = directory.resolve(name + "-gc.log");
        Files.deleteIfExists(gcLog);
        List<String> options = List.of("-Xmx" + heap, "-Xlog:gc:file=" + gcLog);
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.of(options, "dev.cutover.Cutover", arguments))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        OptionalLong peakRss = OptionalLong.empty();
        // The peak only grows, so the last sample before exit is the closest to it.
        while (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
            OptionalLong sample = peakRss(status);
            if (sample.isPresent()) {
                peakRss = sample;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> gcLines = Files.exists(gcLog) ? Files.readAllLines(gcLog) : List.of();
        return new Run(process.exitValue(), seconds, peakRss, heapAfterGc(gcLines), log);
    }

    private static OptionalLong peakRss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                Matcher matcher = PEAK_RSS.matcher(line);
                if (matcher.matches()) {
                    return OptionalLong.of(Long.parseLong(matcher.group(1)));
                }
            }
        } catch (IOException goneOrNotLinux) {
            // The process just exited, or the platform has no such file: keep the last sample.
        }
        return OptionalLong.empty();
    }

    /** The largest heap left after a collection in these GC log lines ({@code -Xlog:gc}), in KiB. */
    static OptionalLong heapAfterGc(List<String> gcLogLines) {
        List<Long> after = new ArrayList<>();
        for (String line : gcLogLines) {
            Matcher matcher = HEAP_AFTER_GC.matcher(line);
            if (matcher.find()) {
                after.add(kib(Long.parseLong(matcher.group(3)), matcher.group(4)));
            }
        }
        return after.stream().mapToLong(Long::longValue).max();
    }

    private static long kib(long value, String unit) {
        return switch (unit) {
            case "K" -> value;
            case "M" -> value * 1024;
            default -> value * 1024 * 1024;
        };
    }
}
