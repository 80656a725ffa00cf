package dev.cutover.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations the API offers on one collection, over whichever {@link DocumentRepository} the
 * stage selects. It owns what repositories leave to the caller: new ids, version bumps,
 * timestamps, validation, merge patches and version checks, so that every store is handed the
 * same finished document.
 */
public final class DocumentService {

    private final DocumentRepository repository;
    private final DocumentCodec codec;
    private final Clock clock;

    public DocumentService(DocumentRepository repository, Clock clock) {
        this.repository = repository;
        this.codec = new DocumentCodec(repository.spec());
        this.clock = clock;
    }

    public CollectionSpec spec() {
        return repository.spec();
    }

    public DocumentCodec codec() {
        return codec;
    }

    public DocumentRepository repository() {
        return repository;
    }

    public Optional<Document> get(String id) {
        requireValidId(id);
        return repository.get(id);
    }

    public Document require(String id) {
        return get(id).orElseThrow(() -> new DocumentException.NotFound(spec().name(), id));
    }

    /** A page of documents; {@code filters} are raw query parameters, checked against the spec. */
    public Page list(Map<String, String> filters, Optional<String> cursor, int limit) {
        Map<String, Object> typed = new LinkedHashMap<>();
        filters.forEach((name, raw) -> typed.put(name, filterValue(name, raw)));
        return repository.list(new ListQuery(typed, cursor.map(Cursors::decode), limit));
    }

    /** Creates a document from a client's JSON; its {@code id} is used if given, else one is made. */
    public Document create(JsonNode body) {
        Instant now = now();
        Optional<String> given = bodyId(body);
        String id = given.orElseGet(DocumentIds::next);
        ObjectNode stamped = stampedForCreate(body, now);
        Document document = codec.fromJson(stamped, id, 1);
        try {
            return insert(document, given.isEmpty());
        } catch (DocumentException.Duplicate e) {
            // An expired document may still hold the unique values until cleaned up: clean, retry once.
            if (spec().expiresField().isPresent() && repository.deleteExpired(now) > 0) {
                return insert(document, given.isEmpty());
            }
            throw e;
        }
    }

    private Document insert(Document document, boolean generatedId) {
        return generatedId ? repository.insertFresh(document) : repository.insert(document);
    }

    /** Replaces a document with a client's JSON, keeping its id and creation time. */
    public Document replace(String id, JsonNode body, long expectedVersion) {
        requireWritable("replace");
        Document current = requireVersion(id, expectedVersion);
        rejectIdChange(id, body);
        ObjectNode stamped = stampedForUpdate(body, current);
        Document replacement = codec.fromJson(stamped, id, current.version() + 1);
        return repository.replace(replacement, current.version());
    }

    /** Applies a JSON Merge Patch (RFC 7396) to a document. */
    public Document patch(String id, JsonNode mergePatch, long expectedVersion) {
        requireWritable("patch");
        if (mergePatch == null || !mergePatch.isObject()) {
            throw new DocumentException.Invalid("body", "must be a JSON object (a merge patch), but was "
                    + DocumentCodec.kind(mergePatch));
        }
        Document current = requireVersion(id, expectedVersion);
        rejectIdChange(id, mergePatch);
        JsonNode merged = MergePatch.apply(codec.toJson(current), mergePatch);
        ObjectNode stamped = stampedForUpdate(merged, current);
        Document replacement = codec.fromJson(stamped, id, current.version() + 1);
        return repository.replace(replacement, current.version());
    }

    /** Replaces a document with a changed copy made by the caller (messages, sharing). */
    public Document update(Document current, Document changed) {
        Document replacement = changed.withVersion(current.version() + 1).with(CollectionSpec.UPDATED_AT, now());
        return repository.replace(replacement, current.version());
    }

    /** Deletes a document; false if there was none. */
    public boolean delete(String id, long expectedVersion) {
        requireWritable("delete");
        requireValidId(id);
        return repository.delete(id, expectedVersion);
    }

