package dev.cutover.state;

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
    }
}
