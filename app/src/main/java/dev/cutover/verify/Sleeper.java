package dev.cutover.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Waits until an instant: the re-check's delay, which tests drive themselves. */
@FunctionalInterface
public interface Sleeper {

    void sleepUntil(Instant due) throws InterruptedException;

    /** Sleeps by the clock's reckoning, not at all once {@code due} has passed. */
    static Sleeper of(Clock clock) {
        return due -> {
            Duration left = Duration.between(clock.instant(), due);
            if (!left.isNegative() && !left.isZero()) {
                Thread.sleep(left.toMillis(), (int) (left.toNanosPart() % 1_000_000));
            }
        };
    }
}
