package dev.cutover.verify;

import dev.cutover.document.postgres.PostgresStoreException;
import dev.cutover.state.CollectionStatusSource.DriftCheck;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The latest comparison of each collection, per source, kept in PostgreSQL's
 * {@code drift_reports} table (see {@code db/migration/V6__drift_reports.sql}) so that every
 * replica reports the same figures, whichever ran the comparison.
 */
public final class DriftReports {

    /** How many of the drifting ids a stored comparison keeps. */
    public static final int SAMPLE_IDS = 5;

    /** Who compared. */
    public enum Source {
        /** The service's scheduled reconciler. */
        RECONCILER,
        /** The {@code cutover verify} command. */
        VERIFY;

        /** The lower-case name, as stored. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String TABLE = "drift_reports";
    private static final String UPSERT = "INSERT INTO drift_reports (collection, source, checked_at, seconds,"
            + " mongo_documents, postgres_documents, missing_in_postgres, missing_in_mongo, differing, sample_ids)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (collection, source) DO UPDATE SET"
            + " checked_at = EXCLUDED.checked_at, seconds = EXCLUDED.seconds,"
            + " mongo_documents = EXCLUDED.mongo_documents, postgres_documents = EXCLUDED.postgres_documents,"
            + " missing_in_postgres = EXCLUDED.missing_in_postgres, missing_in_mongo = EXCLUDED.missing_in_mongo,"
            + " differing = EXCLUDED.differing, sample_ids = EXCLUDED.sample_ids";
    private static final String SELECT_ALL = "SELECT collection, source, checked_at, seconds, mongo_documents,"
            + " postgres_documents, missing_in_postgres, missing_in_mongo, differing, sample_ids FROM drift_reports";
    private static final String LATEST = "SELECT max(checked_at) FROM drift_reports WHERE source = ?";
    private static final String FORGET = "DELETE FROM drift_reports WHERE source = ? AND collection = ANY(?)";

    private final DataSource pool;

    /** @param pool plain connections (auto-commit) to the database holding the table */
    public DriftReports(DataSource pool) {
        this.pool = pool;
    }

    /** Stores a comparison as the latest of its collection by {@code source}. */
    public void record(Source source, CollectionReport report, Instant checkedAt) {
        connected("record", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
                statement.setString(1, report.collection());
                statement.setString(2, source.label());
                statement.setObject(3, OffsetDateTime.ofInstant(checkedAt, ZoneOffset.UTC));
                statement.setDouble(4, report.elapsed().toNanos() / 1e9);
                statement.setLong(5, report.mongo());
                statement.setLong(6, report.postgres());
                statement.setLong(7, report.count(Drift.MISSING_IN_POSTGRES));
                statement.setLong(8, report.count(Drift.MISSING_IN_MONGO));
                statement.setLong(9, report.count(Drift.DIFFERS));
                statement.setArray(10, connection.createArrayOf("text",
                        report.sampleIds().stream().limit(SAMPLE_IDS).toArray()));
                statement.executeUpdate();
            }
            return null;
        });
    }

    /** Every stored comparison, by collection and source, in one query. */
    public Map<String, Map<Source, DriftCheck>> all() {
        return connected("read", connection -> {
            Map<String, Map<Source, DriftCheck>> all = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(SELECT_ALL);
                    ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    Source source = Source.valueOf(row.getString(2).toUpperCase(Locale.ROOT));
                    all.computeIfAbsent(row.getString(1), name -> new EnumMap<>(Source.class))
                            .put(source, new DriftCheck(row.getObject(3, OffsetDateTime.class).toInstant(),
                                    Duration.ofNanos(Math.round(row.getDouble(4) * 1e9)), row.getLong(5),
                                    row.getLong(6), row.getLong(7), row.getLong(8), row.getLong(9),
                                    texts(row.getArray(10))));
                }
            }
            return all;
        });
    }

    /** When {@code source} last stored a comparison of any collection, if ever. */
    public Optional<Instant> latest(Source source) {
        return connected("read", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(LATEST)) {
                statement.setString(1, source.label());
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return Optional.ofNullable(row.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
                }
            }
        });
    }

    /** Removes what {@code source} stored about these collections. */
    public void forget(Source source, Collection<String> collections) {
        if (collections.isEmpty()) {
            return;
        }
        connected("forget", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(FORGET)) {
                statement.setString(1, source.label());
                statement.setArray(2, connection.createArrayOf("text", collections.toArray()));
                statement.executeUpdate();
            }
            return null;
        });
    }

    private static List<String> texts(Array array) throws SQLException {
        try {
            return Arrays.asList((String[]) array.getArray());
        } finally {
            array.free();
        }
    }

    private <T> T connected(String operation, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new PostgresStoreException(TABLE, operation, e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
