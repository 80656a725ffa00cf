package dev.cutover.document;

/**
 * The type of a typed field, with its PostgreSQL column type. Values in a {@link Document} are
 * always held in the canonical Java form named here, whichever store they came from.
 */
public enum FieldType {
    /** {@link String}; column {@code TEXT}. */
    TEXT("TEXT"),
    /** {@link String} compared case-insensitively; column {@code CITEXT}. */
    CITEXT("CITEXT"),
    /** {@link Long} within the 32-bit range; column {@code INTEGER}. */
    INTEGER("INTEGER"),
    /** {@link Long}; column {@code BIGINT}. */
    BIGINT("BIGINT"),
    /** {@link Boolean}; column {@code BOOLEAN}. */
    BOOLEAN("BOOLEAN"),
    /** {@link java.time.Instant} at millisecond precision (MongoDB's); column {@code TIMESTAMPTZ}. */
    TIMESTAMP("TIMESTAMPTZ"),
    /** {@code List<String>}; column {@code TEXT[]}. */
    TEXT_ARRAY("TEXT[]"),
    /**
     * A nested or schemaless payload: {@code Map<String, Object>}, {@code List<Object>},
     * {@link String}, {@link Long}, {@link Double}, {@link Boolean} or {@code null}, nested;
     * column {@code JSONB}.
     */
    JSON("JSONB");

    private final String columnType;

    FieldType(String columnType) {
        this.columnType = columnType;
    }

    public String columnType() {
        return columnType;
    }
}
