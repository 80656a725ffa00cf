package dev.cutover.document;

import java.util.List;
import java.util.Set;

/**
 * One typed field of a collection: its name in the API and in MongoDB, its PostgreSQL column,
 * and the rules a value must follow. Built with the static factories and {@code with} methods:
 * {@code Field.text("name").required().maxLength(200)}.
 *
 * @param name      the field's name in the API and in MongoDB documents (snake_case)
 * @param type      its type
 * @param mandatory whether a document must have a non-null value (set with {@link #required()})
 * @param defaultValue the value an absent optional field takes, in canonical form, or {@code null}
 * @param allowed   the only values allowed (TEXT fields), empty for any
 * @param maxLength the longest a TEXT value may be, in characters; 0 for no limit
 * @param min       the smallest INTEGER or BIGINT allowed
 * @param max       the largest INTEGER or BIGINT allowed
 * @param aliases   other names the field has in legacy MongoDB documents, read but never written
 */
public record Field(
        String name,
        FieldType type,
        boolean mandatory,
        Object defaultValue,
        Set<String> allowed,
        int maxLength,
        long min,
        long max,
        List<String> aliases) {

    public Field {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("field name must be snake_case, but was '" + name + "'");
        }
        allowed = Set.copyOf(allowed);
        aliases = List.copyOf(aliases);
    }

    private static Field of(String name, FieldType type, long min, long max) {
        return new Field(name, type, false, null, Set.of(), 0, min, max, List.of());
    }

    public static Field text(String name) {
        return of(name, FieldType.TEXT, 0, 0);
    }

    public static Field citext(String name) {
        return of(name, FieldType.CITEXT, 0, 0);
    }

    public static Field integer(String name) {
        return of(name, FieldType.INTEGER, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public static Field bigint(String name) {
        return of(name, FieldType.BIGINT, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public static Field bool(String name) {
        return of(name, FieldType.BOOLEAN, 0, 0);
    }

    public static Field timestamp(String name) {
        return of(name, FieldType.TIMESTAMP, 0, 0);
    }

    public static Field textArray(String name) {
        return of(name, FieldType.TEXT_ARRAY, 0, 0).withDefault(List.of());
    }

    public static Field json(String name) {
        return of(name, FieldType.JSON, 0, 0);
    }

    public Field required() {
        return new Field(name, type, true, defaultValue, allowed, maxLength, min, max, aliases);
    }

    public Field withDefault(Object value) {
        return new Field(name, type, mandatory, value, allowed, maxLength, min, max, aliases);
    }

    public Field oneOf(String... values) {
        return new Field(name, type, mandatory, defaultValue, Set.of(values), maxLength, min, max, aliases);
    }

    public Field maxLength(int characters) {
        return new Field(name, type, mandatory, defaultValue, allowed, characters, min, max, aliases);
    }

    public Field range(long smallest, long largest) {
        return new Field(name, type, mandatory, defaultValue, allowed, maxLength, smallest, largest, aliases);
    }

    public Field nonNegative() {
        return range(0, max);
    }

    public Field alias(String... legacyNames) {
        return new Field(name, type, mandatory, defaultValue, allowed, maxLength, min, max, List.of(legacyNames));
    }

    /** The PostgreSQL column holding this field: its name. */
    public String column() {
        return name;
    }
}
