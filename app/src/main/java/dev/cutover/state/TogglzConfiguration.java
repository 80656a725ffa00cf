package dev.cutover.state;

import dev.cutover.flags.CutoverFeature;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.togglz.core.Feature;
import org.togglz.core.manager.FeatureManager;
import org.togglz.core.manager.FeatureManagerBuilder;
import org.togglz.core.repository.FeatureState;
import org.togglz.core.repository.StateRepository;

/**
 * Togglz's {@link FeatureManager} over the state this replica obeys, so that
 * {@code features.isActive(CutoverFeature.USE_POSTGRES)} and {@link MigrationStateStore#current()}
 * always agree, and neither costs a database round trip.
 */
@Factory
final class TogglzConfiguration {

    @Singleton
    FeatureManager cutoverFeatures(MigrationStateStore store) {
        return new FeatureManagerBuilder()
                .name("cutover")
                .featureEnum(CutoverFeature.class)
                .stateRepository(new HeldStateRepository(store))
                .build();
    }

    /**
     * The flags of {@link MigrationStateStore#current()}. Read-only: a flag changes only through
     * {@link MigrationStateStore#setFlag}, which validates, audits and shares the change.
     */
    static final class HeldStateRepository implements StateRepository {

        private final MigrationStateStore store;

        HeldStateRepository(MigrationStateStore store) {
            this.store = store;
        }

        @Override
        public FeatureState getFeatureState(Feature feature) {
            if (!(feature instanceof CutoverFeature cutover)) {
                return null;
            }
            return new FeatureState(feature, store.current().flags().isOn(cutover));
        }

        @Override
        public void setFeatureState(FeatureState state) {
            throw new UnsupportedOperationException("flags change only through the admin API "
                    + "(MigrationStateStore.setFlag), which validates, audits and shares the change with every replica");
        }
    }
}
