package dev.cutover.state;

import dev.cutover.flags.MigrationState;

/**
 * The migration state as stored at one global revision. Every change bumps the revision in the
 * same transaction, so two snapshots with the same revision hold the same state.
 */
public record StateSnapshot(MigrationState state, long revision) {
}
