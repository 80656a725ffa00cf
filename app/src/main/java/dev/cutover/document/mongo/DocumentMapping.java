package dev.cutover.document.mongo;

import com.mongodb.DBRef;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentIds;
import dev.cutover.document.Field;
import dev.cutover.document.FieldType;
import dev.cutover.document.JsonValues;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.bson.types.Code;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.bson.types.Symbol;

/**
 * Converts between a {@link Document} and the MongoDB document that stores it.
 *
 * <p>Written shape: {@code _id} (an ObjectId when the id has that form, else the string),
 * {@code _version} (Int64), each non-null typed field under its name (Int64 for integers, dates
 * for timestamps, embedded documents for JSON), {@code _lower_<name>} beside every CITEXT field,
 * the embedded array of child elements, then the unknown fields as they are.
 *
 * <p>Read shape is tolerant of what the application wrote before cutover: a field may sit under
 * one of its legacy aliases (a dotted alias reaches into a nested document), a missing or null
 * field takes its default, numbers, dates, ObjectIds and DBRefs convert to the canonical types,
 * and a value of a type the field cannot hold is kept among the unknown fields, under the key it
 * was found at, rather than dropped.
 */
final class DocumentMapping {

    static final String ID = "_id";
    static final String VERSION = "_version";
    private static final String LOWER_PREFIX = CollectionSpec.HIDDEN_PREFIX;

    /** What a conversion returns for a stored value the field's type cannot hold. */
    private static final Object MISMATCH = new Object();

    private final CollectionSpec spec;

    DocumentMapping(CollectionSpec spec) {
        this.spec = spec;
    }

    /** The hidden field holding a CITEXT field's value in lower case, which its unique index covers. */
    static String lowerName(String field) {
        return LOWER_PREFIX + field;
    }

    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** The {@code _id} value an id is written as. */
    static Object storedId(String id) {
        return DocumentIds.isObjectId(id) ? new ObjectId(id) : id;
    }

    static String readId(Object stored) {
        return stored instanceof ObjectId objectId ? objectId.toHexString() : String.valueOf(stored);
    }

    /** A document's stored version; one written before cutover has none and is at version 0. */
    static long readVersion(org.bson.Document stored) {
        return stored.get(VERSION) instanceof Number number ? number.longValue() : 0;
    }

    /** The condition that a document is at this version; version 0 includes documents without one. */
    static Bson atVersion(long expected) {
        if (expected == DocumentRepository.ANY_VERSION) {
            return new BsonDocument();
        }
        if (expected == 0) {
            return Filters.or(Filters.eq(VERSION, 0L), Filters.exists(VERSION, false));
        }
        return Filters.eq(VERSION, expected);
    }

    /**
     * The condition that a document is below this version; one without a version (version 0) is
     * below every positive version.
     */
    static Bson belowVersion(long version) {
        return version > 0 ? Filters.or(Filters.lt(VERSION, version), Filters.eq(VERSION, null))
                : Filters.lt(VERSION, version);
    }

    /** The condition that a typed field equals a canonical value; CITEXT fields ignore case. */
    Bson equalTo(String fieldName, Object value) {
        Field field = spec.field(fieldName).orElseThrow(() ->
                new IllegalArgumentException(spec.name() + " has no field '" + fieldName + "' to query"));
        if (field.type() == FieldType.CITEXT) {
            return Filters.eq(lowerName(field.name()), lower(textValue(field, value)));
        }
        return Filters.eq(field.name(), storedValue(field, value));
    }

    // Writing -----------------------------------------------------------------------------------

    org.bson.Document toBson(Document document) {
        org.bson.Document stored = new org.bson.Document(ID, storedId(document.id()))
                .append(VERSION, document.version());
        writeFields(spec.fields(), document.fields(), document.extra(), stored);
        for (Field field : spec.fields()) {
            if (field.type() == FieldType.CITEXT && document.get(field.name()) != null) {
                stored.put(lowerName(field.name()), lower(textValue(field, document.get(field.name()))));
            }
        }
        spec.children().ifPresent(children -> {
            Object elements = document.get(children.field());
            List<Object> array = new ArrayList<>();
            if (elements instanceof List<?> list) {
                for (Object element : list) {
                    array.add(elementToBson(children, (Document.Element) element));
                }
            }
            // An unknown field of that name holds a legacy value that was not an array of objects.
            if (!array.isEmpty() || !document.extra().containsKey(children.field())) {
                stored.put(children.field(), array);
            }
        });
        writeExtra(document.extra(), stored);
        return stored;
    }

