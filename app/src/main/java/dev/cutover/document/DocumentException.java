package dev.cutover.document;

import java.util.List;
import java.util.Optional;

/**
 * Why a document operation was refused. Each subtype maps to one HTTP status; the message is
 * meant for the client and never contains another document's content.
 */
public abstract sealed class DocumentException extends RuntimeException {

    protected DocumentException(String message) {
        super(message);
    }

    /** One problem with one field of a request: {@code field} names it as the client wrote it. */
    public record FieldError(String field, String problem) {
    }

    /** The request's document breaks the collection's rules (HTTP 400). */
    public static final class Invalid extends DocumentException {
        private final List<FieldError> errors;

        public Invalid(List<FieldError> errors) {
            super(errors.stream().map(e -> e.field() + " " + e.problem()).reduce((a, b) -> a + "; " + b).orElse(""));
            this.errors = List.copyOf(errors);
        }

        public Invalid(String field, String problem) {
            this(List.of(new FieldError(field, problem)));
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    /** No document has this id (HTTP 404). */
    public static final class NotFound extends DocumentException {
        public NotFound(String collection, String id) {
            super(collection + " has no document with id '" + id + "'");
        }

        private NotFound(String message) {
            super(message);
        }

        /** The document exists, but has no embedded element at this position. */
        public static NotFound element(String collection, String id, int position, int size) {
            return new NotFound(collection + " document '" + id + "' has no message at position " + position
                    + "; it has " + size + ", at positions 0 to " + (size - 1));
        }

        /** The request names a collection that does not exist. */
        public static NotFound unknownCollection(String name, java.util.Collection<String> known) {
            return new NotFound("there is no collection named '" + name + "'; the collections are " + known);
        }
    }

    /** Another document already has this id or these unique values (HTTP 409). */
    public static final class Duplicate extends DocumentException {
        private final List<String> fields;

        public Duplicate(String collection, List<String> fields) {
            super(collection + " already has a document with the same " + String.join(", ", fields));
            this.fields = List.copyOf(fields);
        }

        public List<String> fields() {
            return fields;
        }
    }

    /** The client's version is not the stored one: someone else wrote first (HTTP 409). */
    public static final class StaleVersion extends DocumentException {
        public StaleVersion(String collection, String id, long expected, long actual) {
            super(collection + " document '" + id + "' is at version " + actual + ", not " + expected
                    + ": read it again and reapply the change");
        }

        /**
         * Why a replace expecting {@code expected} changed nothing: the document is at another
         * version, or, when {@code actual} is empty, gone.
         */
        public static DocumentException missed(String collection, String id, long expected, Optional<Long> actual) {
            return actual.<DocumentException>map(version -> new StaleVersion(collection, id, expected, version))
                    .orElseGet(() -> new NotFound(collection, id));
        }
    }

    /** The collection does not allow this operation, e.g. changing an event (HTTP 405). */
    public static final class NotAllowed extends DocumentException {
        public NotAllowed(String collection, String operation) {
            super(collection + " is an append-only event log: " + operation + " is not allowed");
        }
    }
}
