package dev.cutover.verify;

import java.util.Locale;

/** The kinds of difference between the stores, as output, stored and exported label them. */
public enum Drift {
    /** MongoDB holds the id, PostgreSQL does not. */
    MISSING_IN_POSTGRES,
    /** PostgreSQL holds the id, MongoDB does not. */
    MISSING_IN_MONGO,
    /** Both hold the id, with different content or version. */
    DIFFERS;

    /** The lower-case name: {@code missing_in_postgres}, {@code missing_in_mongo}, {@code differs}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
