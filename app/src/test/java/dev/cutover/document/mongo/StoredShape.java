package dev.cutover.document.mongo;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;

/**
 * Test code's window on {@link DocumentMapping}: how MongoDB stores a document and how a stored
 * one reads back, for tools that load or scan raw collections (the backfill benchmark).
 */
public final class StoredShape {

    private StoredShape() {
    }

    public static org.bson.Document toBson(CollectionSpec spec, Document document) {
        return new DocumentMapping(spec).toBson(document);
    }

    public static Document fromBson(CollectionSpec spec, org.bson.Document stored) {
        return new DocumentMapping(spec).fromBson(stored);
    }
}
