package dev.cutover.state;

import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Phase;
import dev.cutover.flags.Stage;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One change an operator can make to the migration state: what it is about (the audit's
 * subject), what it does to a state, the value it shows in the audit, and the rows it writes.
 */
sealed interface Change {

    /** A flag name, {@code active_phase} or {@code pin:<collection>}. */
    String subject();

    MigrationState applyTo(MigrationState state);

    /** The subject's value in {@code state}, as the audit trail shows it. */
    String valueIn(MigrationState state);

    /** Writes the changed row; {@code revision} is the revision this change creates. */
    void write(PostgresStateStorage.Transaction transaction, MigrationState after, long revision) throws SQLException;

    record SetFlag(CutoverFeature feature, boolean on) implements Change {
        @Override
        public String subject() {
            return feature.name();
        }

        @Override
        public MigrationState applyTo(MigrationState state) {
            return state.withFlags(state.flags().with(feature, on));
        }

        @Override
        public String valueIn(MigrationState state) {
            return Boolean.toString(state.flags().isOn(feature));
        }

        @Override
        public void write(PostgresStateStorage.Transaction transaction, MigrationState after, long revision)
                throws SQLException {
            transaction.writeFlag(feature, on);
        }
    }

    record SetActivePhase(Phase phase) implements Change {
        @Override
        public String subject() {
            return PostgresStateStorage.ACTIVE_PHASE;
        }

        @Override
        public MigrationState applyTo(MigrationState state) {
            return state.withActivePhase(phase);
        }

        @Override
        public String valueIn(MigrationState state) {
            return state.activePhase().toString();
        }

        @Override
        public void write(PostgresStateStorage.Transaction transaction, MigrationState after, long revision)
                throws SQLException {
            transaction.writeSetting(PostgresStateStorage.ACTIVE_PHASE, phase.toString(), revision);
        }
    }

    /** Pins a collection at a stage, or removes its pin when {@code stage} is empty. */
    record Pin(String collection, Optional<Stage> stage) implements Change {

        /** The audit's value of a collection without a pin. */
        static final String UNPINNED = "unpinned";

        @Override
        public String subject() {
            return PostgresStateStorage.PIN_PREFIX + collection;
        }

        @Override
        public MigrationState applyTo(MigrationState state) {
            return state.withPin(collection, stage);
        }

        @Override
        public String valueIn(MigrationState state) {
            Stage pin = state.pins().get(collection);
            return pin == null ? UNPINNED : pin.name();
        }

        @Override
        public void write(PostgresStateStorage.Transaction transaction, MigrationState after, long revision)
                throws SQLException {
            if (stage.isPresent()) {
                transaction.writeSetting(subject(), stage.get().name(), revision);
            } else {
                transaction.deleteSetting(subject());
            }
        }
    }
}
