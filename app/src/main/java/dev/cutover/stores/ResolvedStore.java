package dev.cutover.stores;

/**
 * A store that {@link StoreResolver} found or started.
 *
 * @param connection how to reach it: a {@link dev.cutover.postgres.PostgresUri} or a MongoDB URI
 * @param origin     where it came from, for the start-up log
 * @param owned      what to stop when done; a no-op for stores cutover did not start
 */
public record ResolvedStore<T>(T connection, Origin origin, AutoCloseable owned) implements AutoCloseable {

    /** Where a store came from, in the order the resolver tries them. */
    public enum Origin {
        ENVIRONMENT("configured in the environment"),
        TESTCONTAINERS("a Testcontainers container"),
        EMBEDDED("started in-process by cutover");

        private final String description;

        Origin(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    @Override
    public void close() throws Exception {
        owned.close();
    }
}
