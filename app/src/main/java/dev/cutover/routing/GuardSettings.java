package dev.cutover.routing;

import java.time.Duration;

/**
 * How secondary writes to one store are guarded.
 *
 * @param timeout           longest a secondary write may take before it counts as failed
 * @param maxConcurrent     most secondary writes to the store at once; more are skipped (and queued)
 * @param failureRate       percentage of failed calls that opens the breaker
 * @param openFor           how long an open breaker skips the store before trying again
 */
public record GuardSettings(Duration timeout, int maxConcurrent, int failureRate, Duration openFor) {

    public static final GuardSettings DEFAULTS = new GuardSettings(Duration.ofSeconds(2), 32, 50, Duration.ofSeconds(5));

    public GuardSettings {
        if (failureRate < 1 || failureRate > 100) {
            throw new IllegalArgumentException("failure rate must be between 1 and 100, but was " + failureRate);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("max concurrent must be at least 1, but was " + maxConcurrent);
        }
    }
}
