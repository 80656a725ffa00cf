package dev.cutover.document.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentIds;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.DocumentRepositoryContract;
import dev.cutover.document.ListQuery;
import dev.cutover.document.SampleDocuments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository contract on PostgreSQL, every collection on one freshly migrated database, plus
 * what only PostgreSQL can get wrong: numbers through JSONB, the timestamp range, id order, and
 * failures that must not leak values.
 */
class PostgresDocumentRepositoryTest extends DocumentRepositoryContract {

    private static final Map<String, DocumentRepository> REPOSITORIES = new ConcurrentHashMap<>();
    private static HikariDataSource dataSource;

    private static final SampleDocuments SAMPLES = new SampleDocuments(7L);

    @BeforeAll
    static void migrateAFreshDatabase() {
        dataSource = TestStores.migratedPool(4);
    }

    @AfterAll
    static void closePool() {
        dataSource.close();
    }

    @Override
    protected DocumentRepository repository(CollectionSpec spec) {
        return REPOSITORIES.computeIfAbsent(spec.name(), name -> new PostgresDocumentRepository(spec, dataSource));
    }

    @Test
    void shouldReturnDoublesAsDoublesWhenJsonbPrintsThemAsWholeNumbers() {
        DocumentRepository repository = repository(Collections.USER_LOGS);
        Map<String, Object> numbers = Map.of("exponent", 1.0E18, "millions", 12_345_678.0, "largest", Double.MAX_VALUE,
                "smallest", Double.MIN_VALUE, "zero", 0.0, "whole", 3L, "negative", -2.5);
        Document base = SAMPLES.next(Collections.USER_LOGS);
        Document document = new Document(base.id(), 1, base.with("data", numbers).fields(), Map.of("numbers", numbers));

        repository.insert(document);

        assertEquals(Optional.of(document), repository.get(document.id()));
    }

    @Test
    void shouldReadAWholeNumberBeyond64BitsAsADoubleWhenSomethingElseWroteIt() throws SQLException {
        DocumentRepository repository = repository(Collections.USER_LOGS);
        Document document = repository.insert(SAMPLES.next(Collections.USER_LOGS));
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "UPDATE user_logs SET extra = '{\"huge\": 1e30, \"small\": 7}' WHERE id = ?")) {
            statement.setString(1, document.id());
            statement.executeUpdate();
        }

        Map<String, Object> extra = repository.get(document.id()).orElseThrow().extra();

        assertEquals(Map.of("huge", 1.0E30, "small", 7L), extra);
    }

    @Test
    void shouldKeepTimestampsAtBothEndsOfTheRangeTheApiAccepts() {
        DocumentRepository repository = repository(Collections.PROMPTS);
        Instant first = Instant.parse("0001-01-01T00:00:00Z");
        Instant last = Instant.parse("9999-12-31T23:59:59.999Z");
        Document edges = SAMPLES.next(Collections.PROMPTS).with("created_at", first).with("updated_at", last);

        repository.insert(edges);

        assertEquals(Optional.of(edges), repository.get(edges.id()));
    }

    @Test
    void shouldScanLegacyIdsInByteOrderAsMongoDbSortsThem() {
        DocumentRepository repository = repository(Collections.AGENT_FOLDERS);
        List<String> ids = List.of("legacy-a", "legacy-B", "legacy_", "legacy-Z", "legacy.", "legacy-0",
                DocumentIds.next());
        for (String id : ids) {
            repository.insert(SAMPLES.next(Collections.AGENT_FOLDERS).withId(id));
        }

        List<String> scanned = repository.scan(null, 100_000).stream().map(Document::id).filter(ids::contains).toList();

        assertEquals(ids.stream().sorted().toList(), scanned);
    }

    @Test
    void shouldNameCollectionAndSqlStateButNoValueWhenPostgresRefusesAWrite() {
        DocumentRepository repository = repository(Collections.PROMPTS);
        Document document = SAMPLES.next(Collections.PROMPTS).with("content", "secret-content").with("name", null);

        PostgresStoreException error = assertThrows(PostgresStoreException.class, () -> repository.insert(document));

        assertEquals("23502", error.sqlState());
        assertEquals("postgres insert on prompts failed with SQLSTATE 23502 (table prompts, column name)",
                error.getMessage());
        assertFalse(error.getMessage().contains("secret-content"));
        assertEquals(Optional.empty(), repository.get(document.id()));
    }

    @Test
    void shouldRefuseToListByAFieldWithoutAnIndex() {
        DocumentRepository repository = repository(Collections.PROMPTS);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> repository.list(new ListQuery(Map.of("name", "x"), Optional.empty(), 10)));

        assertTrue(error.getMessage().startsWith("prompts cannot be filtered by 'name'"), error.getMessage());
    }
}