    private org.bson.Document elementToBson(CollectionSpec.ChildSpec children, Document.Element element) {
        org.bson.Document stored = new org.bson.Document();
        writeFields(children.fields(), element.fields(), element.extra(), stored);
        writeExtra(element.extra(), stored);
        return stored;
    }

    private void writeFields(List<Field> fields, Map<String, Object> values, Map<String, Object> extra,
            org.bson.Document stored) {
        for (Field field : fields) {
            Object value = values.get(field.name());
            if (value != null) {
                stored.put(field.name(), storedValue(field, value));
            } else if (field.aliases().stream().anyMatch(alias -> present(extra, alias))) {
                // An explicit null, so that reading takes the field from its own name and leaves the
                // unknown field that shares a legacy name in the unknown fields.
                stored.put(field.name(), null);
            }
            // Otherwise omitted: sparse unique indexes then ignore the document.
        }
    }

    /** Unknown fields never overwrite a typed or hidden field of the same name. */
    private static void writeExtra(Map<String, Object> extra, org.bson.Document stored) {
        extra.forEach((key, value) -> stored.putIfAbsent(key, json(value)));
    }

    private Object storedValue(Field field, Object value) {
        return switch (field.type()) {
            case TEXT, CITEXT -> textValue(field, value);
            case INTEGER, BIGINT -> ((Number) expect(field, value, Number.class)).longValue();
            case BOOLEAN -> expect(field, value, Boolean.class);
            case TIMESTAMP -> Date.from((Instant) expect(field, value, Instant.class));
            case TEXT_ARRAY -> new ArrayList<>((List<?>) expect(field, value, List.class));
            case JSON -> json(value);
        };
    }

    private String textValue(Field field, Object value) {
        return (String) expect(field, value, String.class);
    }

