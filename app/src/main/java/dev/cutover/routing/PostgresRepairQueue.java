package dev.cutover.routing;

import dev.cutover.document.postgres.PostgresStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link RepairQueue} in PostgreSQL's {@code repair_queue} table (see
 * {@code db/migration/V3__tombstones_and_repair_queue.sql}), one row per (collection, id).
 *
 * <p>A claim leases rows with {@code FOR UPDATE SKIP LOCKED}, so workers on any number of
 * replicas each take different rows without waiting for one another. Each row counts the adds it
 * has seen in {@code generation}; a claim token carries the lease and the generation it saw, so
 * {@link #done} can tell an entry added again during its repair. Every time this queue writes or
 * compares comes from {@code clock}, never from the database, so tests drive time and replicas
 * agree as far as their clocks do; leases should be long against the clocks' skew.
 */
public final class PostgresRepairQueue implements RepairQueue {

    private static final String TABLE = "repair_queue";

    /** A new entry is due now; adding a leased one makes it due when the lease ends. */
    private static final String ADD = "INSERT INTO repair_queue (collection, id, reason, enqueued_at, due_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET"
            + " generation = repair_queue.generation + 1, reason = EXCLUDED.reason,"
            + " due_at = CASE WHEN repair_queue.lease_until > EXCLUDED.due_at THEN repair_queue.lease_until"
            + " ELSE EXCLUDED.due_at END";
    private static final String CLAIM = "WITH due AS ("
            + "SELECT collection, id FROM repair_queue"
            + " WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)"
            + " ORDER BY enqueued_at, collection, id LIMIT ? FOR UPDATE SKIP LOCKED),"
            + " claimed AS (UPDATE repair_queue entry SET lease_token = ?, lease_until = ? FROM due"
            + " WHERE entry.collection = due.collection AND entry.id = due.id"
            + " RETURNING entry.collection, entry.id, entry.reason, entry.attempts, entry.enqueued_at,"
            + " entry.lease_token, entry.generation)"
            + " SELECT * FROM claimed ORDER BY enqueued_at, collection, id";
    private static final String REMOVE = "DELETE FROM repair_queue"
            + " WHERE collection = ? AND id = ? AND lease_token = ? AND generation = ?";
    /** Ends a lease, unless it ended already and another claim took the entry. */
    private static final String RELEASE = "UPDATE repair_queue SET lease_token = NULL, lease_until = NULL, due_at = ?"
            + " WHERE collection = ? AND id = ? AND lease_token = ?";
    private static final String RETRY_LATER = "UPDATE repair_queue SET lease_token = NULL, lease_until = NULL,"
            + " attempts = attempts + 1, due_at = ?, last_error = ? WHERE collection = ? AND id = ? AND lease_token = ?";
    private static final String DEPTH = "SELECT count(*) FROM repair_queue";
    private static final String COLLECTION_DEPTH = "SELECT count(*) FROM repair_queue WHERE collection = ?";
    private static final String OLDEST = "SELECT min(enqueued_at) FROM repair_queue";

    private final DataSource dataSource;
    private final Clock clock;

    public PostgresRepairQueue(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public void add(String collection, String id, String reason) {
        OffsetDateTime now = now();
        connected("add", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(ADD)) {
                statement.setString(1, collection);
                statement.setString(2, id);
                statement.setString(3, reason);
                statement.setObject(4, now);
                statement.setObject(5, now);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public List<RepairTask> claim(int max, Duration lease) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, but was " + max);
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, but was " + lease);
        }
        OffsetDateTime now = now();
        String token = UUID.randomUUID().toString();
        return connected("claim", connection -> {
            List<RepairTask> tasks = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(CLAIM)) {
                statement.setObject(1, now);
                statement.setObject(2, now);
                statement.setInt(3, max);
                statement.setString(4, token);
                statement.setObject(5, now.plus(lease));
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        tasks.add(new RepairTask(row.getString(1), row.getString(2), row.getString(3), row.getInt(4),
                                row.getObject(5, OffsetDateTime.class).toInstant(),
                                ClaimToken.of(row.getString(6), row.getLong(7))));
                    }
                }
            }
            return tasks;
        });
    }

    @Override
    public void done(RepairTask task) {
        ClaimToken claim = ClaimToken.parse(task.claimToken());
        OffsetDateTime now = now();
        connected("done", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(REMOVE)) {
                statement.setString(1, task.collection());
                statement.setString(2, task.id());
                statement.setString(3, claim.lease());
                statement.setLong(4, claim.generation());
                if (statement.executeUpdate() > 0) {
                    return 1;
                }
            }
            // Added again since the claim: the repair may have copied a state older than that
            // write, so the entry stays, due at once.
            try (PreparedStatement statement = connection.prepareStatement(RELEASE)) {
                statement.setObject(1, now);
                statement.setString(2, task.collection());
                statement.setString(3, task.id());
                statement.setString(4, claim.lease());
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public void retryLater(RepairTask task, Duration delay, String error) {
        ClaimToken claim = ClaimToken.parse(task.claimToken());
        OffsetDateTime due = now().plus(delay);
        connected("retryLater", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(RETRY_LATER)) {
                statement.setObject(1, due);
                statement.setString(2, error);
                statement.setString(3, task.collection());
                statement.setString(4, task.id());
                statement.setString(5, claim.lease());
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public long depth() {
        return connected("depth", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(DEPTH);
                    ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    @Override
    public long depth(String collection) {
        return connected("depth", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(COLLECTION_DEPTH)) {
                statement.setString(1, collection);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    @Override
    public Optional<Instant> oldest() {
        return connected("oldest", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(OLDEST);
                    ResultSet row = statement.executeQuery()) {
                row.next();
                return Optional.ofNullable(row.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
            }
        });
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private <T> T connected(String operation, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new PostgresStoreException(TABLE, operation, e);
        }
    }

    /** A claim as {@link RepairTask#claimToken()} carries it: {@code <lease token>:<generation>}. */
    private record ClaimToken(String lease, long generation) {

        static String of(String lease, long generation) {
            return lease + ":" + generation;
        }

        static ClaimToken parse(String token) {
            int colon = token.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("a claim token is <lease>:<generation>, but was '" + token
                        + "': pass the task as claim returned it");
            }
            try {
                return new ClaimToken(token.substring(0, colon), Long.parseLong(token.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a claim token ends in its generation, a number, but was '"
                        + token + "': pass the task as claim returned it", e);
            }
        }
    }

    /** Work on a connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
