package dev.cutover.document;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The store-level operations on one collection, implemented once for MongoDB and once for
 * PostgreSQL (and, by the router, over both). Implementations store and return documents exactly
 * as given: assigning ids, versions and timestamps is the caller's job, so that the source of
 * truth and its copy hold the same values.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>What {@link #insert} or {@link #replace} stored, {@link #get} returns equal, typed fields,
 *       extra fields and child elements alike.</li>
 *   <li>A document whose expiry field lies in the past is never returned by get, list or
 *       findByUnique.</li>
 *   <li>Event logs: insert of an id already stored returns the stored event and changes nothing;
 *       replace and delete throw {@link DocumentException.NotAllowed}.</li>
 *   <li>Unique keys and ids: a clash throws {@link DocumentException.Duplicate} and writes nothing.</li>
 * </ul>
 */
public interface DocumentRepository {

    /** Passed as the expected version to skip the version check. */
    long ANY_VERSION = -1;

    CollectionSpec spec();

    Optional<Document> get(String id);

    /** One page of documents matching the filters, newest first by the collection's order field. */
    Page list(ListQuery query);

    /** How many documents match the filters (expired ones excluded). */
    long count(Map<String, Object> filters);

    /** Up to {@code limit} stored documents with ids above {@code afterId} (null: from the first), by id. */
    List<Document> scan(String afterId, int limit);

    /**
     * Every stored document with an id above {@code afterId} (null: from the first), by id, as
     * {@link #scan} gives them, read lazily about {@code batchSize} at a time: a whole collection
     * with memory bounded by the batch. By default it pages with {@link #scan}; a store whose
     * cursors are cheaper than repeated range queries streams instead. The stream may hold the
     * store's cursors: close it.
     */
    default Stream<Document> scanAll(String afterId, int batchSize) {
        return Stream.iterate(scan(afterId, batchSize), page -> !page.isEmpty(),
                        page -> page.size() < batchSize ? List.of() : scan(page.get(page.size() - 1).id(), batchSize))
                .flatMap(List::stream);
    }

    /** The document holding these values of a unique key, if any. */
    Optional<Document> findByUnique(CollectionSpec.UniqueKey key, List<Object> values);

    /** Stores a new document. */
    Document insert(Document document);

    /**
     * Stores a new document whose id was generated just now, so it cannot have been deleted
     * before: a router may skip looking for its tombstone.
     */
    default Document insertFresh(Document document) {
        return insert(document);
    }

    /**
     * Replaces the stored document of the same id with this one, if the stored version is
     * {@code expectedVersion} (or {@code expectedVersion} is {@link #ANY_VERSION}).
     *
     * @throws DocumentException.NotFound     when there is none
     * @throws DocumentException.StaleVersion when the stored version differs
     */
    Document replace(Document document, long expectedVersion);

    /**
     * Deletes a document, if its version is {@code expectedVersion} or that is {@link #ANY_VERSION}.
     *
     * @return whether there was a document to delete
     * @throws DocumentException.StaleVersion when the stored version differs
     */
    boolean delete(String id, long expectedVersion);

    /**
     * The secondary's write: stores {@code document} (inserting or replacing) unless this store
     * already holds the same id at the same or a newer version, or a tombstone at the same or a
     * newer version. Concurrent calls for one id leave the newest version stored, whatever order
     * they run in. Event logs: stores the event if its id is absent.
     *
     * @return whether the document was stored
     */
    boolean applyIfNewer(Document document);

    /**
     * The secondary's delete: removes the document if its stored version is below
     * {@code version}, and records a tombstone at {@code version} so that an older write arriving
     * later is skipped by {@link #applyIfNewer}. A newer stored version is left alone.
     *
     * @return whether the stored state changed
     */
    boolean applyDelete(String id, long version);

    /**
     * The version at which this id was last deleted here, if it was. {@link #delete} records one
     * too, at the deleted document's version plus one: a delete is a write.
     */
    java.util.OptionalLong tombstone(String id);

    /** Deletes documents expired at {@code now}; returns how many. Zero where nothing expires. */
    int deleteExpired(Instant now);

    /** Which store serves reads, for logs, metrics and the response header. */
    String storeName();

    /** Which store takes writes first (the source of truth); the same store unless routed. */
    default String writeStoreName() {
        return storeName();
    }

    /**
     * The document as the source of truth holds it, which a write must start from; the same as
     * {@link #get} unless reads are routed to a copy that may lag.
     */
    default Optional<Document> getFromSourceOfTruth(String id) {
        return get(id);
    }
}
