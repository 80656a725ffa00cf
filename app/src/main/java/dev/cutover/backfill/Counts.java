package dev.cutover.backfill;

/**
 * What a backfill did with documents: how many it read, and what became of them.
 *
 * @param seen      documents read from MongoDB
 * @param inserted  written to PostgreSQL, which did not hold them
 * @param updated   written over an older or differing copy in PostgreSQL
 * @param unchanged left alone: PostgreSQL already held them as they are, or newer, or deleted later
 * @param rejected  not storable; listed in the rejects file with the reason
 */
public record Counts(long seen, long inserted, long updated, long unchanged, long rejected) {

    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

    public Counts plus(Counts other) {
        return new Counts(seen + other.seen, inserted + other.inserted, updated + other.updated,
                unchanged + other.unchanged, rejected + other.rejected);
    }

    /** Inserted plus updated. */
    public long written() {
        return inserted + updated;
    }
}
