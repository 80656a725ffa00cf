package dev.cutover.verify;

/**
 * Every metric name and tag key of drift detection, in one place; dashboards and alerts query
 * exactly these. The figures come from the comparisons stored in PostgreSQL, so every replica
 * exports the same values whichever ran them. Tags are low-cardinality: never an id.
 */
public final class DriftMetrics {

    /** Ids the latest reconcile of a collection found drifting; tags collection, kind. */
    public static final String DOCUMENTS = "cutover.drift.documents";
    /** When the latest successful reconcile of a collection finished, in unix seconds; tag collection. */
    public static final String LAST_SUCCESS = "cutover.drift.reconcile.last.success";
    /** How long the latest reconcile of a collection took, in seconds; tag collection. */
    public static final String DURATION = "cutover.drift.reconcile.duration";
    /** Reconciles of a collection that failed on this replica (a store failed); tag collection. */
    public static final String FAILURES = "cutover.drift.reconcile.failures";

    public static final String COLLECTION = "collection";
    /** {@code missing_in_postgres}, {@code missing_in_mongo} or {@code differs}: see {@link Drift#label()}. */
    public static final String KIND = "kind";

    private DriftMetrics() {
    }
}
