package dev.cutover.document.postgres;

import dev.cutover.document.FieldType;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Test code's window on {@link Columns}: how a canonical value goes into its PostgreSQL column,
 * for tools that write rows themselves (the backfill benchmark's baselines).
 */
public final class ColumnValues {

    private ColumnValues() {
    }

    public static String quote(String identifier) {
        return Columns.quote(identifier);
    }

    public static String placeholder(FieldType type) {
        return Columns.placeholder(type);
    }

    public static void bind(PreparedStatement statement, int index, FieldType type, Object value)
            throws SQLException {
        Columns.bind(statement, index, type, value);
    }

    /** A canonical JSON value (a JSON field or the unknown fields) as the text its JSONB column receives. */
    public static String json(Object canonical) {
        return Columns.writeJson(canonical);
    }
}
