package dev.cutover.benchmark;

import com.mongodb.client.MongoCollection;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.Field;
import dev.cutover.document.FieldType;
import dev.cutover.document.mongo.StoredShape;
import dev.cutover.document.postgres.ColumnValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The copy the seed documents' migration scripts make, as the baseline a backfill must beat:
 * read a collection from MongoDB in batches, map each document to its row, and send each batch as
 * one JDBC batch of {@code INSERT ... ON CONFLICT (id) DO UPDATE}, committed per batch.
 */
final class BatchedUpsert {

    private BatchedUpsert() {
    }

    /** Copies every document of {@code source} into {@code table}; returns how many rows it sent. */
    static long copy(MongoCollection<org.bson.Document> source, CollectionSpec spec, Connection connection,
            String table, int batchSize) throws SQLException {
        connection.setAutoCommit(false);
        long rows = 0;
        try (PreparedStatement upsert = connection.prepareStatement(sql(spec, table))) {
            int pending = 0;
            for (org.bson.Document stored : source.find().batchSize(batchSize)) {
                bind(upsert, spec, StoredShape.fromBson(spec, stored));
                upsert.addBatch();
                if (++pending == batchSize) {
                    rows += flush(upsert, connection, pending);
                    pending = 0;
                }
            }
            if (pending > 0) {
                rows += flush(upsert, connection, pending);
            }
        }
        return rows;
    }

    private static int flush(PreparedStatement upsert, Connection connection, int pending) throws SQLException {
        upsert.executeBatch();
        connection.commit();
        return pending;
    }

    static String sql(CollectionSpec spec, String table) {
        List<String> columns = Stream.concat(Stream.concat(Stream.of("id", "version"),
                spec.fields().stream().map(Field::column)), Stream.of("extra")).toList();
        String placeholders = Stream.concat(Stream.concat(Stream.of("?", "?"),
                spec.fields().stream().map(field -> ColumnValues.placeholder(field.type()))),
                Stream.of(ColumnValues.placeholder(FieldType.JSON))).collect(Collectors.joining(", "));
        String updates = columns.stream().skip(1)
                .map(column -> ColumnValues.quote(column) + " = EXCLUDED." + ColumnValues.quote(column))
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + columns.stream().map(ColumnValues::quote).collect(Collectors.joining(", "))
                + ") VALUES (" + placeholders + ") ON CONFLICT (\"id\") DO UPDATE SET " + updates;
    }

    private static void bind(PreparedStatement upsert, CollectionSpec spec, Document document) throws SQLException {
        upsert.setString(1, document.id());
        upsert.setLong(2, document.version());
        int index = 3;
        for (Field field : spec.fields()) {
            ColumnValues.bind(upsert, index++, field.type(), document.get(field.name()));
        }
        upsert.setString(index, ColumnValues.json(document.extra()));
    }
}
