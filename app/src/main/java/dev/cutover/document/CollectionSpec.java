package dev.cutover.document;

import dev.cutover.flags.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything cutover knows about one collection: its name (the MongoDB collection and the
 * PostgreSQL table), its migration phase, its typed fields and their rules, its unique keys,
 * which fields a list may filter on, and its particular traits (an event log, an expiry, embedded
 * messages). Repositories, the API and the tests are written once against this description.
 *
 * @param name        the collection and table name
 * @param phase       the migration phase it moves in
 * @param kind        an entity (read and written) or an event log (append-only)
 * @param fields      the typed fields, in API order, including the timestamps every kind has
 * @param orderField  the timestamp lists are ordered by, newest first
 * @param uniqueKeys  sets of fields no two documents may share
 * @param filters     the fields a list may filter on by equality; each has an index
 * @param expiresField a TIMESTAMP field past which a document is never served, if any
 * @param children    an embedded array kept as a child table in PostgreSQL, if any
 * @param oneOfGroups groups of fields of which each document must have at least one
 */
public record CollectionSpec(
        String name,
        Phase phase,
        Kind kind,
        List<Field> fields,
        String orderField,
        List<UniqueKey> uniqueKeys,
        List<String> filters,
        Optional<String> expiresField,
        Optional<ChildSpec> children,
        List<List<String>> oneOfGroups) {

    /** Names no typed field and no unknown field may take. */
    public static final List<String> RESERVED = List.of("id", "_id", "version", "_version", "extra");

    /** Fields whose names start so are MongoDB bookkeeping (a lowercased copy of a key), never data. */
    public static final String HIDDEN_PREFIX = "_lower_";

    /** The field every entity's list is ordered by. */
    public static final String CREATED_AT = "created_at";
    public static final String UPDATED_AT = "updated_at";
    /** The field every event is ordered by. */
    public static final String TIMESTAMP = "timestamp";

    public enum Kind {
        /** Read, created, replaced, patched and deleted. */
        ENTITY,
        /** Appended and read, never changed; a repeated id is the same event, stored once. */
        EVENT_LOG
    }

    /** A set of fields whose values no two documents may share. */
    public record UniqueKey(String name, List<String> fields) {
        public UniqueKey {
            fields = List.copyOf(fields);
        }
    }

    /**
     * An embedded array of objects (MongoDB) kept as rows of a child table (PostgreSQL), keyed by
     * parent id and position.
     *
     * @param field        the array's name in the API and in MongoDB
     * @param table        the child table
     * @param parentColumn the child table's column holding the parent's id
     * @param fields       the typed fields of each element
     */
    public record ChildSpec(String field, String table, String parentColumn, List<Field> fields) {
        public ChildSpec {
            fields = List.copyOf(fields);
        }
    }

    public CollectionSpec {
        fields = List.copyOf(fields);
        uniqueKeys = List.copyOf(uniqueKeys);
        filters = List.copyOf(filters);
        oneOfGroups = oneOfGroups.stream().map(List::copyOf).toList();
        for (Field field : fields) {
            if (RESERVED.contains(field.name())) {
                throw new IllegalArgumentException(name + ": field name '" + field.name() + "' is reserved");
            }
        }
    }

    public static Builder entity(String name, int phase) {
        return new Builder(name, Phase.of(phase), Kind.ENTITY);
    }

    public static Builder eventLog(String name, int phase) {
        return new Builder(name, Phase.of(phase), Kind.EVENT_LOG);
    }

    public Optional<Field> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    public boolean isEventLog() {
        return kind == Kind.EVENT_LOG;
    }

    /** Builds a spec; the timestamps every kind has are added last. */
    public static final class Builder {
        private final String name;
        private final Phase phase;
        private final Kind kind;
        private final List<Field> fields = new ArrayList<>();
        private final List<UniqueKey> uniqueKeys = new ArrayList<>();
        private final List<String> filters = new ArrayList<>();
        private String expiresField;
        private ChildSpec children;
        private final List<List<String>> oneOfGroups = new ArrayList<>();

        private Builder(String name, Phase phase, Kind kind) {
            this.name = name;
            this.phase = phase;
            this.kind = kind;
        }

        public Builder fields(Field... more) {
            fields.addAll(List.of(more));
            return this;
        }

        public Builder unique(String... keyFields) {
            uniqueKeys.add(new UniqueKey(name + "_" + String.join("_", keyFields) + "_key", List.of(keyFields)));
            return this;
        }

        public Builder filterBy(String... filterFields) {
            filters.addAll(List.of(filterFields));
            return this;
        }

        /** Each document must have a value for at least one of these fields. */
        public Builder requireOneOf(String... groupFields) {
            oneOfGroups.add(List.of(groupFields));
            return this;
        }

        public Builder expiresAt(String field) {
            expiresField = field;
            return this;
        }

        public Builder children(String field, String table, String parentColumn, Field... childFields) {
            children = new ChildSpec(field, table, parentColumn, List.of(childFields));
            return this;
        }

        public CollectionSpec build() {
            List<Field> all = new ArrayList<>(fields);
            String order;
            if (kind == Kind.ENTITY) {
                all.add(Field.timestamp(CREATED_AT).required().alias("createdAt", "date"));
                all.add(Field.timestamp(UPDATED_AT).required().alias("updatedAt"));
                order = CREATED_AT;
            } else {
                all.add(Field.timestamp(TIMESTAMP).required().alias("date", "created_at"));
                order = TIMESTAMP;
            }
            for (String filter : filters) {
                if (all.stream().noneMatch(f -> f.name().equals(filter))) {
                    throw new IllegalArgumentException(name + ": filter on unknown field '" + filter + "'");
                }
            }
            return new CollectionSpec(name, phase, kind, all, order, uniqueKeys, filters,
                    Optional.ofNullable(expiresField), Optional.ofNullable(children), oneOfGroups);
        }
    }
}
