package dev.cutover.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API's JSON form of a collection's documents: reads a client's JSON into a {@link Document},
 * checking every typed field and collecting every problem with the field's path, and writes a
 * document back as JSON: {@code id}, {@code version}, the typed fields in the collection's order,
 * then the unknown fields in sorted order.
 */
public final class DocumentCodec {

    /** Keys of the JSON form that are not fields: set by cutover, not by the body. */
    public static final String ID = "id";
    public static final String VERSION = "version";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private final CollectionSpec spec;

    public DocumentCodec(CollectionSpec spec) {
        this.spec = spec;
    }

    /** Whether a timestamp falls in years 1 to 9999, the range both stores hold exactly. */
    public static boolean withinYears(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    public CollectionSpec spec() {
        return spec;
    }

    /**
     * Reads a document from a client's JSON object. {@code id} and {@code version} keys of the
     * body are ignored: the caller supplies them.
     *
     * @throws DocumentException.Invalid listing every problem found
     */
    public Document fromJson(JsonNode body, String id, long version) {
        if (body == null || !body.isObject()) {
            throw new DocumentException.Invalid("body", "must be a JSON object, but was " + kind(body));
        }
        List<DocumentException.FieldError> errors = new ArrayList<>();
        Map<String, Object> fields = readFields(spec.fields(), body, "", errors);
        spec.children().ifPresent(children ->
                fields.put(children.field(), readElements(children, body.get(children.field()), errors)));
        Map<String, Object> extra = readExtra(body, knownKeys(), "", errors);
        for (List<String> group : spec.oneOfGroups()) {
            boolean alreadyReported = errors.stream().anyMatch(error -> group.contains(error.field()));
            if (!alreadyReported && group.stream().allMatch(name -> fields.get(name) == null)) {
                errors.add(new DocumentException.FieldError(String.join(" or ", group), "is required: give at least one"));
            }
        }
        if (!errors.isEmpty()) {
            throw new DocumentException.Invalid(errors);
        }
        return new Document(id, version, fields, extra);
    }

    /** The JSON form of a document. */
    public ObjectNode toJson(Document document) {
        ObjectNode node = NODES.objectNode();
        node.put(ID, document.id());
        node.put(VERSION, document.version());
        for (Field field : spec.fields()) {
            node.set(field.name(), JsonValues.toJson(document.get(field.name())));
        }
        spec.children().ifPresent(children -> {
            ArrayNode array = node.putArray(children.field());
            @SuppressWarnings("unchecked")
            List<Document.Element> elements = (List<Document.Element>) document.get(children.field());
            for (Document.Element element : elements == null ? List.<Document.Element>of() : elements) {
                array.add(elementToJson(children, element));
            }
        });
        new TreeMap<>(document.extra()).forEach((key, value) -> node.set(key, JsonValues.toJson(value)));
        return node;
    }

    /** The JSON form of one embedded element. */
    public ObjectNode elementToJson(CollectionSpec.ChildSpec children, Document.Element element) {
        ObjectNode object = NODES.objectNode();
        for (Field field : children.fields()) {
            object.set(field.name(), JsonValues.toJson(element.fields().get(field.name())));
        }
        new TreeMap<>(element.extra()).forEach((key, value) -> object.set(key, JsonValues.toJson(value)));
        return object;
    }

    /** Reads one embedded element (a message) from a client's JSON object. */
    public Document.Element elementFromJson(JsonNode body, String path) {
        CollectionSpec.ChildSpec children = spec.children().orElseThrow();
        List<DocumentException.FieldError> errors = new ArrayList<>();
        Document.Element element = readElement(children, body, path, errors);
        if (!errors.isEmpty()) {
            throw new DocumentException.Invalid(errors);
        }
        return element;
    }

    private List<String> knownKeys() {
        List<String> known = new ArrayList<>(List.of(ID, VERSION));
        spec.fields().forEach(f -> known.add(f.name()));
        spec.children().ifPresent(c -> known.add(c.field()));
        return known;
    }

    private List<Document.Element> readElements(CollectionSpec.ChildSpec children, JsonNode node,
            List<DocumentException.FieldError> errors) {
        List<Document.Element> elements = new ArrayList<>();
        if (node == null || node.isNull()) {
            return elements;
        }
        if (!node.isArray()) {
            errors.add(new DocumentException.FieldError(children.field(), "must be an array, but was " + kind(node)));
            return elements;
        }
        for (int i = 0; i < node.size(); i++) {
            elements.add(readElement(children, node.get(i), children.field() + "[" + i + "]", errors));
        }
        return elements;
    }

    private Document.Element readElement(CollectionSpec.ChildSpec children, JsonNode node, String path,
            List<DocumentException.FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new DocumentException.FieldError(path, "must be an object, but was " + kind(node)));
            return new Document.Element(Map.of(), Map.of());
        }
        List<String> known = children.fields().stream().map(Field::name).toList();
        return new Document.Element(readFields(children.fields(), node, path + ".", errors),
                readExtra(node, known, path + ".", errors));
    }

    private static Map<String, Object> readFields(List<Field> fields, JsonNode body, String prefix,
            List<DocumentException.FieldError> errors) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : fields) {
            values.put(field.name(), readField(field, body.get(field.name()), prefix + field.name(), errors));
        }
        return values;
    }

    private static Map<String, Object> readExtra(JsonNode body, List<String> known, String prefix,
            List<DocumentException.FieldError> errors) {
        Map<String, Object> extra = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = body.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String key = entry.getKey();
            if (known.contains(key)) {
                continue;
            }
            String path = prefix + key;
            if (CollectionSpec.RESERVED.contains(key) || key.startsWith(CollectionSpec.HIDDEN_PREFIX)) {
                errors.add(new DocumentException.FieldError(path, "is a reserved name"));
                continue;
            }
            String keyProblem = JsonValues.keyProblem(key);
            if (keyProblem != null) {
                errors.add(new DocumentException.FieldError(path, keyProblem));
                continue;
            }
            extra.put(key, JsonValues.fromJson(entry.getValue(), path, errors));
        }
        return extra;
    }

    /** A typed field's canonical value, or {@code null} after recording what is wrong with it. */
    static Object readField(Field field, JsonNode node, String path, List<DocumentException.FieldError> errors) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            if (field.mandatory() && field.defaultValue() == null) {
                errors.add(new DocumentException.FieldError(path, "is required"));
            }
            return field.defaultValue();
        }
        int before = errors.size();
        Object value = switch (field.type()) {
            case TEXT, CITEXT -> readText(field, node, path, errors);
            case INTEGER, BIGINT -> readInteger(field, node, path, errors);
            case BOOLEAN -> node.isBoolean() ? node.booleanValue() : wrongType(path, "true or false", node, errors);
            case TIMESTAMP -> readTimestamp(node, path, errors);
            case TEXT_ARRAY -> readTextArray(node, path, errors);
            case JSON -> JsonValues.fromJson(node, path, errors);
        };
        return errors.size() == before ? value : null;
    }

    private static Object readText(Field field, JsonNode node, String path, List<DocumentException.FieldError> errors) {
        if (!node.isTextual()) {
            return wrongType(path, "a string", node, errors);
        }
        String text = JsonValues.checkedText(node.textValue(), path, errors);
        if (text == null) {
            return null;
        }
        int characters = text.codePointCount(0, text.length());
        if (field.maxLength() > 0 && characters > field.maxLength()) {
            errors.add(new DocumentException.FieldError(path, "must be at most " + field.maxLength()
                    + " characters, but was " + characters));
        }
        if (!field.allowed().isEmpty() && !field.allowed().contains(text)) {
            errors.add(new DocumentException.FieldError(path, "must be one of " + new java.util.TreeSet<>(field.allowed())
                    + ", but was '" + abbreviate(text) + "'"));
        }
        if (field.mandatory() && text.isBlank()) {
            errors.add(new DocumentException.FieldError(path, "must not be blank"));
        }
        return text;
    }

    private static Object readInteger(Field field, JsonNode node, String path, List<DocumentException.FieldError> errors) {
        if (!node.isIntegralNumber()) {
            return wrongType(path, "a whole number", node, errors);
        }
        if (!node.canConvertToLong() || node.longValue() < field.min() || node.longValue() > field.max()) {
            errors.add(new DocumentException.FieldError(path, "must be between " + field.min() + " and " + field.max()
                    + ", but was " + node.asText()));
            return null;
        }
        return node.longValue();
    }

    private static Object readTimestamp(JsonNode node, String path, List<DocumentException.FieldError> errors) {
        String expectation = "an ISO-8601 timestamp with a zone, such as 2026-01-31T12:00:00Z";
        if (!node.isTextual()) {
            return wrongType(path, expectation, node, errors);
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new DocumentException.FieldError(path, "must be " + expectation + ", but was '"
                    + abbreviate(node.textValue()) + "'"));
            return null;
        }
        if (!withinYears(instant)) {
            errors.add(new DocumentException.FieldError(path, "must be between years 1 and 9999, but was '"
                    + abbreviate(node.textValue()) + "'"));
            return null;
        }
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    private static Object readTextArray(JsonNode node, String path, List<DocumentException.FieldError> errors) {
        if (!node.isArray()) {
            return wrongType(path, "an array of strings", node, errors);
        }
        List<String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                wrongType(path + "[" + i + "]", "a string", element, errors);
                continue;
            }
            values.add(JsonValues.checkedText(element.textValue(), path + "[" + i + "]", errors));
        }
        return values;
    }

    private static Object wrongType(String path, String expectation, JsonNode node,
            List<DocumentException.FieldError> errors) {
        errors.add(new DocumentException.FieldError(path, "must be " + expectation + ", but was " + kind(node)));
        return null;
    }

    /** What kind of JSON value a node is, in words. */
    static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
