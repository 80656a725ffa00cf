package dev.cutover.verify;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.TestStores;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A MongoDB database and a migrated PostgreSQL database of their own, with repositories on both. */
final class VerifyStores implements AutoCloseable {

    final MongoDatabase mongoDatabase = TestStores.mongoClient().getDatabase(TestStores.uniqueName("verify"));
    final HikariDataSource pool = TestStores.migratedPool(8);

    DocumentRepository mongo(CollectionSpec spec) {
        MongoDocumentRepository repository = new MongoDocumentRepository(spec, mongoDatabase);
        repository.ensureIndexes();
        return repository;
    }

    DocumentRepository postgres(CollectionSpec spec) {
        return new PostgresDocumentRepository(spec, pool);
    }

    /** The collection as MongoDB's driver sees it, for documents written the way legacy code did. */
    MongoCollection<org.bson.Document> raw(CollectionSpec spec) {
        return mongoDatabase.getCollection(spec.name());
    }

    /** Writes the document to both stores. */
    Document both(CollectionSpec spec, Document document) {
        mongo(spec).insert(document);
        postgres(spec).insert(document);
        return document;
    }

    /** Runs one SQL statement with parameters on the PostgreSQL database. */
    int sql(String statement, Object... parameters) {
        try (Connection connection = pool.getConnection();
                PreparedStatement prepared = connection.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                prepared.setObject(i + 1, parameters[i]);
            }
            return prepared.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        mongoDatabase.drop();
        pool.close();
    }
}
