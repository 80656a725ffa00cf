package dev.cutover.config;

import java.time.Duration;

/**
 * Connection pool settings for both stores.
 *
 * @param postgresPoolSize    most PostgreSQL connections a replica holds ({@code POSTGRES_POOL_SIZE})
 * @param postgresConnectTimeout how long to wait for a PostgreSQL connection ({@code POSTGRES_CONNECT_TIMEOUT})
 * @param postgresStatementTimeout longest a statement may run, set with {@code SET} after connecting
 *                            ({@code POSTGRES_STATEMENT_TIMEOUT}); {@code 0} means no limit
 * @param postgresMaxLifetime longest a pooled PostgreSQL connection lives ({@code POSTGRES_MAX_LIFETIME})
 * @param mongoPoolSize       most MongoDB connections a replica holds ({@code MONGO_POOL_SIZE})
 * @param mongoTimeout        how long to wait for MongoDB to answer a connect or server selection
 *                            ({@code MONGO_TIMEOUT})
 */
public record PoolSettings(
        int postgresPoolSize,
        Duration postgresConnectTimeout,
        Duration postgresStatementTimeout,
        Duration postgresMaxLifetime,
        int mongoPoolSize,
        Duration mongoTimeout) {

    public static final PoolSettings DEFAULTS = new PoolSettings(
            10, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(30), 20, Duration.ofSeconds(5));

    static PoolSettings from(EnvironmentReader env) {
        return new PoolSettings(
                env.integer("POSTGRES_POOL_SIZE", DEFAULTS.postgresPoolSize, 1, 1000),
                env.duration("POSTGRES_CONNECT_TIMEOUT", DEFAULTS.postgresConnectTimeout),
                env.duration("POSTGRES_STATEMENT_TIMEOUT", DEFAULTS.postgresStatementTimeout),
                env.duration("POSTGRES_MAX_LIFETIME", DEFAULTS.postgresMaxLifetime),
                env.integer("MONGO_POOL_SIZE", DEFAULTS.mongoPoolSize, 1, 1000),
                env.duration("MONGO_TIMEOUT", DEFAULTS.mongoTimeout));
    }
}
