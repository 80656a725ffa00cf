package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.TestStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repair queue contract on PostgreSQL, plus what a failed repair records for the operator.
 */
class PostgresRepairQueueTest extends RepairQueueContract {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static HikariDataSource dataSource;

    @BeforeAll
    static void migrateAFreshDatabase() {
        dataSource = TestStores.migratedPool(6);
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
