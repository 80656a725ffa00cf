package dev.cutover.state;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.Stage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** The meters of the migration state, by name; dashboards and alerts use exactly these. */
final class StateMetrics {

    /** 1 while this replica cannot read the state store and obeys its last known state, else 0. */
    static final String STALE = "cutover.flags.state.stale";
    /** The global revision this replica obeys; replicas that agree show the same value. */
    static final String REVISION = "cutover.flags.state.revision";
    /** Seconds since this replica last confirmed its revision against the store. */
    static final String CHECK_AGE = "cutover.flags.state.check.age";
    /** 1 for the stage each collection is at now on this replica, 0 for its other stages. */
    static final String COLLECTION_STAGE = "cutover.collection.stage";
    /** 1 while a flag is on, else 0. */
    static final String FLAG = "cutover.flag.state";
    /** The active phase. */
    static final String ACTIVE_PHASE = "cutover.phase.active";
    static final String COLLECTION = "collection";
    static final String STAGE = "stage";
    static final String FLAG_NAME = "flag";

    private StateMetrics() {
    }

    static void bind(MeterRegistry registry, MigrationStateStore store, Clock clock) {
        Gauge.builder(STALE, store, s -> s.freshness().stale() ? 1 : 0)
                .description("1 while this replica cannot read the flag state and obeys its last known state")
                .register(registry);
        Gauge.builder(REVISION, store, s -> s.freshness().revision())
                .description("The global revision of the flag state this replica obeys")
                .register(registry);
        Gauge.builder(CHECK_AGE, store, s -> s.freshness().age(clock.instant()).toMillis() / 1000.0)
                .description("Time since this replica last confirmed its flag state against PostgreSQL")
                .baseUnit("seconds")
                .register(registry);
        for (CollectionSpec collection : Collections.ALL) {
            for (Stage stage : Stage.values()) {
                Gauge.builder(COLLECTION_STAGE, store, s -> s.current().stageOf(collection.name(), collection.phase())
                                == stage ? 1 : 0)
                        .description("1 for the stage each collection is at now, 0 for its other stages")
                        .tag(COLLECTION, collection.name())
                        .tag(STAGE, stage.name())
                        .register(registry);
            }
        }
        for (CutoverFeature feature : CutoverFeature.values()) {
            Gauge.builder(FLAG, store, s -> s.current().flags().isOn(feature) ? 1 : 0)
                    .description("1 while the flag is on, else 0")
                    .tag(FLAG_NAME, feature.name())
                    .register(registry);
        }
        Gauge.builder(ACTIVE_PHASE, store, s -> s.current().activePhase().number())
                .description("The active migration phase: collections of this phase and below follow the flags")
                .register(registry);
    }
}
