package dev.cutover.document.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteException;
import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What MongoDB's errors mean for a repository. Messages name the collection, the operation and
 * the error code, never a stored value: a server's message may quote one (a duplicate key does),
 * so it is neither repeated nor attached as the cause.
 */
final class MongoFailures {

    /** Index builds and options that clash with an index already there. */
    static final int INDEX_OPTIONS_CONFLICT = 85;
    static final int INDEX_KEY_SPECS_CONFLICT = 86;

    // "E11000 duplicate key error collection: db.agents index: agents_key_key dup key: { ... }"
    private static final Pattern DUPLICATE_INDEX = Pattern.compile("index: (\\S+) dup key");

    private MongoFailures() {
    }

    static boolean isDuplicateKey(MongoException error) {
        if (error instanceof MongoWriteException write) {
            return write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        return ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY;
    }

    /** The name of the unique index a duplicate-key error names, if it names one. */
    static Optional<String> duplicateIndex(MongoException error) {
        String message = error instanceof MongoWriteException write ? write.getError().getMessage() : error.getMessage();
        Matcher matcher = DUPLICATE_INDEX.matcher(String.valueOf(message));
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** An unexpected failure of {@code operation} on {@code collection}. */
    static CutoverException failed(String collection, String operation, MongoException error) {
        String message = "MongoDB failed to " + operation + " in collection '" + collection + "' (error code "
                + code(error) + "). Fix: check that MongoDB at MONGO_URI is reachable and healthy; its log "
                + "has the details.";
        // A server error's text may quote stored values; a client-side one (a timeout, a closed
        // socket) names only hosts and is worth its stack trace.
        return error instanceof MongoServerException
                ? new CutoverException(ExitCode.MONGO, message)
                : new CutoverException(ExitCode.MONGO, message, error);
    }

    /** An index cutover needs clashes with one the collection already has. */
    static CutoverException indexConflict(String collection, String index, String existing, MongoException error) {
        return new CutoverException(ExitCode.MONGO, "MongoDB collection '" + collection + "' has an index '"
                + existing + "' that clashes with the index '" + index + "' cutover needs (error code " + code(error)
                + "). Fix: drop it (db." + collection + ".dropIndex(\"" + existing + "\")) and start again; "
                + "cutover creates the index it needs.");
    }

    /** An existing index on the right keys lacks the uniqueness or sparseness cutover relies on. */
    static CutoverException incompatibleIndex(String collection, String index, String existing) {
        return new CutoverException(ExitCode.MONGO, "MongoDB collection '" + collection + "' has an index '"
                + existing + "' on the keys of '" + index + "' but with other unique or sparse options. Fix: drop "
                + "it (db." + collection + ".dropIndex(\"" + existing + "\")) and start again; cutover creates "
                + "the index it needs.");
    }

    /** Stored documents already break a unique key, so its index cannot be built or kept. */
    static CutoverException existingDuplicates(String collection, String fields) {
        return new CutoverException(ExitCode.MONGO, "MongoDB collection '" + collection + "' has documents that "
                + "share the same " + fields + " (compared without regard to letter case for case-insensitive "
                + "fields), so its unique index cannot be built. Fix: find them (an aggregation grouping by "
                + fields + "), give all but one another value or delete them, and start again.");
    }

    private static String code(MongoException error) {
        if (error instanceof MongoWriteException write) {
            return String.valueOf(write.getError().getCode());
        }
        if (error instanceof MongoCommandException command && !command.getErrorCodeName().isEmpty()) {
            return command.getErrorCode() + " " + command.getErrorCodeName();
        }
        return String.valueOf(error.getCode());
    }
}
