package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.TestStores;
import dev.cutover.postgres.PostgresBootstrap;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repair queue contract on PostgreSQL, plus the lease cases only a store with leases and
 * generations can get wrong: an add during a lease, a claim that outlived its lease, the order.
 */
class PostgresRepairQueueTest extends RepairQueueContract {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static HikariDataSource dataSource;

    @BeforeAll
    static void migrateAFreshDatabase() {
        PostgresUri database = TestStores.freshDatabase();
        new PostgresBootstrap(Duration.ofSeconds(10)).ensureDatabase(database, true);
        new SchemaMigrator(database).migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setDataSourceProperties(database.connectionProperties());
        config.setMaximumPoolSize(6);
        dataSource = new HikariDataSource(config);
    }

    @AfterAll
    static void closePool() {
        dataSource.close();
    }

    @Override
    protected RepairQueue queue() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE repair_queue");
        } catch (SQLException e) {
            throw new IllegalStateException("could not empty the repair queue", e);
        }
        return new PostgresRepairQueue(dataSource, clock);
    }

    @Test
    void shouldMakeAnEntryAddedDuringItsLeaseDueWhenTheLeaseEnds() {
        RepairQueue queue = queue();
        queue.add("prompts", "p1", "timeout");
        queue.claim(10, LEASE);

        clock.advance(Duration.ofSeconds(10));
        queue.add("prompts", "p1", "circuit-open");
        List<RepairQueue.RepairTask> duringLease = queue.claim(10, LEASE);
        clock.advance(Duration.ofSeconds(20));
        List<RepairQueue.RepairTask> atLeaseEnd = queue.claim(10, LEASE);

        assertEquals(List.of(), duringLease);
        assertEquals(List.of("p1"), atLeaseEnd.stream().map(RepairQueue.RepairTask::id).toList());
        assertEquals("circuit-open", atLeaseEnd.get(0).reason());
    }

    @Test
    void shouldLeaveAnEntryToItsNewClaimWhenAClaimThatOutlivedItsLeaseFinishes() {
        RepairQueue queue = queue();
        queue.add("prompts", "p2", "timeout");
        RepairQueue.RepairTask slow = queue.claim(10, LEASE).get(0);
        clock.advance(LEASE.plusSeconds(1));
        RepairQueue.RepairTask current = queue.claim(10, LEASE).get(0);

        queue.done(slow);
        long afterSlowDone = queue.depth();
        List<RepairQueue.RepairTask> whileCurrentHoldsIt = queue.claim(10, LEASE);
        queue.retryLater(slow, Duration.ZERO, "late");
        long afterSlowRetry = queue.depth();
        queue.done(current);

        assertEquals(1, afterSlowDone);
        assertEquals(List.of(), whileCurrentHoldsIt);
        assertEquals(1, afterSlowRetry);
        assertEquals(0, queue.depth());
    }

    @Test
    void shouldClaimTheOldestEntriesFirstAndTellTheirAge() {
        RepairQueue queue = queue();
        Instant first = clock.instant();
        for (String id : List.of("o3", "o1", "o2")) {
            queue.add("prompts", id, "timeout");
            clock.advance(Duration.ofSeconds(1));
        }

        List<RepairQueue.RepairTask> oldestTwo = queue.claim(2, LEASE);
        List<RepairQueue.RepairTask> rest = queue.claim(2, LEASE);

        assertEquals(List.of("o3", "o1"), oldestTwo.stream().map(RepairQueue.RepairTask::id).toList());
        assertEquals(List.of(first, first.plusSeconds(1)),
                oldestTwo.stream().map(RepairQueue.RepairTask::enqueuedAt).toList());
        assertEquals(List.of("o2"), rest.stream().map(RepairQueue.RepairTask::id).toList());
        assertEquals(java.util.Optional.of(first), queue.oldest());
    }

    @Test
    void shouldKeepTheLastErrorOfAFailedRepairForTheOperator() throws SQLException {
        RepairQueue queue = queue();
        queue.add("notes", "n1", "timeout");
        RepairQueue.RepairTask task = queue.claim(10, LEASE).get(0);

        queue.retryLater(task, Duration.ofMinutes(1), "mongo unreachable");

        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT last_error, attempts, due_at, lease_token FROM repair_queue WHERE id = 'n1'");
                ResultSet row = statement.executeQuery()) {
            row.next();
            assertEquals("mongo unreachable", row.getString(1));
            assertEquals(1, row.getInt(2));
            assertEquals(clock.instant().plus(Duration.ofMinutes(1)),
                    row.getObject(3, java.time.OffsetDateTime.class).toInstant());
            assertEquals(null, row.getString(4));
        }
    }
}
