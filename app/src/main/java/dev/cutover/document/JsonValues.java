package dev.cutover.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Free-form JSON values (JSON fields, unknown fields) in their canonical Java form: objects as
 * maps with keys in sorted order, arrays as lists, integers as {@link Long}, other numbers as
 * finite {@link Double}, strings, booleans and {@code null}. Both stores read back to this form,
 * so the same document compares equal and prints the same whichever store it came from.
 */
public final class JsonValues {

    /** How deep objects and arrays may nest inside one field. */
    public static final int MAX_DEPTH = 32;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private JsonValues() {
    }

    /**
     * The canonical form of a client's JSON value, or {@code null} after recording why it cannot
     * be stored: a NUL character, a key MongoDB cannot hold, a number beyond 64 bits or not
     * finite, or nesting deeper than {@link #MAX_DEPTH}.
     */
    public static Object fromJson(JsonNode node, String path, List<DocumentException.FieldError> errors) {
        return fromJson(node, path, errors, 0);
    }

    private static Object fromJson(JsonNode node, String path, List<DocumentException.FieldError> errors, int depth) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if ((node.isObject() || node.isArray()) && depth >= MAX_DEPTH) {
            errors.add(new DocumentException.FieldError(path, "nests deeper than " + MAX_DEPTH + " levels"));
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String childPath = path + "." + entry.getKey();
                String keyProblem = keyProblem(entry.getKey());
                if (keyProblem != null) {
                    errors.add(new DocumentException.FieldError(childPath, keyProblem));
                    continue;
                }
                map.put(entry.getKey(), fromJson(entry.getValue(), childPath, errors, depth + 1));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                list.add(fromJson(node.get(i), path + "[" + i + "]", errors, depth + 1));
            }
            return list;
        }
        if (node.isTextual()) {
            return checkedText(node.textValue(), path, errors);
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                errors.add(new DocumentException.FieldError(path,
                        "is a number beyond the 64-bit integer range, which MongoDB cannot store exactly"));
                return null;
            }
            return node.longValue();
        }
        if (node.isNumber()) {
            double value = node.doubleValue();
            if (!Double.isFinite(value)) {
                errors.add(new DocumentException.FieldError(path, "is a number too large to store"));
                return null;
            }
            return withoutNegativeZero(value);
        }
        errors.add(new DocumentException.FieldError(path, "has a value JSON cannot carry"));
        return null;
    }

    /** A string if it can be stored in both stores, else {@code null} with the reason recorded. */
    public static String checkedText(String text, String path, List<DocumentException.FieldError> errors) {
        if (text.indexOf('\u0000') >= 0) {
            errors.add(new DocumentException.FieldError(path,
                    "contains a NUL character (\\u0000), which PostgreSQL cannot store in text"));
            return null;
        }
        if (hasLoneSurrogate(text)) {
            errors.add(new DocumentException.FieldError(path,
                    "contains an unpaired UTF-16 surrogate, which PostgreSQL would store as '?'"));
            return null;
        }
        return text;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL's NUMERIC has no negative zero, so -0.0 is held as 0.0 in both stores. */
    private static double withoutNegativeZero(double value) {
        return value == 0.0 ? 0.0 : value;
    }

    /** Why a key cannot be stored, or {@code null} if it can. */
    public static String keyProblem(String key) {
        if (key.isEmpty()) {
            return "is an empty key, which MongoDB cannot store";
        }
        if (key.startsWith("$")) {
            return "is a key starting with '$', which MongoDB reserves for operators";
        }
        if (key.contains(".")) {
            return "is a key containing '.', which MongoDB reads as a path";
        }
        if (hasLoneSurrogate(key)) {
            return "is a key containing an unpaired UTF-16 surrogate, which PostgreSQL would store as '?'";
        }
        if (key.indexOf('\u0000') >= 0) {
            return "is a key containing a NUL character (\\u0000), which neither store can hold";
        }
        return null;
    }

    /** The JSON form of a canonical value (maps print their keys sorted). */
    public static JsonNode toJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Long number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Double number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Instant instant) {
            return NODES.textNode(formatTimestamp(instant));
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            new TreeMap<>(map).forEach((key, child) -> object.set(String.valueOf(key), toJson(child)));
            return object;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(child -> array.add(toJson(child)));
            return array;
        }
        throw new IllegalArgumentException("not a canonical JSON value: " + value.getClass().getName());
    }

    /**
     * The canonical form of a value read from a store's driver: numbers widened to Long or
     * Double, dates to ISO-8601 text, maps sorted, and any other type (an ObjectId, say) as its
     * text form.
     */
    public static Object canonical(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big.doubleValue();
        }
        if (value instanceof BigDecimal decimal) {
            return canonicalDecimal(decimal);
        }
        if (value instanceof Number number) {
            return withoutNegativeZero(number.doubleValue());
        }
        if (value instanceof Date date) {
            return formatTimestamp(date.toInstant());
        }
        if (value instanceof Instant instant) {
            return formatTimestamp(instant);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, child) -> sorted.put(String.valueOf(key), canonical(child)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(child -> copy.add(canonical(child)));
            return copy;
        }
        return value.toString();
    }

    private static Object canonicalDecimal(BigDecimal decimal) {
        if (decimal.scale() <= 0) {
            try {
                return decimal.longValueExact();
            } catch (ArithmeticException e) {
                return decimal.doubleValue();
            }
        }
        return decimal.doubleValue();
    }

    /** ISO-8601 in UTC with exactly three fraction digits: MongoDB's precision. */
    public static String formatTimestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }
}
