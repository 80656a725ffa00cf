package dev.cutover.state;

import dev.cutover.flags.MigrationState;
import java.util.Optional;

/**
 * A check a change of flags, phase or pins must pass beyond the flag rules, made by the parts of
 * the service that know something the rules cannot: that ids still wait for repair, say.
 */
public interface ChangeGuard {

    /** Why moving from {@code before} to {@code after} is refused now, or empty if it may go ahead. */
    Optional<String> problem(MigrationState before, MigrationState after);
}
