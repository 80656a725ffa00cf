package dev.cutover.state;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;

/**
 * The migration state could not be read or written in PostgreSQL (down, refusing the role, a
 * lock held too long) or what is stored there cannot be used. A change that fails so wrote
 * nothing and can be retried as it is. During a request it is the service's trouble, not the
 * client's: the API answers 503, as for any store failure.
 */
public final class StateStoreException extends CutoverException {

    public StateStoreException(String message, Throwable cause) {
        super(ExitCode.POSTGRES, message, cause);
    }

    public StateStoreException(String message) {
        super(ExitCode.POSTGRES, message);
    }
}
