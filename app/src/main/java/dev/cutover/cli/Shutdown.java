package dev.cutover.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/** Stops what a long-running command started, in reverse order, when the process is asked to stop. */
final class Shutdown {

    private Shutdown() {
    }

    /** Closes each resource on SIGINT or SIGTERM, last first. */
    static void onSignal(AutoCloseable... resources) {
        List<AutoCloseable> reversed = new ArrayList<>(List.of(resources));
        java.util.Collections.reverse(reversed);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable resource : reversed) {
                try {
                    resource.close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(Shutdown.class).warn("While stopping: {}", e.toString());
                }
            }
        }, "cutover-shutdown"));
    }

    /** Blocks the calling thread until the process exits; the shutdown hooks do the stopping. */
    static void blockUntilExit() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
