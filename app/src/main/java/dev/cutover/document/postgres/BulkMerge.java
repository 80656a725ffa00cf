package dev.cutover.document.postgres;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.Field;
import dev.cutover.document.FieldType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * Merges batches of documents into one collection's tables, for bulk copies such as the
 * backfill. The batch's ids are locked as {@link PostgresDocumentRepository}'s single writes
 * lock them; documents whose id PostgreSQL has never seen are COPYed straight in, and the others
 * are COPYed into a temporary staging table from which one guarded upsert moves them. A row is
 * written when its id is new here, when it is newer than the stored row, or when
 * it is at the same version but differs (the stored copy is then the stale one); never over a
 * newer row, nor over a tombstone at its version or later, so a live write or delete that
 * happened while the batch was read always wins. Event logs are append-only: an id already
 * stored is left alone.
 *
 * <p>A batch whose upsert fails (a unique key held by another document, a value a column
 * refuses) is retried row by row, each under a savepoint, so the bad rows are reported with
 * PostgreSQL's reason and the others written. Runs on the caller's connection, inside the
 * caller's transaction: nothing is visible to others before the caller commits.
 */
public final class BulkMerge {

    private static final String STAGE_PREFIX = "cutover_stage_";

    /**
     * What one batch came to.
     *
     * @param inserted  rows that were new here
     * @param updated   stored rows replaced by a newer or differing copy
     * @param unchanged rows already here as they are, or here in a newer version, or deleted later
     * @param rejected  the rows PostgreSQL refused, by id, with its reason
     */
    public record Outcome(int inserted, int updated, int unchanged, Map<String, String> rejected) {
    }

    private final CollectionSpec spec;
    private final List<Field> fields;
    private final ChildTable children;
    private final String stage;
    private final String childStage;
    private final String createStages;
    private final String copyRows;
    private final String copyChildren;
    private final String copyRowsDirect;
    private final String copyChildrenDirect;
    private final String known;
    private final String lockIds;
    private final String upsert;
    private final String upsertOne;
    private final String deleteChildren;
    private final String insertChildren;

    public BulkMerge(CollectionSpec spec) {
        this.spec = spec;
        this.fields = spec.fields();
        this.children = spec.children().map(ChildTable::new).orElse(null);
        String table = Columns.quote(spec.name());
        this.stage = "pg_temp." + Columns.quote(STAGE_PREFIX + spec.name());
        List<String> columns = Stream.concat(Stream.of("id", "version"),
                Stream.concat(fields.stream().map(Field::column), Stream.of("extra"))).toList();
        String columnList = Columns.list(columns);

        // Without the table's NOT NULL constraints: a row is refused by the upsert, where it can be
        // isolated, not by the COPY, which would fail the whole batch.
        StringBuilder create = new StringBuilder("CREATE TEMP TABLE IF NOT EXISTS " + stage
                + " ON COMMIT DELETE ROWS AS SELECT * FROM " + table + " WITH NO DATA");
        this.copyRows = "COPY " + stage + " (" + columnList + ") FROM STDIN";
        this.copyRowsDirect = "COPY " + table + " (" + columnList + ") FROM STDIN";
        this.lockIds = "SELECT count(pg_advisory_xact_lock(hashtextextended(? || ':' || id, 0)))"
                + " FROM (SELECT unnest(?::text[]) AS id ORDER BY 1) ids";
        this.known = "SELECT \"id\" FROM " + table + " WHERE \"id\" = ANY(?)" + (spec.isEventLog() ? ""
                : " UNION SELECT id FROM tombstones WHERE collection = ? AND id = ANY(?)");

        String select = "INSERT INTO " + table + " AS stored (" + columnList + ") SELECT "
                + columns.stream().map(column -> "s." + Columns.quote(column)).collect(Collectors.joining(", "))
                + " FROM " + stage + " s";
        String conflict;
        if (spec.isEventLog()) {
            conflict = " ON CONFLICT (\"id\") DO NOTHING";
        } else {
            select += " WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.collection = ? AND t.id = s.\"id\""
                    + " AND t.version >= s.\"version\")";
            List<String> content = columns.subList(2, columns.size());
            String assignments = Stream.concat(Stream.of("version"), content.stream())
                    .map(column -> Columns.quote(column) + " = EXCLUDED." + Columns.quote(column))
                    .collect(Collectors.joining(", "));
            conflict = " ON CONFLICT (\"id\") DO UPDATE SET " + assignments
                    + " WHERE stored.\"version\" < EXCLUDED.\"version\" OR (stored.\"version\" = EXCLUDED.\"version\""
                    + " AND (" + comparable("stored", content) + ") IS DISTINCT FROM (" + comparable("EXCLUDED", content)
                    + "))";
        }
        String returning = " RETURNING stored.\"id\", (stored.xmax = 0) AS inserted";
        this.upsert = select + conflict + returning;
        this.upsertOne = select + (spec.isEventLog() ? " WHERE" : " AND") + " s.\"id\" = ?" + conflict + returning;

        if (children == null) {
            this.childStage = null;
            this.copyChildren = null;
            this.copyChildrenDirect = null;
            this.deleteChildren = null;
            this.insertChildren = null;
        } else {
            CollectionSpec.ChildSpec child = spec.children().orElseThrow();
            String childTable = Columns.quote(child.table());
            String parent = Columns.quote(child.parentColumn());
            this.childStage = "pg_temp." + Columns.quote(STAGE_PREFIX + child.table());
            create.append("; CREATE TEMP TABLE IF NOT EXISTS ").append(childStage)
                    .append(" ON COMMIT DELETE ROWS AS SELECT * FROM ").append(childTable).append(" WITH NO DATA");
            String childColumns = Columns.list(Stream.concat(Stream.of(child.parentColumn(), "position"),
                    Stream.concat(child.fields().stream().map(Field::column), Stream.of("extra"))).toList());
            this.copyChildren = "COPY " + childStage + " (" + childColumns + ") FROM STDIN";
            this.copyChildrenDirect = "COPY " + childTable + " (" + childColumns + ") FROM STDIN";
            this.deleteChildren = "DELETE FROM " + childTable + " WHERE " + parent + " = ANY(?)";
            this.insertChildren = "INSERT INTO " + childTable + " (" + childColumns + ") SELECT " + childColumns
                    + " FROM " + childStage + " WHERE " + parent + " = ANY(?)";
        }
        this.createStages = create.toString();
    }

