package dev.cutover.document.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Updates;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Field;
import dev.cutover.document.FieldType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.bson.conversions.Bson;

/**
 * The indexes a collection needs, and which unique key a duplicate-key error is about.
 *
 * <ul>
 *   <li>a unique index per unique key, named as the key, on {@code _lower_<field>} for CITEXT
 *       fields (mongo-java-server has no collations), sparse when a field of the key is optional
 *       so that documents without it do not clash (partial indexes would be closer to
 *       PostgreSQL's NULL semantics, but mongo-java-server accepts and then ignores them);</li>
 *   <li>{@code (filter 1, order -1, _id -1)} per filterable field, and {@code (order -1, _id -1)},
 *       for lists newest first;</li>
 *   <li>the expiry field, for deleting expired documents. Not a TTL index: expired documents are
 *       deleted when the caller says, in both stores alike.</li>
 * </ul>
 *
 * An index already there on the same keys, under whatever name the application gave it, is
 * adopted if its options suit; otherwise the operator is told which index to drop. Before
 * building them, documents written before cutover get the indexed fields under their names.
 */
final class MongoIndexes {

    private static final String ID_INDEX = "_id_";

    private record Wanted(String name, org.bson.Document keys, boolean unique, boolean sparse, List<String> fields) {
    }

    private final CollectionSpec spec;
    private final MongoCollection<org.bson.Document> collection;
    private final DocumentMapping mapping;
    /** The fields an index or a hidden lower-case copy covers: those legacy documents must hold under their names. */
    private final List<Field> indexed;
    private final List<Wanted> wanted = new ArrayList<>();
    /** Unique index name to the fields of its key, including adopted indexes' names. */
    private final Map<String, List<String>> uniqueFields = new ConcurrentHashMap<>();

    MongoIndexes(CollectionSpec spec, MongoCollection<org.bson.Document> collection, DocumentMapping mapping) {
        this.spec = spec;
        this.collection = collection;
        this.mapping = mapping;
        Set<String> names = new LinkedHashSet<>();
        spec.uniqueKeys().forEach(key -> names.addAll(key.fields()));
        names.addAll(spec.filters());
        names.add(spec.orderField());
        spec.expiresField().ifPresent(names::add);
        spec.fields().stream().filter(field -> field.type() == FieldType.CITEXT).forEach(field -> names.add(field.name()));
        this.indexed = names.stream().map(name -> spec.field(name).orElseThrow()).toList();
        String order = spec.orderField();
        for (CollectionSpec.UniqueKey key : spec.uniqueKeys()) {
            org.bson.Document keys = new org.bson.Document();
            key.fields().forEach(field -> keys.append(storedName(field), 1));
            boolean sparse = key.fields().stream().anyMatch(field -> !spec.field(field).orElseThrow().mandatory());
            wanted.add(new Wanted(key.name(), keys, true, sparse, key.fields()));
        }
        for (String filter : spec.filters()) {
            wanted.add(new Wanted(spec.name() + "_" + filter + "_" + order + "_idx",
                    new org.bson.Document(storedName(filter), 1).append(order, -1).append(DocumentMapping.ID, -1),
                    false, false, List.of()));
        }
        wanted.add(new Wanted(spec.name() + "_" + order + "_idx",
                new org.bson.Document(order, -1).append(DocumentMapping.ID, -1), false, false, List.of()));
        spec.expiresField().ifPresent(expires -> wanted.add(new Wanted(spec.name() + "_" + expires + "_idx",
                new org.bson.Document(expires, 1), false, false, List.of())));
        uniqueFields.put(ID_INDEX, List.of("id"));
        wanted.stream().filter(Wanted::unique).forEach(index -> uniqueFields.put(index.name(), index.fields()));
    }

    private String storedName(String fieldName) {
        Field field = spec.field(fieldName).orElseThrow();
        return field.type() == FieldType.CITEXT ? DocumentMapping.lowerName(fieldName) : fieldName;
    }

    /** Moves legacy field names of documents written before cutover, then builds the missing indexes. */
    void ensure() {
        try {
            normalizeLegacyFields();
            Map<List<String>, org.bson.Document> existing = new HashMap<>();
            for (org.bson.Document index : collection.listIndexes()) {
                existing.put(shape(index.get("key", org.bson.Document.class)), index);
            }
            for (Wanted index : wanted) {
                org.bson.Document match = existing.get(shape(index.keys()));
                if (match == null) {
                    create(index);
                } else if (index.unique()) {
                    String name = match.getString("name");
                    if (!truthy(match.get("unique")) || truthy(match.get("sparse")) != index.sparse()) {
                        throw MongoFailures.incompatibleIndex(spec.name(), index.name(), name);
                    }
                    uniqueFields.put(name, index.fields());
                }
            }
        } catch (MongoException e) {
            throw MongoFailures.failed(spec.name(), "create indexes", e);
        }
    }

