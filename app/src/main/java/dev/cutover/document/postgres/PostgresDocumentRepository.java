package dev.cutover.document.postgres;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.Field;
import dev.cutover.document.ListQuery;
import dev.cutover.document.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * {@link DocumentRepository} over the typed table of any collection (see
 * {@code db/migration/V2__collections.sql}): one column per typed field, unknown fields in the
 * {@code extra} JSONB column, and embedded elements as rows of the collection's child table.
 * Values go in and come out in their canonical form (see {@link dev.cutover.document.FieldType}),
 * so a document read from here equals the same document read from MongoDB.
 *
 * <p>Every write is one transaction, parent row and child rows together; a read of a collection
 * with children sees parents and children of one snapshot. Where a write of a collection without
 * children is a single execute ({@link #insert}, {@link #replace}, {@link #applyIfNewer}), it
 * runs in auto-commit: PostgreSQL runs everything up to the driver's one Sync message as one
 * implicit transaction, so the write is as atomic as in an explicit one and saves the COMMIT's
 * round trip. Expiry is judged by the database's clock. The repository manages its own
 * transactions, so {@code dataSource} must hand out plain connections (not ones bound to an
 * outer, framework-managed transaction) at READ COMMITTED, PostgreSQL's default. A clash on an id
 * or a unique key becomes {@link DocumentException.Duplicate}; any other failure a
 * {@link PostgresStoreException}.
 *
 * <p>Deletes leave a tombstone in the {@code tombstones} table (see
 * {@code db/migration/V3__tombstones_and_repair_queue.sql}), so that a late copy of an older
 * write cannot bring a document back. Every transaction that writes a tombstone or acts on one
 * ({@link #delete}, {@link #applyDelete}, {@link #applyIfNewer}) first takes a transaction-scoped
 * advisory lock on the collection and id, so no tombstone appears between its reading and its
 * writing. {@link #insert} and {@link #replace} neither read nor write tombstones and go without
 * the lock: their race with {@link #applyIfNewer} is over the row alone, which row locks settle.
 *
 * <p>{@link #applyIfNewer} sends the lock and one guarded upsert as two statements of one
 * execute: one round trip, and one transaction (the implicit one, or the explicit one where child
 * rows follow). It is correct because:
 * <ul>
 *   <li>The lock is held until that transaction ends, so the upsert commits before any delete of
 *       the id can read or write its tombstone.</li>
 *   <li>At READ COMMITTED each statement takes its own snapshot when it starts, so the upsert,
 *       which starts once the lock is granted, sees every tombstone committed before: its
 *       {@code NOT EXISTS} skips a copy at or below one. (One statement taking the lock in a
 *       subquery would not do: its snapshot would predate the wait.)</li>
 *   <li>{@code INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE version < EXCLUDED.version} either
 *       inserts or updates the latest committed row, waiting for a concurrent insert, replace
 *       or expiry sweep (none takes the lock) to finish and checking the version against its
 *       outcome; so a copy never overwrites a row as new or newer.</li>
 * </ul>
 */
public final class PostgresDocumentRepository implements DocumentRepository {

    private static final String STORE_NAME = "postgres";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

    /** Serializes the transactions that act on one id's tombstone; released at commit or rollback. */
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(? || ':' || ?, 0))";
    private static final String SELECT_TOMBSTONE = "SELECT version FROM tombstones WHERE collection = ? AND id = ?";
    /** Records a tombstone, or raises a lower one; a higher one stays (then no row is returned). */
    private static final String RAISE_TOMBSTONE = "INSERT INTO tombstones (collection, id, version) VALUES (?, ?, ?)"
            + " ON CONFLICT (collection, id) DO UPDATE SET version = EXCLUDED.version, deleted_at = EXCLUDED.deleted_at"
            + " WHERE tombstones.version < EXCLUDED.version";

    private final CollectionSpec spec;
    private final DataSource dataSource;
    /** The child table, or null when the collection has no embedded array. */
    private final ChildTable children;

    private final Map<String, Field> filterFields = new HashMap<>();
    private final Map<String, List<String>> constraintFields = new HashMap<>();
    private final Map<String, String> selectByUnique = new HashMap<>();

    private final String select;
    /** The condition that leaves out expired rows, or null when nothing expires. */
    private final String live;
    private final String cursorCondition;
    private final String listOrder;
    private final String count;
    private final String selectById;
    private final String getById;
    private final String scanFromStart;
    private final String scanAfter;
    private final String insert;
    private final String insertIfAbsent;
    private final String update;
    private final String updateIfVersion;
    /**
     * The tombstone lock, then the row inserted, or updated if older, unless a tombstone is as
     * new: two statements of one execute (see the class comment).
     */
    private final String lockAndUpsertIfNewer;
    private final String selectVersion;
    private final String delete;
    private final String deleteIfVersion;
    private final String deleteIfOlder;
    private final String deleteExpired;

    public PostgresDocumentRepository(CollectionSpec spec, DataSource dataSource) {
        this.spec = spec;
        this.dataSource = dataSource;
        this.children = spec.children().map(ChildTable::new).orElse(null);

        String table = Columns.quote(spec.name());
        String id = Columns.quote("id");
        String version = Columns.quote("version");
        String order = Columns.quote(spec.orderField());
        List<String> fieldColumns = spec.fields().stream().map(Field::column).toList();

        this.select = "SELECT " + id + ", " + version + ", " + Columns.list(fieldColumns) + ", \"extra\" FROM " + table;
        this.live = spec.expiresField()
                .map(field -> "(" + Columns.quote(field) + " IS NULL OR " + Columns.quote(field) + " > now())")
                .orElse(null);
        this.cursorCondition = "(" + order + ", " + id + ") < (?, ?)";
        this.listOrder = " ORDER BY " + order + " DESC, " + id + " DESC LIMIT ?";
        this.count = "SELECT count(*) FROM " + table;
        this.selectById = select + " WHERE " + id + " = ?";
        this.getById = andLive(selectById);
        this.scanFromStart = select + " ORDER BY " + id + " LIMIT ?";
        this.scanAfter = select + " WHERE " + id + " > ? ORDER BY " + id + " LIMIT ?";

        String insertRow = "INSERT INTO " + table + " (" + id + ", " + version + ", " + Columns.list(fieldColumns)
                + ", \"extra\") VALUES (?, ?, " + Columns.placeholders(spec.fields()) + ", ?::jsonb)";
        this.insertIfAbsent = insertRow + " ON CONFLICT (" + id + ") DO NOTHING";
        this.insert = spec.isEventLog() ? insertIfAbsent : insertRow;
        String assignments = spec.fields().stream().map(Columns::equality).collect(Collectors.joining(", "));
        this.update = "UPDATE " + table + " SET " + version + " = ?, " + assignments + ", \"extra\" = ?::jsonb WHERE "
                + id + " = ?";
        this.updateIfVersion = update + " AND " + version + " = ?";
        String newer = spec.fields().stream().map(field -> Columns.typedPlaceholder(field.type()))
                .collect(Collectors.joining(", "));
        String takeNewer = Stream.concat(Stream.of("version"), Stream.concat(fieldColumns.stream(), Stream.of("extra")))
                .map(column -> Columns.quote(column) + " = EXCLUDED." + Columns.quote(column))
                .collect(Collectors.joining(", "));
        this.lockAndUpsertIfNewer = LOCK + "; INSERT INTO " + table + " (" + id + ", " + version + ", "
                + Columns.list(fieldColumns) + ", \"extra\") SELECT ?::text, ?::bigint, " + newer + ", ?::jsonb"
                + " WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE tombstones.collection = ? AND tombstones.id = ?"
                + " AND tombstones.version >= ?) ON CONFLICT (" + id + ") DO UPDATE SET " + takeNewer
                + " WHERE " + table + "." + version + " < EXCLUDED." + version;
        this.selectVersion = "SELECT " + version + " FROM " + table + " WHERE " + id + " = ?";
        String deleteRow = "DELETE FROM " + table + " WHERE " + id + " = ?";
        this.delete = deleteRow + " RETURNING " + version;
        this.deleteIfVersion = deleteRow + " AND " + version + " = ? RETURNING " + version;
        this.deleteIfOlder = deleteRow + " AND " + version + " < ?";
        this.deleteExpired = spec.expiresField()
                .map(field -> "DELETE FROM " + table + " WHERE " + Columns.quote(field) + " <= ?")
                .orElse(null);

        for (String filter : spec.filters()) {
            filterFields.put(filter, field(filter));
        }
        // PostgreSQL names a primary key <table>_pkey; unique keys carry their spec name.
        constraintFields.put(spec.name() + "_pkey", List.of("id"));
        for (CollectionSpec.UniqueKey key : spec.uniqueKeys()) {
            constraintFields.put(key.name(), key.fields());
            String conditions = key.fields().stream().map(name -> Columns.equality(field(name)))
                    .collect(Collectors.joining(" AND "));
            selectByUnique.put(key.name(), andLive(select + " WHERE " + conditions));
        }
    }

    @Override
    public CollectionSpec spec() {
        return spec;
    }

    @Override
    public Optional<Document> get(String id) {
        return reading("get", connection -> {
            List<Document> found = query(connection, getById, statement -> statement.setString(1, id));
            return withChildren(connection, found).stream().findFirst();
        });
    }

    @Override
    public Page list(ListQuery query) {
        Map<String, Object> filters = new TreeMap<>(query.filters());
        List<String> conditions = conditions(filters);
        if (query.after().isPresent()) {
            conditions.add(cursorCondition);
        }
        String sql = select + where(conditions) + listOrder;
        return reading("list", connection -> {
            List<Document> rows = query(connection, sql, statement -> {
                int next = bindFilters(statement, filters);
                if (query.after().isPresent()) {
                    ListQuery.Cursor after = query.after().get();
                    statement.setObject(next++, OffsetDateTime.ofInstant(after.orderValue(), ZoneOffset.UTC));
                    statement.setString(next++, after.id());
                }
                // One row more than asked tells whether another page follows.
                statement.setLong(next, query.limit() + 1L);
            });
            boolean more = rows.size() > query.limit();
            List<Document> items = withChildren(connection, more ? rows.subList(0, query.limit()) : rows);
            Optional<ListQuery.Cursor> next = more ? Optional.of(cursorAfter(items.get(items.size() - 1)))
                    : Optional.empty();
            return new Page(items, next);
        });
    }

    @Override
    public long count(Map<String, Object> filters) {
        Map<String, Object> sorted = new TreeMap<>(filters);
        String sql = count + where(conditions(sorted));
        return connected("count", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bindFilters(statement, sorted);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    @Override
    public List<Document> scan(String afterId, int limit) {
        return reading("scan", connection -> {
            List<Document> rows = query(connection, afterId == null ? scanFromStart : scanAfter, statement -> {
                int next = 1;
                if (afterId != null) {
                    statement.setString(next++, afterId);
                }
                statement.setInt(next, limit);
            });
            return withChildren(connection, rows);
        });
    }

    @Override
    public Optional<Document> findByUnique(CollectionSpec.UniqueKey key, List<Object> values) {
        if (!spec.uniqueKeys().contains(key)) {
            throw new IllegalArgumentException(spec.name() + " has no unique key " + key.fields()
                    + ": its unique keys are " + spec.uniqueKeys().stream().map(CollectionSpec.UniqueKey::fields).toList());
        }
        if (values.size() != key.fields().size()) {
            throw new IllegalArgumentException("unique key " + key.fields() + " of " + spec.name() + " needs "
                    + key.fields().size() + " values, but got " + values.size());
        }
        if (values.stream().anyMatch(Objects::isNull)) {
            // NULLs never clash, so no document holds a key with a missing part.
            return Optional.empty();
        }
        return reading("findByUnique", connection -> {
            List<Document> found = query(connection, selectByUnique.get(key.name()), statement -> {
                for (int i = 0; i < values.size(); i++) {
                    Columns.bind(statement, i + 1, field(key.fields().get(i)).type(), values.get(i));
                }
            });
            return withChildren(connection, found).stream().findFirst();
        });
    }

    @Override
    public Document insert(Document document) {
        return writing("insert", connection -> {
            if (insertRow(connection, insert, document)) {
                return document;
            }
            // Only an event log ignores a stored id: the same event, sent again.
            List<Document> stored = query(connection, selectById, statement -> statement.setString(1, document.id()));
            return withChildren(connection, stored).get(0);
        });
    }

    @Override
    public Document replace(Document document, long expectedVersion) {
        if (spec.isEventLog()) {
            throw new DocumentException.NotAllowed(spec.name(), "replace");
        }
        boolean checked = expectedVersion != ANY_VERSION;
        return writing("replace", connection -> {
            boolean updated = checked
                    ? updateRow(connection, updateIfVersion, document, OptionalLong.of(expectedVersion))
                    : updateRow(connection, update, document, OptionalLong.empty());
            if (!updated) {
                throw DocumentException.StaleVersion.missed(spec.name(), document.id(), expectedVersion,
                        storedVersion(connection, document.id()));
            }
            return document;
        });
    }

    @Override
    public boolean delete(String id, long expectedVersion) {
        if (spec.isEventLog()) {
            throw new DocumentException.NotAllowed(spec.name(), "delete");
        }
        boolean checked = expectedVersion != ANY_VERSION;
        return transaction("delete", connection -> {
            lock(connection, id);
            // The child rows go with the parent (ON DELETE CASCADE).
            OptionalLong deleted;
            try (PreparedStatement statement = connection.prepareStatement(checked ? deleteIfVersion : delete)) {
                statement.setString(1, id);
                if (checked) {
                    statement.setLong(2, expectedVersion);
                }
                try (ResultSet row = statement.executeQuery()) {
                    deleted = row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
                }
            }
            if (deleted.isPresent()) {
                // A delete is a write: it takes the version after the one it deleted.
                raiseTombstone(connection, id, deleted.getAsLong() + 1);
                return true;
            }
            Optional<Long> actual = checked ? storedVersion(connection, id) : Optional.empty();
            if (actual.isPresent()) {
                throw new DocumentException.StaleVersion(spec.name(), id, expectedVersion, actual.get());
            }
            return false;
        });
    }

    @Override
    public boolean applyIfNewer(Document document) {
        if (spec.isEventLog()) {
            return writing("applyIfNewer", connection -> insertRow(connection, insertIfAbsent, document));
        }
        return writing("applyIfNewer", connection -> {
            int written;
            try (PreparedStatement statement = connection.prepareStatement(lockAndUpsertIfNewer)) {
                statement.setString(1, spec.name());
                statement.setString(2, document.id());
                statement.setString(3, document.id());
                int next = bindContent(statement, 4, document);
                statement.setString(next++, spec.name());
                statement.setString(next++, document.id());
                statement.setLong(next, document.version());
                statement.execute();
                // The first result is the lock's row; the second, the upsert's count.
                statement.getMoreResults();
                written = statement.getUpdateCount();
            }
            if (written > 0 && children != null) {
                children.replace(connection, document.id(), children.elementsOf(document));
            }
            return written > 0;
        });
    }

    @Override
    public boolean applyDelete(String id, long version) {
        if (spec.isEventLog()) {
            throw new DocumentException.NotAllowed(spec.name(), "delete");
        }
        return transaction("applyDelete", connection -> {
            lock(connection, id);
            Optional<Long> stored = storedVersion(connection, id);
            if (stored.isPresent() && stored.get() >= version) {
                // This copy is newer than the delete: it stays, so nothing was deleted here.
                return false;
            }
            boolean raised = raiseTombstone(connection, id, version);
            boolean deleted;
            try (PreparedStatement statement = connection.prepareStatement(deleteIfOlder)) {
                statement.setString(1, id);
                statement.setLong(2, version);
                deleted = statement.executeUpdate() > 0;
            }
            return raised || deleted;
        });
    }

    @Override
    public OptionalLong tombstone(String id) {
        if (spec.isEventLog()) {
            return OptionalLong.empty();
        }
        return connected("tombstone", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(SELECT_TOMBSTONE)) {
                statement.setString(1, spec.name());
                statement.setString(2, id);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public int deleteExpired(Instant now) {
        if (deleteExpired == null) {
            return 0;
        }
        return connected("deleteExpired", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(deleteExpired)) {
                statement.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public String storeName() {
        return STORE_NAME;
    }

    private Field field(String name) {
        return spec.field(name).orElseThrow(() -> new IllegalStateException(spec.name() + " has no field " + name));
    }

    /** The equality conditions of {@code filters} (in their order) and, where rows expire, liveness. */
    private List<String> conditions(Map<String, Object> filters) {
        List<String> conditions = new ArrayList<>();
        for (String name : filters.keySet()) {
            Field field = filterFields.get(name);
            if (field == null) {
                throw new IllegalArgumentException(spec.name() + " cannot be filtered by '" + name
                        + "': its filters are " + spec.filters());
            }
            conditions.add(Columns.equality(field));
        }
        if (live != null) {
            conditions.add(live);
        }
        return conditions;
    }

    /** {@code sql}, which ends in a WHERE clause, leaving out expired rows too. */
    private String andLive(String sql) {
        return live == null ? sql : sql + " AND " + live;
    }

    private static String where(List<String> conditions) {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Binds the filter values in the order {@link #conditions} named them; returns the next index. */
    private int bindFilters(PreparedStatement statement, Map<String, Object> filters) throws SQLException {
        int next = 1;
        for (Map.Entry<String, Object> filter : filters.entrySet()) {
            Columns.bind(statement, next++, filterFields.get(filter.getKey()).type(), filter.getValue());
        }
        return next;
    }

    /** Binds version, typed fields and extra, in the order of the insert and update statements. */
    private int bindContent(PreparedStatement statement, int index, Document document) throws SQLException {
        statement.setLong(index, document.version());
        int next = Columns.bindAll(statement, index + 1, spec.fields(), document.fields());
        Columns.bindExtra(statement, next, document.extra());
        return next + 1;
    }

    private ListQuery.Cursor cursorAfter(Document document) {
        return new ListQuery.Cursor((Instant) document.get(spec.orderField()), document.id());
    }

    private Optional<Long> storedVersion(Connection connection, String id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(selectVersion)) {
            statement.setString(1, id);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * Inserts the document's row with {@code sql} ({@link #insert} or {@link #insertIfAbsent}) and,
     * if the row went in, its child rows; returns whether it went in.
     */
    private boolean insertRow(Connection connection, String sql, Document document) throws SQLException {
        int inserted;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, document.id());
            bindContent(statement, 2, document);
            inserted = statement.executeUpdate();
        }
        if (inserted > 0 && children != null) {
            children.insert(connection, document.id(), children.elementsOf(document));
        }
        return inserted > 0;
    }

    /**
     * Updates the document's row with {@code sql}, one of the update statements, whose version
     * condition (if it has one) compares with {@code version}; if the row was updated, replaces its
     * child rows too. Returns whether it was.
     */
    private boolean updateRow(Connection connection, String sql, Document document, OptionalLong version)
            throws SQLException {
        int updated;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int next = bindContent(statement, 1, document);
            statement.setString(next++, document.id());
            if (version.isPresent()) {
                statement.setLong(next, version.getAsLong());
            }
            updated = statement.executeUpdate();
        }
        if (updated > 0 && children != null) {
            children.replace(connection, document.id(), children.elementsOf(document));
        }
        return updated > 0;
    }

    /** Takes this id's tombstone lock for the rest of the transaction. */
    private void lock(Connection connection, String id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LOCK)) {
            statement.setString(1, spec.name());
            statement.setString(2, id);
            statement.execute();
        }
    }

    /** Records a tombstone at {@code version} unless one as high is there; returns whether it did. */
    private boolean raiseTombstone(Connection connection, String id, long version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(RAISE_TOMBSTONE)) {
            statement.setString(1, spec.name());
            statement.setString(2, id);
            statement.setLong(3, version);
            return statement.executeUpdate() > 0;
        }
    }

    /** The documents {@code sql} selects, without their child elements. */
    private List<Document> query(Connection connection, String sql, Binder binder) throws SQLException {
        List<Document> documents = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    Map<String, Object> fields = Columns.readAll(row, 3, spec.fields());
                    Map<String, Object> extra = Columns.readExtra(row, 3 + spec.fields().size());
                    documents.add(new Document(row.getString(1), row.getLong(2), fields, extra));
                }
            }
        }
        return documents;
    }

    /** The documents with their child elements, loaded for all of them in one query. */
    private List<Document> withChildren(Connection connection, List<Document> documents) throws SQLException {
        if (children == null || documents.isEmpty()) {
            return documents;
        }
        Map<String, List<Document.Element>> elements =
                children.load(connection, documents.stream().map(Document::id).toList());
        return documents.stream()
                .map(document -> document.with(children.field(), elements.getOrDefault(document.id(), List.of())))
                .toList();
    }

    /** Reads on one connection; where children are read too, in one snapshot with their parents. */
    private <T> T reading(String operation, Work<T> work) {
        if (children == null) {
            return connected(operation, work);
        }
        return transaction(operation, connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(SNAPSHOT);
            }
            return work.run(connection);
        });
    }

    private <T> T connected(String operation, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    /**
     * Runs a write: in auto-commit where the collection has no child table and the write is
     * therefore one execute (see the class comment), else in a transaction.
     */
    private <T> T writing(String operation, Work<T> work) {
        if (children != null) {
            return transaction(operation, work);
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    private <T> T transaction(String operation, Work<T> work) {
        // Connection pools restore auto-commit when the connection is returned.
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private RuntimeException failure(String operation, SQLException error) {
        if (UNIQUE_VIOLATION.equals(error.getSQLState())) {
            List<String> fields = constraintFields.get(constraintOf(error));
            if (fields != null) {
                return new DocumentException.Duplicate(spec.name(), fields);
            }
        }
        return new PostgresStoreException(spec.name(), operation, error);
    }

    private static String constraintOf(SQLException error) {
        ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        return server == null ? null : server.getConstraint();
    }

    /** Work on a connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Sets a statement's parameters. */
    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }
}
