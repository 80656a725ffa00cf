package dev.cutover.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.cutover.config.Settings;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * The MongoDB database that holds the collections ({@code MONGO_DB_NAME}); there is none when
 * {@code MONGO_URI} is unset, as after a move to POSTGRES_ONLY.
 */
@Factory
class MongoConfiguration {

    @Singleton
    @io.micronaut.context.annotation.Requires(property = "mongodb.uri")
    MongoDatabase mongoDatabase(MongoClient client, Settings settings) {
        return client.getDatabase(settings.mongoDbName());
    }
}
