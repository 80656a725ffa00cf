package dev.cutover.flags;

import java.util.Optional;

/**
 * Where one collection stands in its move, in order. Each stage says which store is the source of
 * truth (written first; its failure fails the request), which store gets the copy (written
 * second; its failure is repaired later, never seen by the client) and which store serves reads.
 */
public enum Stage {
    /** Before the move, or after a full rollback: MongoDB alone. */
    MONGO_ONLY(Store.MONGO, null, Store.MONGO),
    /** MongoDB is the source of truth and serves reads; PostgreSQL gets a copy of every write. */
    DUAL_WRITE(Store.MONGO, Store.POSTGRES, Store.MONGO),
    /** As dual-write, but reads come from PostgreSQL. */
    READ_POSTGRES(Store.MONGO, Store.POSTGRES, Store.POSTGRES),
    /** PostgreSQL is the source of truth; MongoDB keeps a copy so a rollback loses nothing. */
    POSTGRES_PRIMARY(Store.POSTGRES, Store.MONGO, Store.POSTGRES),
    /** After the move: PostgreSQL alone; MongoDB is never touched. */
    POSTGRES_ONLY(Store.POSTGRES, null, Store.POSTGRES);

    private final Store primary;
    private final Store secondary;
    private final Store reads;

    Stage(Store primary, Store secondary, Store reads) {
        this.primary = primary;
        this.secondary = secondary;
        this.reads = reads;
    }

    /** The source of truth: written first. */
    public Store primary() {
        return primary;
    }

    /** The store that gets a copy of every write, if any. */
    public Optional<Store> secondary() {
        return Optional.ofNullable(secondary);
    }

    /** The store reads are served from. */
    public Store reads() {
        return reads;
    }

    /** Whether this stage touches the store at all. */
    public boolean uses(Store store) {
        return primary == store || secondary == store;
    }

    /** The earlier of two stages: how a pin holds a collection back. */
    public Stage atMost(Stage limit) {
        return compareTo(limit) <= 0 ? this : limit;
    }
}
