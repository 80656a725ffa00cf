package dev.cutover;

/** The exit codes of every command, documented in {@code docs/troubleshooting.md}. */
public enum ExitCode {
    OK(0),
    /** An unexpected internal error: a bug, please report it with the log. */
    INTERNAL(1),
    /** The command line was wrong: unknown option, missing or malformed value. */
    USAGE(2),
    /** The environment configuration is missing or malformed. */
    CONFIGURATION(3),
    /** PostgreSQL could not be reached, or refused the role, password, database or privilege. */
    POSTGRES(4),
    /** The schema is not at the version this build needs, or a migration failed. */
    SCHEMA(5),
    /** MongoDB could not be reached or started. */
    MONGO(6),
    /** {@code backfill} finished, but some documents could not be stored: see the rejects file. */
    REJECTED(7),
    /** {@code verify} found the stores differ. */
    DRIFT(8);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