    /** Citext compares without case; the copy must match byte for byte, so compare as text. */
    private String comparable(String row, List<String> content) {
        return content.stream().map(column -> {
            String reference = row + "." + Columns.quote(column);
            boolean citext = fields.stream().anyMatch(field -> field.column().equals(column)
                    && field.type() == FieldType.CITEXT);
            return citext ? reference + "::text" : reference;
        }).collect(Collectors.joining(", "));
    }

    /**
     * Merges {@code batch}, whose ids are distinct, on {@code connection}, which must not be in
     * auto-commit mode. The ids are locked first; those PostgreSQL has never seen (no row, no
     * tombstone) are then COPYed straight into the table, the common case of a first copy, and
     * the others go through the staging table and the guarded upsert.
     */
    public Outcome merge(Connection connection, List<Document> batch) throws SQLException {
        if (batch.isEmpty()) {
            return new Outcome(0, 0, 0, Map.of());
        }
        java.sql.Array ids = connection.createArrayOf("text", batch.stream().map(Document::id).toArray());
        if (!spec.isEventLog()) {
            try (PreparedStatement statement = connection.prepareStatement(lockIds)) {
                statement.setString(1, spec.name());
                statement.setArray(2, ids);
                statement.executeQuery().close();
            }
        }
        java.util.Set<String> seen = known(connection, ids);
        List<Document> fresh = batch.stream().filter(document -> !seen.contains(document.id())).toList();
        List<Document> rest = batch.stream().filter(document -> seen.contains(document.id())).toList();
        int copied = 0;
        if (!fresh.isEmpty()) {
            Savepoint direct = connection.setSavepoint();
            try {
                copy(connection, copyRowsDirect, rows(fresh));
                if (children != null) {
                    copy(connection, copyChildrenDirect, childRows(fresh));
                }
                connection.releaseSavepoint(direct);
                copied = fresh.size();
            } catch (SQLException refused) {
                // A row the table refuses (a unique key taken, a value out of range): the upsert
                // path finds which, row by row.
                connection.rollback(direct);
                rest = batch;
            }
        }
        Outcome merged = upsert(connection, rest);
        return new Outcome(merged.inserted() + copied, merged.updated(), merged.unchanged(), merged.rejected());
    }

