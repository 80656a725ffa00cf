package dev.cutover.document.mongo;

import com.mongodb.client.MongoDatabase;
import dev.cutover.TestStores;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.DocumentRepositoryContract;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The repository contract on MongoDB, with indexes ensured as the service does. Each test gets a
 * database of its own: the contract's sample generator starts from the same seed in every test,
 * so a store shared across tests would see the same "unique" values twice.
 */
class MongoDocumentRepositoryTest extends DocumentRepositoryContract {

    private final MongoDatabase database = TestStores.mongoClient().getDatabase(TestStores.uniqueName("contract"));
    private final Map<String, DocumentRepository> repositories = new HashMap<>();

    @AfterEach
    void dropDatabase() {
        database.drop();
    }

    @Override
    protected DocumentRepository repository(CollectionSpec spec) {
        return repositories.computeIfAbsent(spec.name(), name -> {
            MongoDocumentRepository repository = new MongoDocumentRepository(spec, database);
            repository.ensureIndexes();
            return repository;
        });
    }
}