    private void create(Wanted index) {
        try {
            collection.createIndex(index.keys(),
                    new IndexOptions().name(index.name()).unique(index.unique()).sparse(index.sparse()));
        } catch (MongoCommandException e) {
            if (MongoFailures.isDuplicateKey(e)) {
                throw MongoFailures.existingDuplicates(spec.name(), String.join(", ", index.fields()));
            }
            if (e.getErrorCode() == MongoFailures.INDEX_OPTIONS_CONFLICT
                    || e.getErrorCode() == MongoFailures.INDEX_KEY_SPECS_CONFLICT) {
                throw MongoFailures.indexConflict(spec.name(), index.name(), index.name(), e);
            }
            throw e;
        }
    }

    /**
     * Rewrites documents the application wrote before cutover so that the indexed fields sit
     * under their names and CITEXT fields have their lower-case copies: otherwise unique indexes
     * would see their values as missing (and refuse to build over several of them), and lists,
     * counts and lookups by key would miss them. Reads of a rewritten document are unchanged, so
     * its version stays; a document changed meanwhile (another version) is left alone.
     */
    private void normalizeLegacyFields() {
        List<Bson> candidates = new ArrayList<>();
        for (Field field : indexed) {
            if (!field.aliases().isEmpty()) {
                candidates.add(and(exists(field.name(), false),
                        or(field.aliases().stream().map(alias -> exists(alias)).toList())));
            }
            if (field.type() == FieldType.CITEXT) {
                candidates.add(and(exists(DocumentMapping.lowerName(field.name()), false),
                        or(Stream.concat(Stream.of(field.name()), field.aliases().stream()).map(path -> ne(path, null))
                                .toList())));
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        for (org.bson.Document stored : collection.find(or(candidates))) {
            List<Bson> updates = mapping.normalize(indexed, stored);
            if (updates.isEmpty()) {
                continue;
            }
            try {
                collection.updateOne(and(eq(DocumentMapping.ID, stored.get(DocumentMapping.ID)),
                        DocumentMapping.atVersion(DocumentMapping.readVersion(stored))), Updates.combine(updates));
            } catch (MongoException e) {
                if (MongoFailures.isDuplicateKey(e)) {
                    throw MongoFailures.existingDuplicates(spec.name(),
                            String.join(", ", duplicateFields(MongoFailures.duplicateIndex(e))));
                }
                throw e;
            }
        }
    }

    /** The fields of the unique key a duplicate-key error names. */
    List<String> duplicateFields(Optional<String> indexName) {
        if (indexName.isEmpty()) {
            return List.of("unique key");
        }
        return uniqueFields.computeIfAbsent(indexName.get(), this::fieldsOfLiveIndex);
    }

    /** An index this class did not make (ensure was not called, or the application made it): its key's fields. */
    private List<String> fieldsOfLiveIndex(String name) {
        for (org.bson.Document index : collection.listIndexes()) {
            if (name.equals(index.getString("name"))) {
                return index.get("key", org.bson.Document.class).keySet().stream()
                        .map(MongoIndexes::fieldOf)
                        .toList();
            }
        }
        return List.of(name);
    }

    /** The document field an index key covers: {@code _lower_key} covers {@code key}. */
    private static String fieldOf(String indexKey) {
        String hidden = DocumentMapping.lowerName("");
        if (indexKey.equals(DocumentMapping.ID)) {
            return "id";
        }
        return indexKey.startsWith(hidden) ? indexKey.substring(hidden.length()) : indexKey;
    }

    /** An index key as comparable text: each field with its direction or kind. */
    private static List<String> shape(org.bson.Document keys) {
        return keys.entrySet().stream()
                .map(entry -> entry.getKey() + ":" + (entry.getValue() instanceof Number number
                        ? (number.doubleValue() < 0 ? "-1" : "1") : String.valueOf(entry.getValue())))
                .toList();
    }

    private static boolean truthy(Object option) {
        return option instanceof Boolean flag ? flag : option instanceof Number number && number.doubleValue() != 0;
    }
}
