package dev.cutover.document;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One document of a collection, the same whichever store holds it.
 *
 * @param id      the id, identical in both stores
 * @param version grows by one with every write to the source of truth
 * @param fields  the typed fields' values in canonical form, by field name, in spec order; an
 *                absent optional field is held as {@code null}
 * @param extra   fields the typed schema does not know, kept as they came (JSON-shaped values)
 */
public record Document(String id, long version, Map<String, Object> fields, Map<String, Object> extra) {

    public Document {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * One element of an embedded array (a conversation's message): its typed fields and the
     * fields the schema does not know.
     */
    public record Element(Map<String, Object> fields, Map<String, Object> extra) {
        public Element {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }
    }

    public Object get(String field) {
        return fields.get(field);
    }

    public Document withVersion(long newVersion) {
        return new Document(id, newVersion, fields, extra);
    }

    public Document withId(String newId) {
        return new Document(newId, version, fields, extra);
    }

    /** The same document with one typed field set. */
    public Document with(String field, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(fields);
        changed.put(field, value);
        return new Document(id, version, changed, extra);
    }
}
