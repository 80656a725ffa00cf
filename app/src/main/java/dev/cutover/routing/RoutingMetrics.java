package dev.cutover.routing;

/**
 * Every metric name and tag key of routing, secondary writes and repair, in one place; the
 * dashboards query exactly these. Tags are low-cardinality: never an id.
 */
public final class RoutingMetrics {

    /** Secondary writes that failed or were skipped; tags collection, operation, store, reason. */
    public static final String SECONDARY_FAILURES = "cutover.secondary.failures";
    /** Secondary writes attempted; tags collection, operation, store, outcome (applied, skipped, failed). */
    public static final String SECONDARY_WRITES = "cutover.secondary.writes";
    /** Entries in a store's repair queue; tag store. */
    public static final String REPAIR_QUEUE_DEPTH = "cutover.repair.queue.depth";
    /** Age of the oldest entry of a store's repair queue, in seconds (0 when empty); tag store. */
    public static final String REPAIR_QUEUE_OLDEST_AGE = "cutover.repair.queue.oldest.age";
    /** Repairs done; tags collection, outcome (repaired, unchanged, failed). */
    public static final String REPAIRS = "cutover.repair.repairs";
    /** Ids that could not even be enqueued for repair (the source of truth failed meanwhile). */
    public static final String REPAIR_ENQUEUE_FAILURES = "cutover.repair.enqueue.failures";

    /** A timer: every operation on each store, by collection, store, operation and outcome. */
    public static final String STORE_OPERATIONS = "cutover.store.operation";
    public static final String COLLECTION = "collection";
    public static final String OPERATION = "operation";
    public static final String STORE = "store";
    public static final String REASON = "reason";
    public static final String OUTCOME = "outcome";

    private RoutingMetrics() {
    }
}
