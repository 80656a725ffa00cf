package dev.cutover.benchmark;

import dev.cutover.stores.ResolvedStore;
import dev.cutover.stores.StoreResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The in-process MongoDB wire server of the tests ({@link StoreResolver#inProcessMongo()}) in a
 * JVM of its own, so that the heap holding the documents is not the measured command's. The child
 * writes its URI to its log and stops when its standard input closes: it goes when the benchmark
 * goes, however the benchmark ends.
 */
final class MongoServerProcess implements AutoCloseable {

    private static final String READY = "mongo-uri ";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final String uri;

    private MongoServerProcess(Process process, String uri) {
        this.process = process;
        this.uri = uri;
    }

    /** The server's process id, to read its CPU time. */
    long pid() {
        return process.pid();
    }

    /** Starts the server with a heap of {@code heap} (a -Xmx value such as 8g), its output going to {@code log}. */
    static MongoServerProcess start(String heap, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.of(List.of("-Xmx" + heap),
                MongoServerProcess.class.getName(), List.of()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process process = builder.start();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Optional<String> uri = announcedUri(log);
        while (uri.isEmpty() && process.isAlive() && Instant.now().isBefore(deadline)) {
            process.waitFor(100, TimeUnit.MILLISECONDS);
            uri = announcedUri(log);
        }
        if (uri.isEmpty()) {
            process.destroyForcibly();
            throw new IllegalStateException("the MongoDB server process did not start within " + START_TIMEOUT
                    + (process.isAlive() ? "" : " (it exited)") + ": read " + log.toAbsolutePath());
        }
        return new MongoServerProcess(process, uri.get());
    }

    private static Optional<String> announcedUri(Path log) throws IOException {
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> line.startsWith(READY)).map(line -> line.substring(READY.length())).findFirst();
        }
    }

    String uri() {
        return uri;
    }

    /** Closes the child's input, which stops it; kills it if it is still there after ten seconds. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The child: serves until its standard input ends. */
    public static void main(String[] args) throws IOException {
        ResolvedStore<String> mongo = StoreResolver.inProcessMongo();
        System.out.println(READY + mongo.connection());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing to do but wait for the parent to close the pipe.
        }
        StoreResolver.closeQuietly(mongo);
        System.exit(0);
    }
}
