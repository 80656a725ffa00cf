package dev.cutover.observability;

/** The tag keys of cutover's meters: every one has few values, none is an id. */
public final class MetricTag {

    /** One of the eighteen collection names. */
    public static final String COLLECTION = "collection";
    /** {@code mongo} or {@code postgres}. */
    public static final String STORE = "store";
    /** The repository operation: get, list, insert, replace, patch, delete, ... */
    public static final String OPERATION = "operation";
    /** What came of it; each meter's description lists its values. */
    public static final String OUTCOME = "outcome";
    /** Why a secondary write failed or was skipped: circuit-open, bulkhead-full, timeout, store-error. */
    public static final String REASON = "reason";
    /** The kind of drift: missing_in_postgres, missing_in_mongo, differs. */
    public static final String KIND = "kind";
    /** A stage's name, e.g. DUAL_WRITE. */
    public static final String STAGE = "stage";
    /** A flag's name, e.g. USE_POSTGRES. */
    public static final String FLAG = "flag";

    private MetricTag() {
    }
}
