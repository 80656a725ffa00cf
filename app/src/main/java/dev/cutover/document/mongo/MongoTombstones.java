package dev.cutover.document.mongo;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import java.time.Clock;
import java.util.Date;
import java.util.OptionalLong;

/**
 * The versions at which one collection's ids were deleted, so that a write of that version or an
 * older one, arriving late, does not bring a document back.
 *
 * <p>All collections of a database share the MongoDB collection {@value #COLLECTION}, one
 * document per deleted id: {@code _id} {@code "<collection>:<id>"}, {@code collection},
 * {@code id}, {@code version} (Int64, the highest version a delete was recorded at) and
 * {@code deleted_at} (when a delete last reached it). Every lookup is by {@code _id}, so no other
 * index is needed. Tombstones are never removed: ids are never reused.
 */
final class MongoTombstones {

    static final String COLLECTION = "cutover_tombstones";

    private static final String VERSION = "version";

    private final String collectionName;
    private final MongoCollection<org.bson.Document> tombstones;
    private final Clock clock;

    MongoTombstones(String collectionName, MongoDatabase database, Clock clock) {
        this.collectionName = collectionName;
        this.tombstones = database.getCollection(COLLECTION);
        this.clock = clock;
    }

    /**
     * Records that the id is deleted at {@code version}, or keeps the newer version it already has,
     * in one atomic step.
     *
     * @return the version recorded before, if any
     */
    OptionalLong raise(String id, long version) {
        org.bson.Document before = tombstones.findOneAndUpdate(eq(DocumentMapping.ID, key(id)),
                Updates.combine(
                        Updates.setOnInsert("collection", collectionName),
                        Updates.setOnInsert("id", id),
                        Updates.max(VERSION, version),
                        Updates.set("deleted_at", Date.from(clock.instant()))),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE)
                        .projection(Projections.include(VERSION)));
        return versionOf(before);
    }

    /** The version the id was deleted at, if it was. */
    OptionalLong version(String id) {
        return versionOf(tombstones.find(eq(DocumentMapping.ID, key(id)))
                .projection(Projections.include(VERSION)).first());
    }

    private String key(String id) {
        return collectionName + ":" + id;
    }

    private static OptionalLong versionOf(org.bson.Document tombstone) {
        return tombstone != null && tombstone.get(VERSION) instanceof Number number
                ? OptionalLong.of(number.longValue()) : OptionalLong.empty();
    }
}
