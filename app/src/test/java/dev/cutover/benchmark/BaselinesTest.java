package dev.cutover.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.StoredShape;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import java.io.StringReader;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.PGConnection;

/**
 * The benchmark's baselines write the rows a correct copy writes: what the repository reads back
 * is the document MongoDB holds, in the current and in the pre-cutover shape.
 */
class BaselinesTest {

    private static HikariDataSource dataSource;

    // Both tests write to the same tables: their own seeds keep unique keys apart.
    private final SampleDocuments copySamples = new SampleDocuments(5);
    private final SampleDocuments upsertSamples = new SampleDocuments(6);
    private final MongoDatabase mongo = TestStores.mongoClient().getDatabase(TestStores.uniqueName("baselines"));

    @BeforeAll
    static void migrateAFreshDatabase() {
        dataSource = TestStores.migratedPool(2);
    }

    @AfterAll
    static void closePool() {
        dataSource.close();
    }

    @AfterEach
    void dropMongoDatabase() {
        mongo.drop();
    }

    static Stream<CollectionSpec> phaseOne() {
        return SyntheticData.counts(100).keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("phaseOne")
    void shouldReadBackEveryDocumentWhenItsCopyTextIsCopiedIntoItsTable(CollectionSpec spec) throws Exception {
        List<Document> rows = storedRows(copySamples, spec, 6).stream().map(stored -> StoredShape.fromBson(spec, stored)).toList();
        StringBuilder text = new StringBuilder();
        rows.forEach(row -> CopyText.append(text, spec, row));

        long copied;
        try (Connection connection = dataSource.getConnection()) {
            copied = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(CopyText.statement(spec, spec.name()), new StringReader(text.toString()));
        }

        assertEquals(rows.size(), copied);
        PostgresDocumentRepository repository = new PostgresDocumentRepository(spec, dataSource);
        rows.forEach(row -> assertEquals(Optional.of(row), repository.get(row.id())));
    }

    @ParameterizedTest
    @MethodSource("phaseOne")
    void shouldReadBackTheLatestDocumentsWhenTheBatchedUpsertCopiesAgainAfterAChange(CollectionSpec spec)
            throws Exception {
        MongoCollection<org.bson.Document> source = mongo.getCollection(spec.name());
        List<org.bson.Document> stored = storedRows(upsertSamples, spec, 7);
        source.insertMany(stored);
        long first;
        try (Connection connection = dataSource.getConnection()) {
            first = BatchedUpsert.copy(source, spec, connection, spec.name(), 3);
        }
        org.bson.Document changed = stored.get(4).append("benchmark_marker", "changed");
        source.replaceOne(Filters.eq("_id", changed.get("_id")), changed);

        long second;
        try (Connection connection = dataSource.getConnection()) {
            second = BatchedUpsert.copy(source, spec, connection, spec.name(), 3);
        }

        assertEquals(7, first);
        assertEquals(7, second);
        PostgresDocumentRepository repository = new PostgresDocumentRepository(spec, dataSource);
        for (org.bson.Document document : stored) {
            Document expected = StoredShape.fromBson(spec, document);
            assertEquals(Optional.of(expected), repository.get(expected.id()));
        }
        assertEquals("changed", repository.get(StoredShape.fromBson(spec, changed).id()).orElseThrow()
                .extra().get("benchmark_marker"));
    }

    @Test
    void shouldRefuseACopyStatementWhenTheCollectionKeepsAChildTable() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> CopyText.statement(Collections.CONVERSATIONS, "conversations"));

        assertEquals("conversations keeps its queries in a child table, which COPY text of one row per document"
                + " cannot fill; pick a collection without embedded arrays", error.getMessage());
    }

    /** Documents as MongoDB stores them, every other one in the pre-cutover shape. */
    private static List<org.bson.Document> storedRows(SampleDocuments samples, CollectionSpec spec, int count) {
        List<org.bson.Document> stored = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            org.bson.Document current = StoredShape.toBson(spec, samples.next(spec));
            stored.add(i % 2 == 0 ? current : LegacyShape.of(spec, current));
        }
        return stored;
    }
}
