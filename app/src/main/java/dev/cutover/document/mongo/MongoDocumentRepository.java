package dev.cutover.document.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.nor;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Filters.type;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.result.UpdateResult;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentIds;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.Field;
import dev.cutover.document.ListQuery;
import dev.cutover.document.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * A collection in MongoDB, laid out as the application kept it before cutover, for any
 * {@link CollectionSpec}: the MongoDB collection is {@code spec.name()}, a document's id is its
 * {@code _id} (an ObjectId when the id has that form, else the string; a lookup matches both, so
 * a legacy string {@code _id} that happens to look like an ObjectId is still found), its version
 * is {@code _version} (absent in documents written before cutover: version 0), and fields are
 * mapped as {@code DocumentMapping} in this package describes.
 *
 * <p>Call {@link #ensureIndexes()} once before serving: it moves the indexed fields of documents
 * the application wrote before cutover from their legacy names to their own, then builds the
 * unique indexes the duplicate checks rely on and the indexes lists use. It is not called by the
 * constructor, so that creating a repository never needs a reachable server. Lists, counts and
 * unique lookups compare fields under their own names; expiry also honours legacy names, so a
 * document written under them after {@code ensureIndexes} is still never served once expired.
 *
 * <p>Deletes are remembered as tombstones (see {@code MongoTombstones}), and the secondary's writes
 * are conditional on {@code _version}: {@link #applyIfNewer} replaces only an older document (or
 * inserts where there is none) and then looks for a tombstone again, removing what it wrote if
 * a delete of its version or a newer one overtook it, since MongoDB offers no transaction here
 * that would make the check and the write one step. A clash of unique values with another
 * document is reported as {@link DocumentException.Duplicate}, not as "older": the copy has
 * fallen behind and needs repair.
 *
 * <p>{@link #scan} and {@link #scanAll} visit ids in their text order (that of
 * {@link String#compareTo}, PostgreSQL's {@code COLLATE "C"}), merging string and ObjectId
 * {@code _id}s, which MongoDB itself orders apart. Errors other than the contract's become a {@link dev.cutover.CutoverException} naming
 * the collection, the operation and MongoDB's error code, never a stored value.
 */
public final class MongoDocumentRepository implements DocumentRepository {

    private static final String HEX = "0123456789abcdef";
    private static final int OBJECT_ID_LENGTH = 24;
    /** What {@link MongoIndexes#duplicateFields} names for a clash of ids. */
    private static final List<String> ID_FIELDS = List.of("id");

    private final CollectionSpec spec;
    private final MongoCollection<org.bson.Document> collection;
    private final DocumentMapping mapping;
    private final MongoIndexes indexes;
    private final MongoTombstones tombstones;
    private final Clock clock;

    public MongoDocumentRepository(CollectionSpec spec, MongoDatabase database) {
        this(spec, database, Clock.systemUTC());
    }

    /** With the clock that decides which documents have expired and dates tombstones. */
    MongoDocumentRepository(CollectionSpec spec, MongoDatabase database, Clock clock) {
        this.spec = spec;
        this.collection = database.getCollection(spec.name());
        this.mapping = new DocumentMapping(spec);
        this.indexes = new MongoIndexes(spec, collection, mapping);
        this.tombstones = new MongoTombstones(spec.name(), database, clock);
        this.clock = clock;
    }

    /**
     * Moves indexed fields of documents written before cutover from legacy names to their own and
     * gives them the lower-case copies of case-insensitive fields (what they read as is
     * unchanged), then creates the indexes the collection needs, if missing. Safe to call again,
     * and from several replicas at once; it reads every document lacking an indexed field.
     *
     * @throws dev.cutover.CutoverException when an existing index clashes or stored documents
     *                                      already break a unique key, naming the fix
     */
    public void ensureIndexes() {
        indexes.ensure();
    }

    /**
     * The document a stored MongoDB document reads as, for bulk readers that stream the
     * collection themselves; as tolerant of legacy shapes as every other read.
     */
    public Document decode(org.bson.Document stored) {
        return mapping.fromBson(stored);
    }

    @Override
    public CollectionSpec spec() {
        return spec;
    }

    @Override
    public String storeName() {
        return "mongo";
    }

    @Override
    public Optional<Document> get(String id) {
        return call("read a document", () -> Optional.ofNullable(
                collection.find(all(List.of(byId(id), notExpired()))).first()).map(mapping::fromBson));
    }

    @Override
    public Page list(ListQuery query) {
        List<Bson> conditions = new ArrayList<>(equalities(query.filters()));
        conditions.add(notExpired());
        query.after().ifPresent(cursor -> conditions.add(before(cursor)));
        String order = spec.orderField();
        return call("list documents", () -> {
            List<Document> found = new ArrayList<>();
            // One more than asked tells whether another page follows.
            collection.find(all(conditions))
                    .sort(Sorts.descending(order, DocumentMapping.ID))
                    .limit(query.limit() + 1)
                    .forEach(stored -> found.add(mapping.fromBson(stored)));
            if (found.size() <= query.limit()) {
                return new Page(found, Optional.empty());
            }
            List<Document> items = found.subList(0, query.limit());
            Document last = items.get(items.size() - 1);
            return new Page(items, Optional.of(new ListQuery.Cursor((Instant) last.get(order), last.id())));
        });
    }

    @Override
    public long count(Map<String, Object> filters) {
        List<Bson> conditions = new ArrayList<>(equalities(filters));
        conditions.add(notExpired());
        return call("count documents", () -> collection.countDocuments(all(conditions)));
    }

    @Override
    public List<Document> scan(String afterId, int limit) {
        return call("scan documents", () -> {
            // MongoDB orders all string _ids before all ObjectIds; merging the two ranges gives
            // the ids' text order, which the other store shares.
            List<org.bson.Document> strings = collection
                    .find(afterId == null ? type(DocumentMapping.ID, BsonType.STRING) : gt(DocumentMapping.ID, afterId))
                    .sort(Sorts.ascending(DocumentMapping.ID)).limit(limit).into(new ArrayList<>());
            List<org.bson.Document> objectIds = new ArrayList<>();
            Optional<String> from = afterId == null ? Optional.of("0".repeat(OBJECT_ID_LENGTH)) : smallestHexAbove(afterId);
            from.ifPresent(start -> collection.find(gte(DocumentMapping.ID, new ObjectId(start)))
                    .sort(Sorts.ascending(DocumentMapping.ID)).limit(limit).into(objectIds));
            return merge(strings, objectIds, limit);
        });
    }

    /**
     * Streams with two cursors, string {@code _id}s and ObjectIds, merged into the ids' text
     * order: paging would repeat a range query per page, which a server without a range index
     * (the in-process one) answers by reading the whole collection each time.
     */
    @Override
    public Stream<Document> scanAll(String afterId, int batchSize) {
        return call("scan documents", () -> {
            MongoCursor<org.bson.Document> strings = collection
                    .find(afterId == null ? type(DocumentMapping.ID, BsonType.STRING) : gt(DocumentMapping.ID, afterId))
                    .sort(Sorts.ascending(DocumentMapping.ID)).batchSize(batchSize).iterator();
            MongoCursor<org.bson.Document> objectIds;
            try {
                Optional<String> from = afterId == null ? Optional.of("0".repeat(OBJECT_ID_LENGTH))
                        : smallestHexAbove(afterId);
                objectIds = from.map(start -> collection.find(gte(DocumentMapping.ID, new ObjectId(start)))
                        .sort(Sorts.ascending(DocumentMapping.ID)).batchSize(batchSize).iterator()).orElse(null);
            } catch (RuntimeException e) {
                strings.close();
                throw e;
            }
            MergedCursors merged = new MergedCursors(strings, objectIds);
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(merged,
                    Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(merged::close);
        });
    }

    @Override
    public Optional<Document> findByUnique(CollectionSpec.UniqueKey key, List<Object> values) {
        if (values.size() != key.fields().size()) {
            throw new IllegalArgumentException(spec.name() + " unique key " + key.fields() + " needs "
                    + key.fields().size() + " values, but got " + values.size());
        }
        // A unique key never holds a missing value, as in PostgreSQL where NULLs never clash.
        if (values.stream().anyMatch(Objects::isNull)) {
            return Optional.empty();
        }
        List<Bson> conditions = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            conditions.add(mapping.equalTo(key.fields().get(i), values.get(i)));
        }
        conditions.add(notExpired());
        return call("find a document by unique key", () ->
                Optional.ofNullable(collection.find(all(conditions)).first()).map(mapping::fromBson));
    }

    @Override
    public Document insert(Document document) {
        return call("insert a document", () -> insertNew(document).map(this::alreadyStored).orElse(document));
    }

    /**
     * Inserts the document unless its id is stored.
     *
     * @return the stored document of that id, when there is one and nothing was written
     * @throws DocumentException.Duplicate when another document holds its unique values
     */
    private Optional<org.bson.Document> insertNew(Document document) {
        // The same id may already be stored as a legacy string _id of ObjectId form.
        if (DocumentIds.isObjectId(document.id())) {
            org.bson.Document legacy = collection.find(eq(DocumentMapping.ID, document.id())).first();
            if (legacy != null) {
                return Optional.of(legacy);
            }
        }
        try {
            collection.insertOne(mapping.toBson(document));
            return Optional.empty();
        } catch (MongoException e) {
            if (!MongoFailures.isDuplicateKey(e)) {
                throw e;
            }
            List<String> fields = indexes.duplicateFields(MongoFailures.duplicateIndex(e));
            org.bson.Document existing = fields.equals(ID_FIELDS) ? collection.find(byId(document.id())).first() : null;
            if (existing == null) {
                throw new DocumentException.Duplicate(spec.name(), fields);
            }
            return Optional.of(existing);
        }
    }

    /** Inserting an id already stored: an event log's repeat is the same event; an entity's is a clash. */
    private Document alreadyStored(org.bson.Document existing) {
        if (spec.isEventLog()) {
            return mapping.fromBson(existing);
        }
        throw new DocumentException.Duplicate(spec.name(), List.of("id"));
    }

    @Override
    public Document replace(Document document, long expectedVersion) {
        if (spec.isEventLog()) {
            throw new DocumentException.NotAllowed(spec.name(), "replace");
        }
        org.bson.Document replacement = mapping.toBson(document);
        // Without _id the stored one stays, in whichever form (ObjectId or string) it has.
        replacement.remove(DocumentMapping.ID);
        return call("replace a document", () -> {
            UpdateResult result;
            try {
                result = collection.replaceOne(all(List.of(byId(document.id()), DocumentMapping.atVersion(expectedVersion))), replacement);
            } catch (MongoException e) {
                if (MongoFailures.isDuplicateKey(e)) {
                    throw new DocumentException.Duplicate(spec.name(),
                            indexes.duplicateFields(MongoFailures.duplicateIndex(e)));
                }
                throw e;
            }
            if (result.getMatchedCount() == 0) {
                throw DocumentException.StaleVersion.missed(spec.name(), document.id(), expectedVersion,
                        storedVersion(document.id()));
            }
            return document;
        });
    }

    @Override
    public boolean delete(String id, long expectedVersion) {
        if (spec.isEventLog()) {
            throw new DocumentException.NotAllowed(spec.name(), "delete");
        }
        return call("delete a document", () -> {
            org.bson.Document deleted = collection.findOneAndDelete(
                    all(List.of(byId(id), DocumentMapping.atVersion(expectedVersion))),
                    new FindOneAndDeleteOptions().projection(Projections.include(DocumentMapping.VERSION)));
            if (deleted != null) {
                // A delete is a write, one version above the document it removed. Burying also
                // removes an older copy a concurrent applyIfNewer wrote before the tombstone was there.
                bury(id, DocumentMapping.readVersion(deleted) + 1);
                return true;
            }
            Optional<Long> actual = expectedVersion == ANY_VERSION ? Optional.empty() : storedVersion(id);
            if (actual.isPresent()) {
                throw new DocumentException.StaleVersion(spec.name(), id, expectedVersion, actual.get());
            }
            return false;
        });
    }

    @Override
    public boolean applyIfNewer(Document document) {
        if (spec.isEventLog()) {
            return call("apply an event", () -> insertNew(document).isEmpty());
        }
        String id = document.id();
        long version = document.version();
        return call("apply a document", () -> {
            if (deletedAtOrAfter(id, version)) {
                return false;
            }
            if (!replaceIfOlder(document)) {
                return false;
            }
            // Without transactions a delete at this version or a newer one may have recorded its
            // tombstone after the check above and then found nothing to remove. It raised the
            // tombstone before removing, this wrote before looking again: one of the two sees the other.
            if (deletedAtOrAfter(id, version)) {
                collection.deleteOne(and(byId(id), eq(DocumentMapping.VERSION, version)));
                return false;
            }
            return true;
        });
    }

    /**
     * Stores the document, inserting or replacing, if no version of it as new or newer is stored.
     * A replaced document keeps the form of its {@code _id}.
     *
     * @return whether it was stored
     * @throws DocumentException.Duplicate when another document holds its unique values
     */
    private boolean replaceIfOlder(Document document) {
        org.bson.Document replacement = mapping.toBson(document);
        replacement.put(DocumentMapping.ID, storedIdForm(document.id()));
        Bson older = and(eq(DocumentMapping.ID, replacement.get(DocumentMapping.ID)),
                DocumentMapping.belowVersion(document.version()));
        while (true) {
            try {
                collection.replaceOne(older, replacement, new ReplaceOptions().upsert(true));
                return true;
            } catch (MongoException e) {
                if (!MongoFailures.isDuplicateKey(e)) {
                    throw e;
                }
                List<String> fields = indexes.duplicateFields(MongoFailures.duplicateIndex(e));
                if (!fields.equals(ID_FIELDS)) {
                    throw new DocumentException.Duplicate(spec.name(), fields);
                }
                // The upsert found the id stored at this version or a newer one, unless that
                // document was replaced by an older one or deleted since: then try again.
                Optional<Long> stored = storedVersion(document.id());
                if (stored.isPresent() && stored.get() >= document.version()) {
                    return false;
                }
            }
        }
    }

    /** The {@code _id} an id is stored under: a legacy string one of ObjectId form keeps its form. */
    private Object storedIdForm(String id) {
        Object objectIdForm = DocumentMapping.storedId(id);
        if (objectIdForm instanceof ObjectId && collection.countDocuments(eq(DocumentMapping.ID, id)) > 0) {
            return id;
        }
        return objectIdForm;
    }

    private boolean deletedAtOrAfter(String id, long version) {
        OptionalLong deleted = tombstones.version(id);
        return deleted.isPresent() && deleted.getAsLong() >= version;
    }

    @Override
    public boolean applyDelete(String id, long version) {
        if (spec.isEventLog()) {
            throw new DocumentException.NotAllowed(spec.name(), "delete");
        }
        return call("apply a delete", () -> bury(id, version));
    }

    /**
     * Raises the id's tombstone to {@code version}, then removes the document if it is older. In
     * that order, so that a concurrent {@link #applyIfNewer} of an older version either finds the
     * tombstone or wrote before the removal.
     *
     * @return whether the tombstone was raised or a document removed
     */
    private boolean bury(String id, long version) {
        OptionalLong before = tombstones.raise(id, version);
        boolean raised = before.isEmpty() || before.getAsLong() < version;
        boolean removed = collection.deleteOne(and(byId(id), DocumentMapping.belowVersion(version))).getDeletedCount() > 0;
        return raised || removed;
    }

    @Override
    public OptionalLong tombstone(String id) {
        if (spec.isEventLog()) {
            return OptionalLong.empty();
        }
        return call("read a tombstone", () -> tombstones.version(id));
    }

    @Override
    public int deleteExpired(Instant now) {
        if (spec.expiresField().isEmpty()) {
            return 0;
        }
        return call("delete expired documents", () ->
                (int) Math.min(Integer.MAX_VALUE, collection.deleteMany(expiredAt(now)).getDeletedCount()));
    }

    // Conditions --------------------------------------------------------------------------------

    /** The document of this id, stored as an ObjectId or as a string. */
    private static Bson byId(String id) {
        return DocumentIds.isObjectId(id)
                ? in(DocumentMapping.ID, new ObjectId(id), id)
                : eq(DocumentMapping.ID, id);
    }

    private Optional<Long> storedVersion(String id) {
        return Optional.ofNullable(collection.find(byId(id)).projection(Projections.include(DocumentMapping.VERSION))
                .first()).map(DocumentMapping::readVersion);
    }

    private List<Bson> equalities(Map<String, Object> filters) {
        return filters.entrySet().stream().map(filter -> mapping.equalTo(filter.getKey(), filter.getValue())).toList();
    }

    private Bson notExpired() {
        return spec.expiresField().isEmpty() ? new BsonDocument() : nor(expiredAt(clock.instant()));
    }

    /**
     * Expired at {@code now}: the expiry field, or else the first of its legacy names present,
     * is at or before {@code now}.
     */
    private Bson expiredAt(Instant now) {
        Field expires = spec.field(spec.expiresField().orElseThrow()).orElseThrow();
        List<String> paths = Stream.concat(Stream.of(expires.name()), expires.aliases().stream()).toList();
        List<Bson> alternatives = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            List<Bson> conditions = new ArrayList<>();
            paths.subList(0, i).forEach(earlier -> conditions.add(exists(earlier, false)));
            conditions.add(lte(paths.get(i), Date.from(now)));
            alternatives.add(all(conditions));
        }
        return or(alternatives);
    }

    /** After a list's cursor, newest first: older, or as old with a smaller id. */
    private Bson before(ListQuery.Cursor cursor) {
        String order = spec.orderField();
        Bson smallerId = idBelow(cursor.id());
        if (cursor.orderValue() == null) {
            // Documents written before cutover may lack the order field; they sort last, by id.
            return and(eq(order, null), smallerId);
        }
        Date at = Date.from(cursor.orderValue());
        return or(lt(order, at), and(eq(order, at), smallerId), eq(order, null));
    }

    /** Below an id in MongoDB's order, where every ObjectId is above every string. */
    private static Bson idBelow(String id) {
        return DocumentIds.isObjectId(id)
                ? or(lt(DocumentMapping.ID, new ObjectId(id)), type(DocumentMapping.ID, BsonType.STRING))
                : lt(DocumentMapping.ID, id);
    }

    /** All of the conditions; an empty one (no expiry, any version) is left out. */
    private static Bson all(List<Bson> conditions) {
        List<Bson> real = conditions.stream()
                .filter(condition -> !(condition instanceof BsonDocument empty && empty.isEmpty())).toList();
        if (real.isEmpty()) {
            return new BsonDocument();
        }
        return real.size() == 1 ? real.get(0) : and(real);
    }

    // Scanning ----------------------------------------------------------------------------------

    private List<Document> merge(List<org.bson.Document> strings, List<org.bson.Document> objectIds, int limit) {
        List<Document> merged = new ArrayList<>(limit);
        int s = 0;
        int o = 0;
        while (merged.size() < limit && (s < strings.size() || o < objectIds.size())) {
            boolean takeString = o == objectIds.size() || s < strings.size()
                    && DocumentMapping.readId(strings.get(s).get(DocumentMapping.ID))
                            .compareTo(DocumentMapping.readId(objectIds.get(o).get(DocumentMapping.ID))) < 0;
            merged.add(mapping.fromBson(takeString ? strings.get(s++) : objectIds.get(o++)));
        }
        return merged;
    }

    /** Two cursors in {@code _id} order, one of strings and one of ObjectIds, merged into text order. */
    private final class MergedCursors implements Iterator<Document>, AutoCloseable {

        private final MongoCursor<org.bson.Document> strings;
        /** Null when no ObjectId can follow the starting point. */
        private final MongoCursor<org.bson.Document> objectIds;
        private org.bson.Document nextString;
        private org.bson.Document nextObjectId;

        MergedCursors(MongoCursor<org.bson.Document> strings, MongoCursor<org.bson.Document> objectIds) {
            this.strings = strings;
            this.objectIds = objectIds;
        }

        @Override
        public boolean hasNext() {
            return call("scan documents", () -> {
                if (nextString == null && strings.hasNext()) {
                    nextString = strings.next();
                }
                if (nextObjectId == null && objectIds != null && objectIds.hasNext()) {
                    nextObjectId = objectIds.next();
                }
                return nextString != null || nextObjectId != null;
            });
        }

        @Override
        public Document next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            boolean takeString = nextObjectId == null || nextString != null
                    && DocumentMapping.readId(nextString.get(DocumentMapping.ID))
                            .compareTo(DocumentMapping.readId(nextObjectId.get(DocumentMapping.ID))) < 0;
            org.bson.Document taken = takeString ? nextString : nextObjectId;
            if (takeString) {
                nextString = null;
            } else {
                nextObjectId = null;
            }
            return mapping.fromBson(taken);
        }

        @Override
        public void close() {
            strings.close();
            if (objectIds != null) {
                objectIds.close();
            }
        }
    }

    /**
     * The smallest ObjectId text (24 lowercase hex digits) above {@code text} in text order, if
     * any: where the ObjectIds after a scan position start.
     */
    static Optional<String> smallestHexAbove(String text) {
        int prefix = 0;
        while (prefix < Math.min(text.length(), OBJECT_ID_LENGTH) && HEX.indexOf(text.charAt(prefix)) >= 0) {
            prefix++;
        }
        if (prefix == OBJECT_ID_LENGTH) {
            // text is 24 hex digits, maybe followed by more: the next ObjectId after its first 24.
            return increment(text.substring(0, OBJECT_ID_LENGTH));
        }
        if (prefix == text.length()) {
            // A proper prefix sorts before everything that extends it.
            return Optional.of(text + "0".repeat(OBJECT_ID_LENGTH - prefix));
        }
        char next = text.charAt(prefix);
        for (char digit : HEX.toCharArray()) {
            if (digit > next) {
                return Optional.of(text.substring(0, prefix) + digit + "0".repeat(OBJECT_ID_LENGTH - prefix - 1));
            }
        }
        return increment(text.substring(0, prefix)).map(head -> head + "0".repeat(OBJECT_ID_LENGTH - head.length()));
    }

    /** The hex text one above {@code hex} of the same length, if it does not overflow. */
    private static Optional<String> increment(String hex) {
        char[] digits = hex.toCharArray();
        for (int i = digits.length - 1; i >= 0; i--) {
            int value = HEX.indexOf(digits[i]);
            if (value < HEX.length() - 1) {
                digits[i] = HEX.charAt(value + 1);
                return Optional.of(new String(digits));
            }
            digits[i] = '0';
        }
        return Optional.empty();
    }

    private <T> T call(String operation, Supplier<T> action) {
        try {
            return action.get();
        } catch (MongoException e) {
            throw MongoFailures.failed(spec.name(), operation, e);
        }
    }
}