    private Object expect(Field field, Object value, Class<?> type) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(spec.name() + "." + field.name() + " must hold a "
                    + type.getSimpleName() + ", but held a " + value.getClass().getName());
        }
        return value;
    }

    /** A canonical JSON value as BSON: objects as embedded documents, integers as Int64. */
    private static Object json(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Instant instant) {
            return Date.from(instant);
        }
        if (value instanceof Map<?, ?> map) {
            org.bson.Document embedded = new org.bson.Document();
            map.forEach((key, child) -> embedded.put(String.valueOf(key), json(child)));
            return embedded;
        }
        if (value instanceof List<?> list) {
            List<Object> array = new ArrayList<>(list.size());
            list.forEach(child -> array.add(json(child)));
            return array;
        }
        throw new IllegalArgumentException("not a canonical JSON value: " + value.getClass().getName());
    }

    // Reading -----------------------------------------------------------------------------------

    Document fromBson(org.bson.Document stored) {
        Map<String, Object> rest = new LinkedHashMap<>(stored);
        rest.remove(ID);
        rest.remove(VERSION);
        spec.fields().stream()
                .filter(field -> field.type() == FieldType.CITEXT)
                .forEach(field -> rest.remove(lowerName(field.name())));
        Map<String, Object> fields = readFields(spec.fields(), rest);
        fillRecordTimes(fields, stored.get(ID));
        spec.children().ifPresent(children -> fields.put(children.field(), readElements(children, rest)));
        return new Document(readId(stored.get(ID)), readVersion(stored), fields, extra(rest));
    }

    /**
     * Documents written before cutover may lack their record times: a missing creation time (an
     * event's timestamp) is the one an ObjectId {@code _id} carries, to the second, and a missing
     * update time is the creation time. Every read derives them alike, so both stores agree.
     */
    private void fillRecordTimes(Map<String, Object> fields, Object id) {
        String created = spec.isEventLog() ? CollectionSpec.TIMESTAMP : CollectionSpec.CREATED_AT;
        if (fields.get(created) == null && id instanceof ObjectId objectId) {
            fields.put(created, Instant.ofEpochSecond(objectId.getTimestamp()));
        }
        if (!spec.isEventLog() && fields.get(CollectionSpec.UPDATED_AT) == null) {
            fields.put(CollectionSpec.UPDATED_AT, fields.get(CollectionSpec.CREATED_AT));
        }
    }

    private List<Document.Element> readElements(CollectionSpec.ChildSpec children, Map<String, Object> rest) {
        Object stored = rest.get(children.field());
        List<Document.Element> elements = new ArrayList<>();
        if (stored instanceof List<?> list && list.stream().allMatch(Map.class::isInstance)) {
            for (Object element : list) {
                Map<String, Object> elementRest = new LinkedHashMap<>();
                ((Map<?, ?>) element).forEach((key, value) -> elementRest.put(String.valueOf(key), value));
                Map<String, Object> elementFields = readFields(children.fields(), elementRest);
                elements.add(new Document.Element(elementFields, extra(elementRest)));
            }
            rest.remove(children.field());
        } else if (stored == null) {
            rest.remove(children.field());
        }
        return elements;
    }

    private static Map<String, Object> readFields(List<Field> fields, Map<String, Object> rest) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : fields) {
            values.put(field.name(), take(field, rest));
        }
        return values;
    }

    private static Map<String, Object> extra(Map<String, Object> rest) {
        Map<String, Object> extra = new LinkedHashMap<>();
        rest.forEach((key, value) -> extra.put(key, canonicalJson(value)));
        return extra;
    }

    /**
     * The field's canonical value, taken from its name or else from the first of its aliases
     * present, and removed from {@code rest}; its default when absent or null. A value the field
     * cannot hold stays in {@code rest}, to be kept as an unknown field.
     */
    static Object take(Field field, Map<String, Object> rest) {
        Optional<String> path = source(field, rest);
        if (path.isEmpty()) {
            return field.defaultValue();
        }
        Object stored = valueAt(rest, path.get());
        Object value = stored == null ? null : convert(field, stored);
        if (value == MISMATCH) {
            return field.defaultValue();
        }
        remove(rest, path.get().split("\\."), 0);
        return value == null ? field.defaultValue() : value;
    }

    /** Where a stored document holds a field: under its name, or else the first of its aliases present. */
    private static Optional<String> source(Field field, Map<String, Object> stored) {
        // A loop, not a stream: this runs for every field of every document read.
        if (stored.containsKey(field.name())) {
            return Optional.of(field.name());
        }
        for (String alias : field.aliases()) {
            if (present(stored, alias)) {
                return Optional.of(alias);
            }
        }
        return Optional.empty();
    }

    /**
     * The updates that move these fields of a document written before cutover from their legacy
     * aliases to their names, and add the lower-case copies of CITEXT fields, so that indexes and
     * queries on the names see it. Reading the updated document gives the same {@link Document}.
     * Empty when there is nothing to move; values of the wrong type stay where they are.
     */
    List<Bson> normalize(List<Field> fields, org.bson.Document stored) {
        Map<String, Object> working = new LinkedHashMap<>(stored);
        // Top-level key to its new value, or to empty for removal.
        Map<String, Optional<Object>> changes = new LinkedHashMap<>();
        for (Field field : fields) {
            Optional<String> path = source(field, working);
            Object raw = path.map(found -> valueAt(working, found)).orElse(null);
            Object value = raw == null ? null : convert(field, raw);
            if (value == null || value == MISMATCH) {
                continue;
            }
            if (!path.get().equals(field.name())) {
                String[] parts = path.get().split("\\.");
                remove(working, parts, 0);
                changes.put(parts[0], Optional.ofNullable(working.get(parts[0])));
                Object written = storedValue(field, value);
                working.put(field.name(), written);
                changes.put(field.name(), Optional.of(written));
            }
            String lower = lowerName(field.name());
            if (field.type() == FieldType.CITEXT && !working.containsKey(lower)) {
                changes.put(lower, Optional.of(lower((String) value)));
            }
        }
        List<Bson> updates = new ArrayList<>();
        changes.forEach((key, value) -> updates.add(value.isPresent() ? Updates.set(key, value.get()) : Updates.unset(key)));
        return updates;
    }

    /** Whether a (dotted) path names a member of {@code map}, even one holding null. */
    private static boolean present(Map<?, ?> map, String path) {
        if (path.indexOf('.') < 0) {
            return map.containsKey(path);
        }
        Object node = map;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> current) || !current.containsKey(part)) {
                return false;
            }
            node = current.get(part);
        }
        return true;
    }

    private static Object valueAt(Map<?, ?> map, String path) {
        Object node = map;
        for (String part : path.split("\\.")) {
            node = ((Map<?, ?>) node).get(part);
        }
        return node;
    }

    /** Removes the member at {@code parts}, copying the nested documents on the way so the rest stays. */
    private static void remove(Map<String, Object> map, String[] parts, int index) {
        if (index == parts.length - 1) {
            map.remove(parts[index]);
            return;
        }
        Map<String, Object> child = new LinkedHashMap<>();
        ((Map<?, ?>) map.get(parts[index])).forEach((key, value) -> child.put(String.valueOf(key), value));
        remove(child, parts, index + 1);
        if (child.isEmpty()) {
            map.remove(parts[index]);
        } else {
            map.put(parts[index], child);
        }
    }

    private static Object convert(Field field, Object stored) {
        return switch (field.type()) {
            case TEXT, CITEXT -> text(stored);
            case INTEGER -> integral(stored, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT -> integral(stored, Long.MIN_VALUE, Long.MAX_VALUE);
            case BOOLEAN -> stored instanceof Boolean ? stored : MISMATCH;
            case TIMESTAMP -> timestamp(stored);
            case TEXT_ARRAY -> textArray(stored);
            case JSON -> canonicalJson(stored);
        };
    }

    /** Text; legacy references (an ObjectId, a DBRef) become the referenced id's text. */
    private static Object text(Object stored) {
        if (stored instanceof String text) {
            return text;
        }
        if (stored instanceof ObjectId objectId) {
            return objectId.toHexString();
        }
        if (stored instanceof DBRef reference) {
            return text(reference.getId());
        }
        if (stored instanceof Symbol symbol) {
            return symbol.getSymbol();
        }
        return MISMATCH;
    }

    private static Object textArray(Object stored) {
        if (!(stored instanceof List<?> list)) {
            return MISMATCH;
        }
        List<String> texts = new ArrayList<>(list.size());
        for (Object element : list) {
            Object text = element == null ? MISMATCH : text(element);
            if (text == MISMATCH) {
                return MISMATCH;
            }
            texts.add((String) text);
        }
        return texts;
    }

    /** Int32, Int64, and doubles or decimals holding a whole number in range, as a Long. */
    private static Object integral(Object stored, long min, long max) {
        Long value = null;
        if (stored instanceof Integer || stored instanceof Long || stored instanceof Short || stored instanceof Byte) {
            value = ((Number) stored).longValue();
        } else if (stored instanceof Double || stored instanceof Float) {
            double number = ((Number) stored).doubleValue();
            if (number == Math.rint(number) && Math.abs(number) < 0x1p63) {
                value = (long) number;
            }
        } else if (stored instanceof Decimal128 decimal && decimal.isFinite()) {
            value = wholeNumber(exactDecimal(decimal));
        }
        return value == null || value < min || value > max ? MISMATCH : value;
    }

    private static Long wholeNumber(BigDecimal decimal) {
        try {
            return decimal.longValueExact();
        } catch (ArithmeticException notWholeOrOutOfRange) {
            return null;
        }
    }

    /** A BSON date, a BSON timestamp, or ISO-8601 text (with or without a zone: UTC then). */
    private static Object timestamp(Object stored) {
        Instant instant = null;
        if (stored instanceof Date date) {
            instant = date.toInstant();
        } else if (stored instanceof BsonTimestamp timestamp) {
            instant = Instant.ofEpochSecond(timestamp.getTime());
        } else if (stored instanceof String text) {
            instant = parseTimestamp(text).orElse(null);
        }
        return instant == null ? MISMATCH : instant.truncatedTo(ChronoUnit.MILLIS);
    }

    private static Optional<Instant> parseTimestamp(String text) {
        // Python's str(datetime) separates date and time with a space.
        String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        try {
            return Optional.of(OffsetDateTime.parse(iso).toInstant());
        } catch (DateTimeParseException withoutZone) {
            try {
                return Optional.of(LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notATimestamp) {
                return Optional.empty();
            }
        }
    }

    /** The canonical JSON form of any stored value, BSON-specific types included. */
    private static Object canonicalJson(Object stored) {
        return JsonValues.canonical(plain(stored));
    }

    /**
     * BSON-specific values as the plain Java values {@link JsonValues#canonical} knows: exact
     * decimals, binary data as base64 text, a DBRef as the referenced id, non-finite numbers as
     * text (JSON has no NaN).
     */
    private static Object plain(Object stored) {
        if (stored instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(key), plain(value)));
            return copy;
        }
        if (stored instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(value -> copy.add(plain(value)));
            return copy;
        }
        if (stored instanceof Decimal128 decimal) {
            return decimal.isFinite() ? exactDecimal(decimal) : decimal.toString();
        }
        if (stored instanceof Double number && !Double.isFinite(number)) {
            return number.toString();
        }
        if (stored instanceof Binary binary) {
            return Base64.getEncoder().encodeToString(binary.getData());
        }
        if (stored instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (stored instanceof DBRef reference) {
            return plain(reference.getId());
        }
        if (stored instanceof BsonTimestamp timestamp) {
            return Instant.ofEpochSecond(timestamp.getTime());
        }
        if (stored instanceof Symbol symbol) {
            return symbol.getSymbol();
        }
        if (stored instanceof Code code) {
            return code.getCode();
        }
        if (stored instanceof BsonUndefined) {
            return null;
        }
        return stored;
    }

    /** A finite decimal's exact value; through its text, as bigDecimalValue() refuses -0. */
    private static BigDecimal exactDecimal(Decimal128 decimal) {
        return new BigDecimal(decimal.toString());
    }
}
