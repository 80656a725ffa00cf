package dev.cutover.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CPU time the three parties of a benchmark have used so far, read from {@code /proc} (Linux):
 * the client (this JVM, plus the command processes it started and has waited for), the MongoDB
 * server process, and PostgreSQL (its postmaster, the backends it has reaped, and those alive).
 * A step's share is the difference of two readings. Unlike wall time, CPU time per row hardly
 * moves when other work shares the machine, so it says what a step costs, and how fast it could
 * go at most on this machine's cores.
 */
final class CpuTime {

    /** Seconds of CPU per party. */
    record Reading(double client, double mongo, double postgres) {

        Reading minus(Reading earlier) {
            return new Reading(client - earlier.client, mongo - earlier.mongo, postgres - earlier.postgres);
        }

        double total() {
            return client + mongo + postgres;
        }
    }

    /** Fields of /proc/PID/stat counted after the command name's closing parenthesis. */
    private static final int PARENT = 1;
    private static final int USER = 11;
    private static final int SYSTEM = 12;
    private static final int CHILDREN_USER = 13;
    private static final int CHILDREN_SYSTEM = 14;

    private final long mongoPid;
    private final long postmasterPid;
    private final double ticksPerSecond;

    /**
     * @param mongoPid     the MongoDB server's process
     * @param postgresPid  any PostgreSQL backend's process, e.g. {@code SELECT pg_backend_pid()}
     */
    CpuTime(long mongoPid, long postgresPid) throws IOException, InterruptedException {
        this.mongoPid = mongoPid;
        this.postmasterPid = Long.parseLong(stat(postgresPid).get(PARENT));
        this.ticksPerSecond = ticksPerSecond();
    }

    /** Whether this platform tells CPU time this way. */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/stat"));
    }

    Reading read() throws IOException {
        List<String> postmaster = stat(postmasterPid);
        long postgres = ticks(postmaster, USER, SYSTEM, CHILDREN_USER, CHILDREN_SYSTEM);
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(path -> path.getFileName().toString().matches("\\d+")).toList()) {
                List<String> fields = statOrEmpty(process);
                if (!fields.isEmpty() && Long.parseLong(fields.get(PARENT)) == postmasterPid) {
                    postgres += ticks(fields, USER, SYSTEM);
                }
            }
        }
        return new Reading(
                ticks(stat(ProcessHandle.current().pid()), USER, SYSTEM, CHILDREN_USER, CHILDREN_SYSTEM) / ticksPerSecond,
                ticks(stat(mongoPid), USER, SYSTEM) / ticksPerSecond,
                postgres / ticksPerSecond);
    }

    private static long ticks(List<String> fields, int... indexes) {
        long sum = 0;
        for (int index : indexes) {
            sum += Long.parseLong(fields.get(index));
        }
        return sum;
    }

    private static List<String> stat(long pid) throws IOException {
        return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** A process that ended between listing and reading has no fields. */
    private static List<String> statOrEmpty(Path process) {
        try {
            return parse(Files.readString(process.resolve("stat")));
        } catch (IOException gone) {
            return List.of();
        }
    }

    /** The fields after the command name, which is in parentheses and may hold spaces. */
    static List<String> parse(String stat) {
        return List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" "));
    }

    private static double ticksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String answer = new String(getconf.getInputStream().readAllBytes()).trim();
        if (getconf.waitFor() != 0 || !answer.matches("\\d+")) {
            throw new IOException("getconf CLK_TCK answered '" + answer + "'");
        }
        return Double.parseDouble(answer);
    }
}
