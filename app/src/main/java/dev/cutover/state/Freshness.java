package dev.cutover.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How current a replica's view of the migration state is. The view is stale while the state store
 * cannot be read: the replica then keeps obeying the last state it read (its last known good).
 *
 * @param revision    the revision the replica obeys
 * @param checkedAt   when the replica last confirmed that revision against the store
 * @param staleSince  when the current outage began; empty while the store answers
 * @param error       why the last check failed; empty while the store answers
 */
public record Freshness(long revision, Instant checkedAt, Optional<Instant> staleSince, Optional<String> error) {

    public boolean stale() {
        return staleSince.isPresent();
    }

    /** How long ago the revision was last confirmed. */
    public Duration age(Instant now) {
        Duration age = Duration.between(checkedAt, now);
        return age.isNegative() ? Duration.ZERO : age;
    }
}
