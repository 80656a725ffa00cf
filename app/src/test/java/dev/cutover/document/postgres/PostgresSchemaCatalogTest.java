package dev.cutover.document.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Field;
import dev.cutover.document.FieldType;
import dev.cutover.postgres.PostgresBootstrap;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds the migrated schema to the collection declarations: for every collection, the table, its
 * columns' types and nullability, its keys and the indexes its lookups need, all derived from the
 * {@link CollectionSpec} and read from PostgreSQL's catalog, never from the migration's text; and
 * the tables that keep the stores converging (tombstones, the repair queue) to their layout.
 */
class PostgresSchemaCatalogTest {

    private static final String ID = "id";
    private static final String POSITION = "position";
    private static final String EXTRA = "extra";

    private static PostgresUri database;

    @BeforeAll
    static void migrateAFreshDatabase() {
        database = TestStores.freshDatabase();
        new PostgresBootstrap(Duration.ofSeconds(10)).ensureDatabase(database, true);
        new SchemaMigrator(database).migrate();
    }

    static Stream<Named<CollectionSpec>> collections() {
        return Collections.ALL.stream().map(spec -> Named.of(spec.name(), spec));
    }

    static Stream<Named<CollectionSpec>> collectionsWithChildren() {
        return collections().filter(named -> named.getPayload().children().isPresent());
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldHaveAColumnOfTheFieldsTypeAndNullabilityForEveryField(CollectionSpec spec) throws SQLException {
        Map<String, Column> expected = new LinkedHashMap<>();
        expected.put(ID, new Column("text", false));
        expected.put("version", new Column("int8", false));
        spec.fields().forEach(field -> expected.put(field.column(), expectedColumn(field)));
        expected.put(EXTRA, new Column("jsonb", false));

        Map<String, Column> actual = columns(spec.name());

        assertFalse(actual.isEmpty(), "table " + spec.name() + " does not exist");
        assertEquals(expected, actual, spec.name() + ": columns (name -> type, nullable)");
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldKeyEveryTableByIdInByteOrderAndKeepUnknownFieldsInAnObject(CollectionSpec spec) throws SQLException {
        Map<String, Constraint> constraints = constraints(spec.name());

        assertEquals(new Constraint("PRIMARY KEY", List.of(ID)), constraints.get(spec.name() + "_pkey"),
                spec.name() + ": primary key, under the name the repository maps to the field 'id'");
        assertEquals("C", collation(spec.name(), ID), spec.name() + ".id collation");
        assertEquals("'{}'::jsonb", columnDefault(spec.name(), EXTRA), spec.name() + ".extra default");
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldHaveAUniqueConstraintOverExactlyTheFieldsOfEachUniqueKeyAndNoOther(CollectionSpec spec)
            throws SQLException {
        Map<String, Constraint> constraints = constraints(spec.name());

        for (CollectionSpec.UniqueKey key : spec.uniqueKeys()) {
            Constraint constraint = constraints.get(key.name());
            assertEquals("UNIQUE", constraint == null ? null : constraint.type(), spec.name() + ": " + key.name());
            assertEquals(new TreeSet<>(columnsOf(spec, key.fields())), new TreeSet<>(constraint.columns()),
                    spec.name() + ": columns of " + key.name());
            assertEquals(key.fields().size(), constraint.columns().size(), spec.name() + ": " + key.name());
        }
        Set<String> declared = spec.uniqueKeys().stream().map(CollectionSpec.UniqueKey::name).collect(Collectors.toSet());
        Set<String> unique = constraints.entrySet().stream().filter(entry -> entry.getValue().type().equals("UNIQUE"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertEquals(declared, unique, spec.name() + ": unique constraints");
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldIndexEachFilterNewestFirstAndTheUnfilteredListAndTheExpiry(CollectionSpec spec) throws SQLException {
        String order = spec.orderField() + " DESC";
        List<List<String>> expected = new ArrayList<>();
        for (String filter : spec.filters()) {
            expected.add(List.of(field(spec, filter).column(), order, ID + " DESC"));
        }
        expected.add(List.of(order, ID + " DESC"));
        spec.expiresField().ifPresent(expires -> expected.add(List.of(field(spec, expires).column())));

        List<List<String>> indexed = indexKeys(spec.name());

        for (List<String> keys : expected) {
            assertTrue(indexed.contains(keys), spec.name() + ": no full index on " + keys + "; indexes: " + indexed);
        }
    }

    @ParameterizedTest
    @MethodSource("collectionsWithChildren")
    void shouldKeepEmbeddedElementsInAChildTableKeyedByParentAndPosition(CollectionSpec spec) throws SQLException {
        CollectionSpec.ChildSpec children = spec.children().orElseThrow();
        Map<String, Column> expected = new LinkedHashMap<>();
        expected.put(children.parentColumn(), new Column("text", false));
        expected.put(POSITION, new Column("int4", false));
        children.fields().forEach(field -> expected.put(field.column(), expectedColumn(field)));
        expected.put(EXTRA, new Column("jsonb", false));

        Map<String, Column> actual = columns(children.table());
        Map<String, Constraint> constraints = constraints(children.table());

        assertEquals(expected, actual, children.table() + ": columns (name -> type, nullable)");
        assertEquals("C", collation(children.table(), children.parentColumn()), children.table() + " parent collation");
        assertEquals("'{}'::jsonb", columnDefault(children.table(), EXTRA), children.table() + ".extra default");
        assertTrue(constraints.containsValue(new Constraint("PRIMARY KEY", List.of(children.parentColumn(), POSITION))),
                children.table() + ": primary key (parent, position); constraints: " + constraints);
        assertEquals(List.of(new ForeignKey(children.table(), List.of(children.parentColumn()), spec.name(), "CASCADE")),
                foreignKeys().stream().filter(key -> key.table().equals(children.table())).toList());
        assertTrue(checkClauses(children.table()).contains(POSITION + " >= 0"),
                children.table() + ": positions must not be negative; checks: " + checkClauses(children.table()));
    }

    @Test
    void shouldHaveNoForeignKeyButThoseOfChildTablesToTheirParent() throws SQLException {
        Set<String> childTables = Collections.ALL.stream().flatMap(spec -> spec.children().stream())
                .map(CollectionSpec.ChildSpec::table).collect(Collectors.toSet());

        Set<String> referencing = foreignKeys().stream().map(ForeignKey::table).collect(Collectors.toSet());

        assertEquals(childTables, referencing);
    }

    @Test
    void shouldKeepOneTombstonePerCollectionAndIdInByteOrder() throws SQLException {
        Map<String, Column> expected = Map.of(
                "collection", new Column("text", false),
                ID, new Column("text", false),
                "version", new Column("int8", false),
                "deleted_at", new Column("timestamptz", false));

        Map<String, Column> actual = columns("tombstones");

        assertEquals(expected, actual, "tombstones: columns (name -> type, nullable)");
        assertEquals(new Constraint("PRIMARY KEY", List.of("collection", ID)),
                constraints("tombstones").get("tombstones_pkey"));
        assertEquals("C", collation("tombstones", ID), "tombstones.id collation");
        assertEquals("now()", columnDefault("tombstones", "deleted_at"), "tombstones.deleted_at default");
    }

    @Test
    void shouldKeepOneRepairEntryPerCollectionAndIdIndexedForClaimingAndAge() throws SQLException {
        Map<String, Column> expected = new HashMap<>();
        expected.put("collection", new Column("text", false));
        expected.put(ID, new Column("text", false));
        expected.put("reason", new Column("text", false));
        expected.put("attempts", new Column("int4", false));
        expected.put("enqueued_at", new Column("timestamptz", false));
        expected.put("due_at", new Column("timestamptz", false));
        expected.put("lease_token", new Column("text", true));
        expected.put("lease_until", new Column("timestamptz", true));
        expected.put("generation", new Column("int8", false));
        expected.put("last_error", new Column("text", true));

        Map<String, Column> actual = columns("repair_queue");
        List<List<String>> indexed = indexKeys("repair_queue");

        assertEquals(expected, actual, "repair_queue: columns (name -> type, nullable)");
        assertEquals(new Constraint("PRIMARY KEY", List.of("collection", ID)),
                constraints("repair_queue").get("repair_queue_pkey"));
        assertEquals("C", collation("repair_queue", ID), "repair_queue.id collation");
        assertEquals("0", columnDefault("repair_queue", "attempts"), "repair_queue.attempts default");
        assertEquals("1", columnDefault("repair_queue", "generation"), "repair_queue.generation default");
        assertTrue(indexed.contains(List.of("due_at")), "repair_queue: no index on due_at; indexes: " + indexed);
        assertTrue(indexed.contains(List.of("enqueued_at")), "repair_queue: no index on enqueued_at; indexes: " + indexed);
    }

    private static Column expectedColumn(Field field) {
        return new Column(udtName(field.type()), !field.mandatory() && field.defaultValue() == null);
    }

    /** PostgreSQL's internal name of each field type's column type. */
    private static String udtName(FieldType type) {
        return switch (type) {
            case TEXT -> "text";
            case CITEXT -> "citext";
            case INTEGER -> "int4";
            case BIGINT -> "int8";
            case BOOLEAN -> "bool";
            case TIMESTAMP -> "timestamptz";
            case TEXT_ARRAY -> "_text";
            case JSON -> "jsonb";
        };
    }

    private static Field field(CollectionSpec spec, String name) {
        return spec.field(name).orElseThrow();
    }

    private static List<String> columnsOf(CollectionSpec spec, List<String> fieldNames) {
        return fieldNames.stream().map(name -> field(spec, name).column()).toList();
    }

    // Catalog reads ------------------------------------------------------------------------------

    private record Column(String type, boolean nullable) {
    }

    private record Constraint(String type, List<String> columns) {
    }

    private record ForeignKey(String table, List<String> columns, String referencedTable, String deleteRule) {
    }

    private static Map<String, Column> columns(String table) throws SQLException {
        Map<String, Column> columns = new HashMap<>();
        for (List<String> row : query("SELECT column_name, udt_name, is_nullable FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = ?", table)) {
            columns.put(row.get(0), new Column(row.get(1), row.get(2).equals("YES")));
        }
        return columns;
    }

    private static String collation(String table, String column) throws SQLException {
        return single("SELECT collation_name FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = ? AND column_name = ?", table, column);
    }

    private static String columnDefault(String table, String column) throws SQLException {
        return single("SELECT column_default FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = ? AND column_name = ?", table, column);
    }

    /** Primary key and unique constraints by name, with their columns in key order. */
    private static Map<String, Constraint> constraints(String table) throws SQLException {
        Map<String, Constraint> constraints = new HashMap<>();
        for (List<String> row : query("SELECT tc.constraint_name, tc.constraint_type, kcu.column_name"
                + " FROM information_schema.table_constraints tc"
                + " JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = tc.constraint_schema"
                + " AND kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name"
                + " WHERE tc.table_schema = 'public' AND tc.table_name = ?"
                + " AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
                + " ORDER BY tc.constraint_name, kcu.ordinal_position", table)) {
            Constraint constraint = constraints.computeIfAbsent(row.get(0),
                    name -> new Constraint(row.get(1), new ArrayList<>()));
            constraint.columns().add(row.get(2));
        }
        return constraints;
    }

    /** Every foreign key of the public schema, with the table it references and its delete rule. */
    private static List<ForeignKey> foreignKeys() throws SQLException {
        Map<String, ForeignKey> keys = new LinkedHashMap<>();
        for (List<String> row : query("SELECT tc.constraint_name, tc.table_name, kcu.column_name,"
                + " referenced.table_name, rc.delete_rule"
                + " FROM information_schema.table_constraints tc"
                + " JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = tc.constraint_schema"
                + " AND kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name"
                + " JOIN information_schema.referential_constraints rc ON rc.constraint_schema = tc.constraint_schema"
                + " AND rc.constraint_name = tc.constraint_name"
                + " JOIN information_schema.table_constraints referenced"
                + " ON referenced.constraint_schema = rc.unique_constraint_schema"
                + " AND referenced.constraint_name = rc.unique_constraint_name"
                + " WHERE tc.table_schema = 'public' AND tc.constraint_type = 'FOREIGN KEY'"
                + " ORDER BY tc.constraint_name, kcu.ordinal_position")) {
            ForeignKey key = keys.computeIfAbsent(row.get(0),
                    name -> new ForeignKey(row.get(1), new ArrayList<>(), row.get(3), row.get(4)));
            key.columns().add(row.get(2));
        }
        return new ArrayList<>(keys.values());
    }

    /** The CHECK constraints of a table, identifiers unquoted and outer parentheses dropped. */
    private static List<String> checkClauses(String table) throws SQLException {
        return query("SELECT cc.check_clause FROM information_schema.table_constraints tc"
                + " JOIN information_schema.check_constraints cc ON cc.constraint_schema = tc.constraint_schema"
                + " AND cc.constraint_name = tc.constraint_name"
                + " WHERE tc.table_schema = 'public' AND tc.table_name = ? AND tc.constraint_type = 'CHECK'", table)
                .stream().map(row -> row.get(0).replace("\"", "").replaceAll("^\\(+|\\)+$", "")).toList();
    }

    /**
     * The key columns of each full (not partial) B-tree index of a table, as {@code pg_indexes}
     * defines them: {@code [user_id, created_at DESC, id DESC]}.
     */
    private static List<List<String>> indexKeys(String table) throws SQLException {
        List<List<String>> indexes = new ArrayList<>();
        for (List<String> row : query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ?",
                table)) {
            String definition = row.get(0).replace("\"", "");
            String marker = " USING btree (";
            int start = definition.indexOf(marker);
            if (start < 0 || definition.contains(" WHERE ")) {
                continue;
            }
            String keys = definition.substring(start + marker.length(), definition.indexOf(')', start));
            indexes.add(List.of(keys.split(", ")));
        }
        return indexes;
    }

    private static String single(String sql, String... parameters) throws SQLException {
        List<List<String>> rows = query(sql, parameters);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    private static List<List<String>> query(String sql, String... parameters) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.connectionProperties());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int width = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<String> row = new ArrayList<>(width);
                    for (int column = 1; column <= width; column++) {
                        row.add(result.getString(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
