package dev.cutover.backfill;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The backfill's own tables ({@code db/migration/V5__backfill.sql}): each collection's progress
 * and the documents its current run rejected. {@link #advance} runs in the transaction that
 * writes the batch, so what is recorded is exactly what was committed.
 */
final class Checkpoints {

    /** Totals of one collection's run, and where it got to. */
    record Progress(MongoSource.Position position, Counts counts, boolean finished) {
    }

    /** One rejected document. */
    record Reject(String collection, String id, String reason, String document) {
    }

    private Checkpoints() {
    }

    static Optional<Progress> load(Connection connection, String collection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT id_kind, last_id, seen, inserted,"
                + " updated, unchanged, rejected, finished_at IS NOT NULL FROM backfill_progress WHERE collection = ?")) {
            statement.setString(1, collection);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                MongoSource.Position position = row.getString(1) == null ? MongoSource.Position.START
                        : new MongoSource.Position(MongoSource.IdRange.ofLabel(row.getString(1)), row.getString(2));
                return Optional.of(new Progress(position, new Counts(row.getLong(3), row.getLong(4), row.getLong(5),
                        row.getLong(6), row.getLong(7)), row.getBoolean(8)));
            }
        }
    }

    /** Starts a run of {@code collection} from the beginning, forgetting the last one and its rejects. */
    static void start(Connection connection, String collection, Instant now) throws SQLException {
        try (PreparedStatement forget = connection.prepareStatement("DELETE FROM backfill_rejects WHERE collection = ?");
                PreparedStatement start = connection.prepareStatement("INSERT INTO backfill_progress"
                        + " (collection, started_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (collection) DO UPDATE SET"
                        + " id_kind = NULL, last_id = NULL, seen = 0, inserted = 0, updated = 0, unchanged = 0,"
                        + " rejected = 0, seconds = 0, started_at = EXCLUDED.started_at,"
                        + " updated_at = EXCLUDED.updated_at, finished_at = NULL")) {
            forget.setString(1, collection);
            forget.executeUpdate();
            start.setString(1, collection);
            start.setTimestamp(2, Timestamp.from(now));
            start.setTimestamp(3, Timestamp.from(now));
            start.executeUpdate();
        }
    }

    /** Records a committed batch: its rejects, the totals it adds, and the position after it. */
    static void advance(Connection connection, String collection, MongoSource.Position position, Counts batch,
            List<Reject> rejects, double seconds, Instant now) throws SQLException {
        if (!rejects.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO backfill_rejects"
                    + " (collection, id, reason, document) VALUES (?, ?, ?, ?) ON CONFLICT (collection, id) DO UPDATE"
                    + " SET reason = EXCLUDED.reason, document = EXCLUDED.document")) {
                for (Reject reject : rejects) {
                    statement.setString(1, collection);
                    statement.setString(2, reject.id());
                    statement.setString(3, reject.reason());
                    statement.setString(4, reject.document());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement("UPDATE backfill_progress SET id_kind = ?,"
                + " last_id = ?, seen = seen + ?, inserted = inserted + ?, updated = updated + ?,"
                + " unchanged = unchanged + ?, rejected = rejected + ?, seconds = seconds + ?, updated_at = ?"
                + " WHERE collection = ?")) {
            statement.setString(1, position.range().label());
            statement.setString(2, position.last());
            statement.setLong(3, batch.seen());
            statement.setLong(4, batch.inserted());
            statement.setLong(5, batch.updated());
            statement.setLong(6, batch.unchanged());
            statement.setLong(7, batch.rejected());
            statement.setDouble(8, seconds);
            statement.setTimestamp(9, Timestamp.from(now));
            statement.setString(10, collection);
            if (statement.executeUpdate() != 1) {
                throw new SQLException("backfill_progress has no row for " + collection
                        + ": another backfill restarted it meanwhile");
            }
        }
    }

    static void finish(Connection connection, String collection, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE backfill_progress SET finished_at = ?, updated_at = ? WHERE collection = ?")) {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setTimestamp(2, Timestamp.from(now));
            statement.setString(3, collection);
            statement.executeUpdate();
        }
    }

    /** Hands every reject of these collections' current runs to {@code sink}, in collection and id order. */
    static void rejects(Connection connection, List<String> collections, Consumer<Reject> sink) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT collection, id, reason, document"
                + " FROM backfill_rejects WHERE collection = ANY(?) ORDER BY collection, id")) {
            statement.setArray(1, connection.createArrayOf("text", new ArrayList<>(collections).toArray()));
            statement.setFetchSize(500);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    sink.accept(new Reject(row.getString(1), row.getString(2), row.getString(3), row.getString(4)));
                }
            }
        }
    }
}
