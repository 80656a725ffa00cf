package dev.cutover.health;

import com.mongodb.client.MongoDatabase;
import dev.cutover.config.MongoUris;
import dev.cutover.config.Settings;
import dev.cutover.state.Freshness;
import dev.cutover.state.MigrationStateStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.bson.Document;

/**
 * The readiness indicators of the two stores, reported separately under {@code /health}, and the
 * freshness of the flag state this replica obeys.
 */
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
    StoreHealthIndicator mongoHealth(@io.micronaut.core.annotation.Nullable MongoDatabase database, Settings settings,
            @Named("store-health") ExecutorService executor) {
        String target = settings.mongoUri().map(MongoUris::redacted).orElse("not configured")
                + " database " + settings.mongoDbName();
        return new StoreHealthIndicator("mongo", target, DEADLINE, executor) {
            @Override
            protected void probe() {
                // Without MONGO_URI there is nothing to reach: the service is PostgreSQL only.
                if (database != null) {
                    database.runCommand(new Document("ping", 1));
                }
            }
        };
    }

    /**
     * The flag state this replica obeys: its revision, how long ago it was confirmed against
     * PostgreSQL, and whether it is stale. It answers from memory, without a round trip.
     *
     * <p>Stale flags keep the replica ready (UP, with {@code stale: true}, the time it began and the
     * error). The replica then obeys its last known good state, which was valid when stored. The
     * usual cause, PostgreSQL being down, already fails readiness through the {@code postgres}
     * indicator; when only the flag read fails, every replica tends to be stale together, and failing
     * readiness would take the whole service down for a fault of its control plane. Staleness is
     * exported ({@code cutover.flags.state.stale}) for an alert instead; docs/admin.md says what to do.
     */
    @Singleton
    HealthIndicator flagStateHealth(MigrationStateStore flags, Clock clock) {
        return () -> {
            Instant now = clock.instant();
            Freshness freshness = flags.freshness();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("revision", freshness.revision());
            details.put("checkAgeMs", freshness.age(now).toMillis());
            details.put("stale", freshness.stale());
            freshness.staleSince().ifPresent(since -> {
                details.put("staleSince", since.toString());
                details.put("staleForMs", Duration.between(since, now).toMillis());
            });
            freshness.error().ifPresent(error -> details.put("error", error));
            HealthStatus status = freshness.stale()
                    ? HealthStatus.UP.describe("obeying the last known flag state; PostgreSQL cannot be read")
                    : HealthStatus.UP;
            return Publishers.just(HealthResult.builder("flags", status).details(details).build());
        };
    }
}
