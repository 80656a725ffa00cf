package dev.cutover.flags;

import org.togglz.core.Feature;
import org.togglz.core.annotation.Label;

/**
 * The global migration flags, under the names operators already use in their {@code .env} files.
 * Their state is kept by Togglz; the environment variable of the same name gives the default
 * only until a state has been stored. Each flag needs the one before it: see {@link FlagState}.
 */
public enum CutoverFeature implements Feature {

    @Label("Dual-write: every write also goes to PostgreSQL")
    USE_POSTGRES,

    @Label("Read cutover: reads are served from PostgreSQL")
    READ_POSTGRES,

    @Label("Write cutover: PostgreSQL is the source of truth, MongoDB the rollback copy")
    POSTGRES_PRIMARY,

    @Label("MongoDB switched off: PostgreSQL only")
    MONGO_OFF
}
