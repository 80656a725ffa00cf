package dev.cutover.state;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.Stage;
import dev.cutover.observability.Metric;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** The meters of the migration state ({@link Metric}): what this replica obeys, and how fresh it is. */
final class StateMetrics {

    private StateMetrics() {
    }

    static void bind(MeterRegistry registry, MigrationStateStore store, Clock clock) {
        Metric.FLAG_STATE_STALE.gauge(store, s -> s.freshness().stale() ? 1 : 0).register(registry);
        Metric.FLAG_STATE_REVISION.gauge(store, s -> s.freshness().revision()).register(registry);
        Metric.FLAG_STATE_CHECK_AGE.gauge(store, s -> s.freshness().age(clock.instant()).toMillis() / 1000.0)
                .register(registry);
        for (CollectionSpec collection : Collections.ALL) {
            for (Stage stage : Stage.values()) {
                Metric.COLLECTION_STAGE.gauge(store, s -> s.current().stageOf(collection.name(), collection.phase())
                        == stage ? 1 : 0, collection.name(), stage.name()).register(registry);
            }
        }
        for (CutoverFeature feature : CutoverFeature.values()) {
            Metric.FLAG_STATE.gauge(store, s -> s.current().flags().isOn(feature) ? 1 : 0, feature.name())
                    .register(registry);
        }
        Metric.ACTIVE_PHASE.gauge(store, s -> s.current().activePhase().number()).register(registry);
    }
}
