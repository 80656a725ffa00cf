package dev.cutover.document;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** The document holding these values of a unique key, if any. */
    Optional<Document> findByUnique(CollectionSpec.UniqueKey key, List<Object> values);

    /** Stores a new document. */
    Document insert(Document document);

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

    /** Deletes documents expired at {@code now}; returns how many. Zero where nothing expires. */
    int deleteExpired(Instant now);

    /** Which store this is, for logs, metrics and the response header. */
    String storeName();
}
