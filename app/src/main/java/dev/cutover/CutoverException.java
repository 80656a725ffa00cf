package dev.cutover;

/**
 * The root of every failure cutover reports to an operator. The message is one line that names
 * the cause and, after "Fix:", what to do about it; the command line prints it and exits with
 * {@link #exitCode()}. Messages never contain a password.
 */
public class CutoverException extends RuntimeException {

    private final ExitCode exitCode;

    public CutoverException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CutoverException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
