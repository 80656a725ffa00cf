package dev.cutover.backfill;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.BsonType;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;

/**
 * Streams a MongoDB collection in a fixed order from a {@link Position}: string ids in order,
 * then ObjectIds in order, then ids of any other type. MongoDB compares ids only within one
 * type, so each range is its own cursor, and a position names its range. Documents come as
 * their raw bytes, so the reader knows their size before decoding them.
 */
final class MongoSource implements AutoCloseable {

    private static final String ID = "_id";

    /** The ranges of ids, in reading order; the label is what the progress table stores. */
    enum IdRange {
        STRING("string"), OBJECT_ID("objectid"), OTHER("other");

        private final String label;

        IdRange(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        static IdRange ofLabel(String label) {
            for (IdRange range : values()) {
                if (range.label.equals(label)) {
                    return range;
                }
            }
            throw new IllegalArgumentException("unknown id range '" + label + "' in backfill_progress");
        }
    }

    /**
     * How far a copy got: the range and, within it, the last id done (its text), or for
     * {@link IdRange#OTHER}, whose ids have no text order, how many of its documents are done.
     */
    record Position(IdRange range, String last) {

        static final Position START = new Position(IdRange.STRING, null);

        Position after(Object id) {
            return switch (range) {
                case OTHER -> new Position(IdRange.OTHER, String.valueOf(last == null ? 1 : Long.parseLong(last) + 1));
                default -> new Position(range, id instanceof ObjectId objectId ? objectId.toHexString() : (String) id);
            };
        }
    }

    /** One document and the position just after it. */
    record Item(RawBsonDocument document, Position after) {
    }

    private final MongoCollection<RawBsonDocument> collection;
    private final int batchSize;
    private Position position;
    private MongoCursor<RawBsonDocument> cursor;

    MongoSource(MongoCollection<RawBsonDocument> collection, Position from, int batchSize) {
        this.collection = collection;
        this.position = from;
        this.batchSize = batchSize;
        this.cursor = open(from);
    }

    /** The next document, or {@code null} after the last. */
    Item next() {
        while (!cursor.hasNext()) {
            cursor.close();
            if (position.range() == IdRange.OTHER) {
                return null;
            }
            position = new Position(IdRange.values()[position.range().ordinal() + 1], null);
            cursor = open(position);
        }
        RawBsonDocument document = cursor.next();
        Object id = switch (position.range()) {
            case STRING -> document.getString(ID).getValue();
            case OBJECT_ID -> document.getObjectId(ID).getValue();
            case OTHER -> null;
        };
        position = position.after(id);
        return new Item(document, position);
    }

    private MongoCursor<RawBsonDocument> open(Position from) {
        FindIterable<RawBsonDocument> found = switch (from.range()) {
            case STRING -> collection.find(from.last() == null ? Filters.type(ID, BsonType.STRING)
                    : Filters.gt(ID, from.last()));
            case OBJECT_ID -> collection.find(from.last() == null ? Filters.type(ID, BsonType.OBJECT_ID)
                    : Filters.gt(ID, new ObjectId(from.last())));
            case OTHER -> collection.find(Filters.nor(Filters.type(ID, BsonType.STRING),
                    Filters.type(ID, BsonType.OBJECT_ID))).skip(from.last() == null ? 0 : Integer.parseInt(from.last()));
        };
        return found.sort(Sorts.ascending(ID)).batchSize(batchSize).iterator();
    }

    @Override
    public void close() {
        cursor.close();
    }
}
