package dev.cutover.flags;

/** The two stores a collection can live in. */
public enum Store {
    MONGO,
    POSTGRES;

    /** The lower-case name used in logs, metrics and the {@code X-Cutover-Store} header. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
