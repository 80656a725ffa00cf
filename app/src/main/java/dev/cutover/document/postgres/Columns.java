package dev.cutover.document.postgres;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.cutover.document.Field;
import dev.cutover.document.FieldType;
import dev.cutover.document.JsonValues;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a typed field's canonical value (see {@link FieldType}) goes into its PostgreSQL column
 * and comes back out, and the SQL text naming columns and parameters.
 */
final class Columns {

    /**
     * Reads whole numbers as Integer, Long or BigInteger by size, for {@link JsonValues#canonical}
     * to widen: with {@code USE_LONG_FOR_INTS}, Jackson refuses a whole number beyond 64 bits
     * (JSONB prints 1e30 as 31 digits), and the whole document could not be read.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new SimpleModule().addSerializer(Double.class, new PlainDoubleSerializer()))
            .build();

    private Columns() {
    }

    /** A quoted identifier: field names are snake_case, but some (timestamp, key) are SQL keywords. */
    static String quote(String identifier) {
        return '"' + identifier + '"';
    }

    /** The quoted names, comma-separated. */
    static String list(List<String> identifiers) {
        return identifiers.stream().map(Columns::quote).collect(Collectors.joining(", "));
    }

    /** The parameter marker for a value of {@code type}, cast where the driver's type would not do. */
    static String placeholder(FieldType type) {
        return switch (type) {
            // A plain text parameter would turn "citext = text" into a case-sensitive text comparison.
            case CITEXT -> "?::citext";
            case JSON -> "?::jsonb";
            default -> "?";
        };
    }

    /**
     * The parameter marker for a value of {@code type}, always cast to the column's type: where no
     * target column types a parameter (a SELECT list), a null the driver sends untyped would
     * otherwise be taken for text.
     */
    static String typedPlaceholder(FieldType type) {
        return "?::" + type.columnType();
    }

    /** The fields' parameter markers, comma-separated. */
    static String placeholders(List<Field> fields) {
        return fields.stream().map(field -> placeholder(field.type())).collect(Collectors.joining(", "));
    }

    /** {@code "column" = ?}, with the parameter marker of the field's type. */
    static String equality(Field field) {
        return quote(field.column()) + " = " + placeholder(field.type());
    }

    /** Binds each field's value from {@code values} in order, from {@code index}; returns the next index. */
    static int bindAll(PreparedStatement statement, int index, List<Field> fields, Map<String, Object> values)
            throws SQLException {
        int next = index;
        for (Field field : fields) {
            bind(statement, next++, field.type(), values.get(field.name()));
        }
        return next;
    }

    /** Reads the fields' values in order from {@code index}, by field name, in field order. */
    static Map<String, Object> readAll(ResultSet row, int index, List<Field> fields) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>();
        int next = index;
        for (Field field : fields) {
            values.put(field.name(), read(row, next++, field.type()));
        }
        return values;
    }

    static void bind(PreparedStatement statement, int index, FieldType type, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, sqlType(type));
            return;
        }
        switch (type) {
            case TEXT, CITEXT -> statement.setString(index, (String) value);
            case INTEGER, BIGINT -> statement.setLong(index, (Long) value);
            case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
            case TIMESTAMP -> statement.setObject(index, OffsetDateTime.ofInstant((Instant) value, ZoneOffset.UTC));
            case TEXT_ARRAY -> statement.setArray(index,
                    statement.getConnection().createArrayOf("text", ((List<?>) value).toArray()));
            case JSON -> statement.setString(index, writeJson(value));
        }
    }

    static Object read(ResultSet row, int index, FieldType type) throws SQLException {
        return switch (type) {
            case TEXT, CITEXT -> row.getString(index);
            case INTEGER, BIGINT -> {
                long value = row.getLong(index);
                yield row.wasNull() ? null : value;
            }
            case BOOLEAN -> {
                boolean value = row.getBoolean(index);
                yield row.wasNull() ? null : value;
            }
            case TIMESTAMP -> {
                OffsetDateTime value = row.getObject(index, OffsetDateTime.class);
                yield value == null ? null : value.toInstant().truncatedTo(ChronoUnit.MILLIS);
            }
            case TEXT_ARRAY -> readTextArray(row.getArray(index));
            case JSON -> {
                String json = row.getString(index);
                yield json == null ? null : readJson(json);
            }
        };
    }

    /** Binds unknown fields as a JSONB object (the parameter marker is {@code ?::jsonb}). */
    static void bindExtra(PreparedStatement statement, int index, Map<String, Object> extra) throws SQLException {
        statement.setString(index, writeJson(extra));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readExtra(ResultSet row, int index) throws SQLException {
        return (Map<String, Object>) readJson(row.getString(index));
    }

    private static List<String> readTextArray(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        try {
            return Collections.unmodifiableList(Arrays.asList((String[]) array.getArray()));
        } finally {
            array.free();
        }
    }

    private static int sqlType(FieldType type) {
        return switch (type) {
            case TEXT, CITEXT, JSON -> Types.VARCHAR;
            case INTEGER -> Types.INTEGER;
            case BIGINT -> Types.BIGINT;
            case BOOLEAN -> Types.BOOLEAN;
            case TIMESTAMP -> Types.TIMESTAMP_WITH_TIMEZONE;
            case TEXT_ARRAY -> Types.ARRAY;
        };
    }

    /** A canonical JSON value as the JSON text its JSONB column receives. */
    static String writeJson(Object canonical) {
        try {
            return JSON.writeValueAsString(canonical);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a canonical JSON value: " + canonical.getClass().getName(), e);
        }
    }

    private static Object readJson(String json) {
        try {
            return JsonValues.canonical(JSON.readValue(json, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("PostgreSQL returned JSON that does not parse", e);
        }
    }

    /**
     * Writes a double in plain notation that keeps a fraction. JSONB holds numbers as NUMERIC and
     * prints {@code 1.0E18} back as {@code 1000000000000000000}, which would read back as a Long;
     * {@code 1000000000000000000.0} reads back as the Double it was.
     */
    private static final class PlainDoubleSerializer extends StdSerializer<Double> {

        PlainDoubleSerializer() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            BigDecimal decimal = BigDecimal.valueOf(value);
            generator.writeNumber((decimal.scale() > 0 ? decimal : decimal.setScale(1)).toPlainString());
        }
    }
}
