package dev.cutover.api;

import com.mongodb.client.MongoDatabase;
import dev.cutover.collections.Collections;
import dev.cutover.config.Settings;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.DocumentService;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The service of each collection, over the store the configuration selects: PostgreSQL when
 * {@code READ_POSTGRES} is on, MongoDB otherwise.
 */
@Singleton
public final class DataServices {

    private final Map<String, DocumentService> services = new LinkedHashMap<>();

    DataServices(Settings settings, MongoDatabase mongo, DataSource dataSource, Clock clock) {
        DataSource pool = DelegatingDataSource.unwrapDataSource(dataSource);
        for (CollectionSpec spec : Collections.ALL) {
            DocumentRepository repository;
            if (settings.readPostgres()) {
                repository = new PostgresDocumentRepository(spec, pool);
            } else {
                MongoDocumentRepository onMongo = new MongoDocumentRepository(spec, mongo);
                onMongo.ensureIndexes();
                repository = onMongo;
            }
            services.put(spec.name(), new DocumentService(repository, clock));
        }
    }

    /** The service of a collection, or a 404 naming the collections there are. */
    public DocumentService require(String collection) {
        DocumentService service = services.get(collection);
        if (service == null) {
            throw DocumentException.NotFound.unknownCollection(collection, services.keySet());
        }
        return service;
    }
}
