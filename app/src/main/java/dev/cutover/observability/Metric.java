package dev.cutover.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every meter cutover defines, in one place: its name, what it means, its unit and its tag keys.
 * The dashboards, the alert rules and {@code docs/observability.md} use exactly these names, in
 * Prometheus' form (dots become underscores; counters end in {@code _total}, timers and unit
 * gauges carry {@code _seconds}). Tags are low-cardinality only: never an id.
 *
 * <p>The builders take the tag values in the order of {@link #tagKeys()} and refuse any other
 * number of them, so that no meter is ever registered with a tag missing; each builds only its
 * own {@link Kind}.
 */
public enum Metric {

    STORE_OPERATIONS("cutover.store.operation", Kind.TIMER,
            "Operations on each store, by collection, operation and outcome",
            Unit.SECONDS, MetricTag.COLLECTION, MetricTag.STORE, MetricTag.OPERATION, MetricTag.OUTCOME),
    SECONDARY_WRITES("cutover.secondary.writes", Kind.COUNTER,
            "Secondary writes attempted, by outcome (applied, skipped as not newer, failed)",
            Unit.NONE, MetricTag.COLLECTION, MetricTag.OPERATION, MetricTag.STORE, MetricTag.OUTCOME),
    SECONDARY_FAILURES("cutover.secondary.failures", Kind.COUNTER,
            "Secondary writes that failed or were skipped by a guard; each id is queued for repair",
            Unit.NONE, MetricTag.COLLECTION, MetricTag.OPERATION, MetricTag.STORE, MetricTag.REASON),
    REPAIR_ENQUEUE_FAILURES("cutover.repair.enqueue.failures", Kind.COUNTER,
            "Ids whose possibly stale copy could not be recorded for repair (the source of truth failed meanwhile)",
            Unit.NONE, MetricTag.COLLECTION),
    REPAIR_QUEUE_DEPTH("cutover.repair.queue.depth", Kind.GAUGE,
            "Ids queued for repair in this store (the source of truth when queued)", Unit.NONE, MetricTag.STORE),
    REPAIR_QUEUE_OLDEST_AGE("cutover.repair.queue.oldest.age", Kind.GAUGE,
            "Time since the oldest queued id was first queued; 0 when the queue is empty", Unit.SECONDS,
            MetricTag.STORE),
    REPAIRS("cutover.repair.repairs", Kind.COUNTER,
            "Queued ids handled by the repair worker, by outcome (repaired, unchanged, failed)",
            Unit.NONE, MetricTag.COLLECTION, MetricTag.OUTCOME),

    DRIFT_DOCUMENTS("cutover.drift.documents", Kind.GAUGE,
            "Ids the latest reconcile found drifting between the stores, by kind (missing_in_postgres, "
                    + "missing_in_mongo, differs)", Unit.NONE, MetricTag.COLLECTION, MetricTag.KIND),
    RECONCILE_LAST_SUCCESS("cutover.drift.reconcile.last.success", Kind.GAUGE,
            "When the latest reconcile of the collection finished, in unix seconds", Unit.SECONDS,
            MetricTag.COLLECTION),
    RECONCILE_DURATION("cutover.drift.reconcile.duration", Kind.GAUGE,
            "How long the latest reconcile of the collection took",
            Unit.SECONDS, MetricTag.COLLECTION),
    RECONCILE_FAILURES("cutover.drift.reconcile.failures", Kind.COUNTER,
            "Reconciles of the collection that failed on this replica (a store failed)", Unit.NONE,
            MetricTag.COLLECTION),

    BACKFILL_EXPECTED("cutover.backfill.documents.expected", Kind.GAUGE,
            "Documents MongoDB held when the in-process backfill of the collection started (an estimate; it "
                    + "grows if more are copied)", Unit.NONE, MetricTag.COLLECTION),
    BACKFILL_DONE("cutover.backfill.documents.done", Kind.GAUGE,
            "Documents the in-process backfill of the collection has handled, earlier resumed runs included",
            Unit.NONE, MetricTag.COLLECTION),
    BACKFILL_RUNNING("cutover.backfill.running", Kind.GAUGE,
            "1 while an in-process backfill copies the collection, else 0", Unit.NONE, MetricTag.COLLECTION),
    BACKFILL_DOCUMENTS("cutover.backfill.documents", Kind.COUNTER,
            "Documents the in-process backfill handled, by outcome (inserted, updated, unchanged, rejected)",
            Unit.NONE, MetricTag.COLLECTION, MetricTag.OUTCOME),

    FLAG_STATE_STALE("cutover.flags.state.stale", Kind.GAUGE,
            "1 while this replica cannot read the flag state and obeys its last known state, else 0", Unit.NONE),
    FLAG_STATE_REVISION("cutover.flags.state.revision", Kind.GAUGE,
            "The global revision of the flag state this replica obeys; each change raises it by one", Unit.NONE),
    FLAG_STATE_CHECK_AGE("cutover.flags.state.check.age", Kind.GAUGE,
            "Time since this replica last confirmed its flag state against PostgreSQL", Unit.SECONDS),
    COLLECTION_STAGE("cutover.collection.stage", Kind.GAUGE,
            "1 for the stage each collection is at now, 0 for its other stages",
            Unit.NONE, MetricTag.COLLECTION, MetricTag.STAGE),
    FLAG_STATE("cutover.flag.state", Kind.GAUGE, "1 while the flag is on, else 0", Unit.NONE, MetricTag.FLAG),
    ACTIVE_PHASE("cutover.phase.active", Kind.GAUGE,
            "The active migration phase: collections of this phase and below follow the flags", Unit.NONE);

    /** What kind of meter it is; each builder serves one kind. */
    public enum Kind {
        COUNTER, GAUGE, TIMER
    }

    /** The base units cutover's meters use. */
    private enum Unit {
        NONE(null), SECONDS("seconds");

        private final String name;

        Unit(String name) {
            this.name = name;
        }
    }

    private final String meterName;
    private final Kind kind;
    private final String description;
    private final Unit unit;
    private final List<String> tagKeys;

    Metric(String meterName, Kind kind, String description, Unit unit, String... tagKeys) {
        this.meterName = meterName;
        this.kind = kind;
        this.description = description;
        this.unit = unit;
        this.tagKeys = List.of(tagKeys);
    }

    /** The meter's name as registered (Micrometer's dotted form). */
    public String meterName() {
        return meterName;
    }

    public Kind kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    /** The tag keys every meter of this name carries, in the order the builders take their values. */
    public List<String> tagKeys() {
        return tagKeys;
    }

    /** A counter of this name with the given tag values, ready to register. */
    public Counter.Builder counter(String... tagValues) {
        requireKind(Kind.COUNTER);
        return Counter.builder(meterName).description(description).baseUnit(unit.name).tags(tags(tagValues));
    }

    /** A gauge of this name reading {@code value} from {@code source}, with the given tag values. */
    public <T> Gauge.Builder<T> gauge(T source, ToDoubleFunction<T> value, String... tagValues) {
        requireKind(Kind.GAUGE);
        return Gauge.builder(meterName, source, value).description(description).baseUnit(unit.name)
                .tags(tags(tagValues));
    }

    /** A timer of this name with the given tag values, ready to register. */
    public Timer.Builder timer(String... tagValues) {
        requireKind(Kind.TIMER);
        return Timer.builder(meterName).description(description).tags(tags(tagValues));
    }

    private void requireKind(Kind wanted) {
        if (kind != wanted) {
            throw new IllegalStateException(meterName + " is a " + kind + ", not a " + wanted);
        }
    }

    private String[] tags(String... values) {
        if (values.length != tagKeys.size()) {
            throw new IllegalArgumentException(meterName + " takes the tags " + tagKeys + ", but " + values.length
                    + " values came");
        }
        String[] tags = new String[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            tags[2 * i] = tagKeys.get(i);
            tags[2 * i + 1] = values[i];
        }
        return tags;
    }
}