    /** The ids among {@code ids} that have a row or a tombstone here. */
    private java.util.Set<String> known(Connection connection, java.sql.Array ids) throws SQLException {
        java.util.Set<String> found = new java.util.HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(known)) {
            statement.setArray(1, ids);
            if (!spec.isEventLog()) {
                statement.setString(2, spec.name());
                statement.setArray(3, ids);
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    found.add(row.getString(1));
                }
            }
        }
        return found;
    }

    /** Stages {@code batch} and moves it with the guarded upsert; row by row if that fails. */
    private Outcome upsert(Connection connection, List<Document> batch) throws SQLException {
        if (batch.isEmpty()) {
            return new Outcome(0, 0, 0, Map.of());
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(createStages);
        }
        copy(connection, copyRows, rows(batch));
        if (children != null) {
            copy(connection, copyChildren, childRows(batch));
        }
        Savepoint whole = connection.setSavepoint();
        try {
            Outcome outcome = written(batch.size(), upsertAll(connection), Map.of());
            connection.releaseSavepoint(whole);
            return outcome;
        } catch (SQLException refused) {
            connection.rollback(whole);
        }
        return rowByRow(connection, batch);
    }

    private Outcome rowByRow(Connection connection, List<Document> batch) throws SQLException {
        Map<String, Boolean> written = new LinkedHashMap<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        for (Document document : batch) {
            Savepoint row = connection.setSavepoint();
            try {
                Map<String, Boolean> one = upsertOne(connection, document.id());
                writeChildren(connection, one);
                connection.releaseSavepoint(row);
                written.putAll(one);
            } catch (SQLException refused) {
                connection.rollback(row);
                rejected.put(document.id(), reason(refused));
            }
        }
        return written(batch.size(), written, rejected);
    }

    private Map<String, Boolean> upsertAll(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(upsert)) {
            if (!spec.isEventLog()) {
                statement.setString(1, spec.name());
            }
            Map<String, Boolean> written = collect(statement);
            writeChildren(connection, written);
            return written;
        }
    }

    private Map<String, Boolean> upsertOne(Connection connection, String id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(upsertOne)) {
            int index = 1;
            if (!spec.isEventLog()) {
                statement.setString(index++, spec.name());
            }
            statement.setString(index, id);
            return collect(statement);
        }
    }

    private static Map<String, Boolean> collect(PreparedStatement statement) throws SQLException {
        Map<String, Boolean> written = new LinkedHashMap<>();
        try (ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                written.put(row.getString(1), row.getBoolean(2));
            }
        }
        return written;
    }

    /** Makes the written parents' elements exactly those staged for them. */
    private void writeChildren(Connection connection, Map<String, Boolean> written) throws SQLException {
        if (children == null || written.isEmpty()) {
            return;
        }
        java.sql.Array ids = connection.createArrayOf("text", written.keySet().toArray());
        for (String sql : List.of(deleteChildren, insertChildren)) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setArray(1, ids);
                statement.executeUpdate();
            }
        }
    }

    private static Outcome written(int size, Map<String, Boolean> written,
            Map<String, String> rejected) {
        int inserted = (int) written.values().stream().filter(Boolean::booleanValue).count();
        int updated = written.size() - inserted;
        return new Outcome(inserted, updated, size - written.size() - rejected.size(), rejected);
    }

    private static String reason(SQLException refused) {
        String message = String.valueOf(refused.getMessage());
        String detail = refused instanceof org.postgresql.util.PSQLException psql
                && psql.getServerErrorMessage() != null ? psql.getServerErrorMessage().getDetail() : null;
        String first = message.lines().findFirst().orElse(message).replaceFirst("^ERROR: ", "");
        return "PostgreSQL refused it: " + first + (detail == null ? "" : " (" + detail + ")");
    }

    private static void copy(Connection connection, String sql, byte[] rows) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(rows));
        } catch (IOException e) {
            throw new SQLException("could not stream rows to PostgreSQL: " + e.getMessage(), e);
        }
    }

    private byte[] rows(List<Document> batch) {
        StringBuilder text = new StringBuilder(batch.size() * 256);
        for (Document document : batch) {
            CopyText.value(text, document.id()).append('\t').append(document.version());
            for (Field field : fields) {
                text.append('\t');
                CopyText.field(text, field.type(), document.get(field.name()));
            }
            text.append('\t');
            CopyText.value(text, Columns.writeJson(document.extra())).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] childRows(List<Document> batch) {
        StringBuilder text = new StringBuilder();
        List<Field> childFields = spec.children().orElseThrow().fields();
        for (Document document : batch) {
            List<Document.Element> elements = children.elementsOf(document);
            for (int position = 0; position < elements.size(); position++) {
                Document.Element element = elements.get(position);
                CopyText.value(text, document.id()).append('\t').append(position);
                for (Field field : childFields) {
                    text.append('\t');
                    CopyText.field(text, field.type(), element.fields().get(field.name()));
                }
                text.append('\t');
                CopyText.value(text, Columns.writeJson(element.extra())).append('\n');
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** PostgreSQL's COPY text format: tab-separated, {@code \N} for NULL, backslash escapes. */
    static final class CopyText {

        private CopyText() {
        }

        static StringBuilder field(StringBuilder text, FieldType type, Object value) {
            if (value == null) {
                return text.append("\\N");
            }
            return switch (type) {
                case TEXT, CITEXT -> value(text, (String) value);
                case INTEGER, BIGINT -> text.append((long) (Long) value);
                case BOOLEAN -> text.append((Boolean) value ? 't' : 'f');
                case TIMESTAMP -> text.append(value);
                case TEXT_ARRAY -> value(text, arrayLiteral((List<?>) value));
                case JSON -> value(text, Columns.writeJson(value));
            };
        }

        static StringBuilder value(StringBuilder text, String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> text.append("\\\\");
                    case '\t' -> text.append("\\t");
                    case '\n' -> text.append("\\n");
                    case '\r' -> text.append("\\r");
                    default -> text.append(c);
                }
            }
            return text;
        }

        /** A text[] literal: every element quoted, quotes and backslashes escaped. */
        private static String arrayLiteral(List<?> elements) {
            StringBuilder literal = new StringBuilder("{");
            for (int i = 0; i < elements.size(); i++) {
                if (i > 0) {
                    literal.append(',');
                }
                literal.append('"');
                String element = (String) elements.get(i);
                for (int j = 0; j < element.length(); j++) {
                    char c = element.charAt(j);
                    if (c == '"' || c == '\\') {
                        literal.append('\\');
                    }
                    literal.append(c);
                }
                literal.append('"');
            }
            return literal.append('}').toString();
        }
    }
}