    /** The stored document, checked against the version the client expects (if it gave one). */
    public Document requireVersion(String id, long expectedVersion) {
        requireValidId(id);
        Document current = repository.getFromSourceOfTruth(id)
                .orElseThrow(() -> new DocumentException.NotFound(spec().name(), id));
        if (expectedVersion != DocumentRepository.ANY_VERSION && expectedVersion != current.version()) {
            throw new DocumentException.StaleVersion(spec().name(), id, expectedVersion, current.version());
        }
        return current;
    }

    private void requireWritable(String operation) {
        if (spec().isEventLog()) {
            throw new DocumentException.NotAllowed(spec().name(), operation);
        }
    }

    private ObjectNode stampedForCreate(JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw new DocumentException.Invalid("body", "must be a JSON object, but was " + DocumentCodec.kind(body));
        }
        ObjectNode stamped = ((ObjectNode) body).deepCopy();
        String created = spec().isEventLog() ? CollectionSpec.TIMESTAMP : CollectionSpec.CREATED_AT;
        if (!stamped.hasNonNull(created)) {
            stamped.put(created, JsonValues.formatTimestamp(now));
        }
        if (!spec().isEventLog()) {
            stamped.put(CollectionSpec.UPDATED_AT, JsonValues.formatTimestamp(now));
        }
        return stamped;
    }

    private ObjectNode stampedForUpdate(JsonNode body, Document current) {
        if (body == null || !body.isObject()) {
            throw new DocumentException.Invalid("body", "must be a JSON object, but was " + DocumentCodec.kind(body));
        }
        ObjectNode stamped = ((ObjectNode) body).deepCopy();
        // When a document was created never changes, whatever an update says.
        stamped.set(CollectionSpec.CREATED_AT, JsonValues.toJson(current.get(CollectionSpec.CREATED_AT)));
        stamped.put(CollectionSpec.UPDATED_AT, JsonValues.formatTimestamp(now()));
        return stamped;
    }

    private Optional<String> bodyId(JsonNode body) {
        if (body == null || !body.hasNonNull(DocumentCodec.ID)) {
            return Optional.empty();
        }
        JsonNode id = body.get(DocumentCodec.ID);
        if (!id.isTextual() || !DocumentIds.isValid(id.textValue())) {
            throw new DocumentException.Invalid(DocumentCodec.ID, "must be " + DocumentIds.DESCRIPTION);
        }
        return Optional.of(id.textValue());
    }

    private static void rejectIdChange(String id, JsonNode body) {
        if (body != null && body.hasNonNull(DocumentCodec.ID)
                && !(body.get(DocumentCodec.ID).isTextual() && body.get(DocumentCodec.ID).textValue().equals(id))) {
            throw new DocumentException.Invalid(DocumentCodec.ID, "cannot be changed");
        }
    }

    private void requireValidId(String id) {
        if (!DocumentIds.isValid(id)) {
            throw new DocumentException.Invalid(DocumentCodec.ID, "must be " + DocumentIds.DESCRIPTION);
        }
    }

    private Object filterValue(String name, String raw) {
        Field field = spec().field(name).filter(f -> spec().filters().contains(name)).orElseThrow(() ->
                new DocumentException.Invalid(name, "is not a filter of " + spec().name() + "; filters are "
                        + spec().filters()));
        List<DocumentException.FieldError> errors = new java.util.ArrayList<>();
        JsonNode node = switch (field.type()) {
            case INTEGER, BIGINT -> parseNumber(raw);
            case BOOLEAN -> raw.equals("true") || raw.equals("false")
                    ? com.fasterxml.jackson.databind.node.BooleanNode.valueOf(Boolean.parseBoolean(raw))
                    : com.fasterxml.jackson.databind.node.TextNode.valueOf(raw);
            default -> com.fasterxml.jackson.databind.node.TextNode.valueOf(raw);
        };
        Object value = DocumentCodec.readField(field.withDefault(null), node, name, errors);
        if (!errors.isEmpty()) {
            throw new DocumentException.Invalid(errors);
        }
        return value;
    }

    private static JsonNode parseNumber(String raw) {
        try {
            return com.fasterxml.jackson.databind.node.LongNode.valueOf(Long.parseLong(raw));
        } catch (NumberFormatException e) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(raw);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
