package dev.cutover.health;

import com.mongodb.client.MongoDatabase;
import dev.cutover.config.MongoUris;
import dev.cutover.config.Settings;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.bson.Document;

/** The readiness indicators of the two stores, reported separately under {@code /health}. */
@Factory
class HealthConfiguration {

    /** Longest a health probe waits for a store before calling it down. */
    static final Duration DEADLINE = Duration.ofSeconds(2);

    @Singleton
    @Named("store-health")
    @Bean(preDestroy = "shutdownNow")
    ExecutorService storeHealthExecutor() {
        return Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "store-health");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Singleton
    StoreHealthIndicator postgresHealth(DataSource dataSource, Settings settings,
            @Named("store-health") ExecutorService executor) {
        String target = settings.postgresUri().map(Object::toString).orElse("not configured");
        // The probe runs outside any transaction, so it needs the pool itself, not Micronaut
        // Data's transaction-aware wrapper.
        DataSource pool = DelegatingDataSource.unwrapDataSource(dataSource);
        return new StoreHealthIndicator("postgres", target, DEADLINE, executor) {
            @Override
            protected void probe() throws Exception {
                try (Connection connection = pool.getConnection();
                        Statement statement = connection.createStatement()) {
                    statement.setQueryTimeout((int) DEADLINE.toSeconds());
                    statement.execute("SELECT 1");
                }
            }
        };
    }

    @Singleton
    StoreHealthIndicator mongoHealth(MongoDatabase database, Settings settings,
            @Named("store-health") ExecutorService executor) {
        String target = settings.mongoUri().map(MongoUris::redacted).orElse("not configured")
                + " database " + settings.mongoDbName();
        return new StoreHealthIndicator("mongo", target, DEADLINE, executor) {
            @Override
            protected void probe() {
                database.runCommand(new Document("ping", 1));
            }
        };
    }
}
