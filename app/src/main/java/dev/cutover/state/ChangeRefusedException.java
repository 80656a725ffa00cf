package dev.cutover.state;

/**
 * A change of the migration state that would leave it in a combination the rules refuse (see
 * {@link dev.cutover.flags.MigrationState#problem}). Nothing was written; the message says why,
 * in the words of the rule, for the operator who asked.
 */
public final class ChangeRefusedException extends RuntimeException {

    private final String subject;

    public ChangeRefusedException(String subject, String reason) {
        super(reason);
        this.subject = subject;
    }

    /** What the refused change was about: a flag name, {@code active_phase} or {@code pin:<collection>}. */
    public String subject() {
        return subject;
    }
}
