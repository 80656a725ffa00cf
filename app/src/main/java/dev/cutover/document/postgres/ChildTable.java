package dev.cutover.document.postgres;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The child table holding a collection's embedded array (a conversation's messages): one row per
 * element, keyed by the parent's id and the element's position in the array, from 0. Every
 * method runs on the caller's connection, inside the caller's transaction.
 */
final class ChildTable {

    private final CollectionSpec.ChildSpec spec;
    private final String upsert;
    private final String deleteFrom;
    private final String selectForParents;

    ChildTable(CollectionSpec.ChildSpec spec) {
        this.spec = spec;
        String table = Columns.quote(spec.table());
        String parent = Columns.quote(spec.parentColumn());
        List<String> fieldColumns = spec.fields().stream().map(Field::column).toList();
        String updates = Stream.concat(fieldColumns.stream(), Stream.of("extra"))
                .map(column -> Columns.quote(column) + " = EXCLUDED." + Columns.quote(column))
                .collect(Collectors.joining(", "));
        this.upsert = "INSERT INTO " + table + " (" + parent + ", \"position\", " + Columns.list(fieldColumns)
                + ", \"extra\") VALUES (?, ?, " + Columns.placeholders(spec.fields()) + ", ?::jsonb)"
                + " ON CONFLICT (" + parent + ", \"position\") DO UPDATE SET " + updates;
        this.deleteFrom = "DELETE FROM " + table + " WHERE " + parent + " = ? AND \"position\" >= ?";
        this.selectForParents = "SELECT " + parent + ", " + Columns.list(fieldColumns) + ", \"extra\" FROM " + table
                + " WHERE " + parent + " = ANY(?) ORDER BY " + parent + ", \"position\"";
    }

    /** The document's field holding the elements. */
    String field() {
        return spec.field();
    }

    /** The elements {@code document} holds; none when the field is absent. */
    @SuppressWarnings("unchecked")
    List<Document.Element> elementsOf(Document document) {
        Object elements = document.get(spec.field());
        return elements == null ? List.of() : (List<Document.Element>) elements;
    }

    /** Writes the elements of a parent that has none stored yet. */
    void insert(Connection connection, String parentId, List<Document.Element> elements) throws SQLException {
        upsert(connection, parentId, elements);
    }

    /**
     * Makes the stored elements of {@code parentId} exactly {@code elements}: positions past the
     * new end go, the others are overwritten in place.
     */
    void replace(Connection connection, String parentId, List<Document.Element> elements) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(deleteFrom)) {
            statement.setString(1, parentId);
            statement.setInt(2, elements.size());
            statement.executeUpdate();
        }
        upsert(connection, parentId, elements);
    }

    /** The elements of each of these parents, in position order; a parent without any is absent. */
    Map<String, List<Document.Element>> load(Connection connection, List<String> parentIds) throws SQLException {
        Map<String, List<Document.Element>> elements = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(selectForParents)) {
            statement.setArray(1, connection.createArrayOf("text", parentIds.toArray()));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    Map<String, Object> fields = Columns.readAll(row, 2, spec.fields());
                    Map<String, Object> extra = Columns.readExtra(row, 2 + spec.fields().size());
                    elements.computeIfAbsent(row.getString(1), id -> new ArrayList<>())
                            .add(new Document.Element(fields, extra));
                }
            }
        }
        return elements;
    }

    private void upsert(Connection connection, String parentId, List<Document.Element> elements) throws SQLException {
        if (elements.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(upsert)) {
            for (int position = 0; position < elements.size(); position++) {
                Document.Element element = elements.get(position);
                statement.setString(1, parentId);
                statement.setInt(2, position);
                int next = Columns.bindAll(statement, 3, spec.fields(), element.fields());
                Columns.bindExtra(statement, next, element.extra());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }
}
