package dev.cutover.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * Stops what a long-running command started, last started first, from one shutdown hook (the JVM
 * runs separate hooks at the same time, so the service could outlive the stores it uses).
 */
final class Shutdown {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    Shutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "cutover-shutdown"));
    }

    /** Registers something to stop; returns it. */
    synchronized <T extends AutoCloseable> T register(T resource) {
        started.push(resource);
        return resource;
    }

    private synchronized void closeAll() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                LoggerFactory.getLogger(Shutdown.class).warn("While stopping: {}", e.toString());
            }
        }
    }

    /** Blocks the calling thread until the process exits; the shutdown hook does the stopping. */
    static void blockUntilExit() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
