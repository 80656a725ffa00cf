package dev.cutover.document;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Valid documents of any collection, made from its spec: every typed field with a value its
 * rules allow (optional ones sometimes absent), unknown fields of awkward shapes, and embedded
 * elements where the collection has them. Seeded, so a failure can be replayed.
 */
public final class SampleDocuments {

    private static final String[] WORDS = {"alpha", "Ünïcode", "中文", "emoji 🚀", "quote \"x\"", "back\\slash",
            "new\nline", "tab\tbed", "O'Brien", "<b>html</b>"};

    private final Random random;
    private long counter;

    public SampleDocuments(long seed) {
        this.random = new Random(seed);
    }

    /** A new valid document of {@code spec} at version 1. */
    public Document next(CollectionSpec spec) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Field field : spec.fields()) {
            fields.put(field.name(), value(field));
        }
        // Expiring documents live for a day unless a test says otherwise.
        spec.expiresField().ifPresent(field ->
                fields.put(field, Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS)));
        for (List<String> group : spec.oneOfGroups()) {
            Field first = spec.field(group.get(0)).orElseThrow();
            fields.put(first.name(), valueOf(first));
        }
        spec.children().ifPresent(children -> {
            List<Document.Element> elements = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                elements.add(element(children));
            }
            fields.put(children.field(), elements);
        });
        return new Document(DocumentIds.next(), 1, fields, extra());
    }

    /** An embedded element (a message) of the collection's children. */
    public Document.Element element(CollectionSpec.ChildSpec children) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Field field : children.fields()) {
            fields.put(field.name(), value(field));
        }
        return new Document.Element(fields, Map.of("client_tag", word()));
    }

    /** Unknown fields of shapes that trip naive mappings. */
    public Map<String, Object> extra() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("legacy_flag", random.nextBoolean());
        extra.put("nested_extra", Map.of("z", 1L, "a", List.of(1L, 2.5, "three", Map.of("deep", List.of()))));
        extra.put("ünïcode_key", word());
        extra.put("nothing", null);
        extra.put("big_number", Long.MAX_VALUE - random.nextInt(1000));
        extra.put("empty_object", Map.of());
        return extra;
    }

    private Object value(Field field) {
        boolean absent = !field.mandatory() && random.nextInt(4) == 0;
        if (absent) {
            return field.defaultValue();
        }
        return valueOf(field);
    }

    /** A value the field's rules allow; unique where uniqueness could matter. */
    public Object valueOf(Field field) {
        return switch (field.type()) {
            case TEXT -> field.allowed().isEmpty() ? text(field)
                    : new ArrayList<>(new java.util.TreeSet<>(field.allowed())).get(random.nextInt(field.allowed().size()));
            case CITEXT -> "Key-" + unique();
            case INTEGER -> Math.min(field.max(), Math.max(field.min(), counterValue()));
            case BIGINT -> Math.max(field.min(), counterValue() * 1_000_003L);
            case BOOLEAN -> random.nextBoolean();
            case TIMESTAMP -> timestamp();
            case TEXT_ARRAY -> List.of(word(), word() + unique());
            case JSON -> Map.of("kind", word(), "count", (long) random.nextInt(100), "ratio", 0.25,
                    "items", List.of(Map.of("name", word(), "on", true)));
        };
    }

    private String text(Field field) {
        String text = word() + " " + unique();
        return field.maxLength() > 0 && text.length() > field.maxLength() ? text.substring(0, field.maxLength()) : text;
    }

    private long counterValue() {
        return ++counter + random.nextInt(1000) * 1000L;
    }

    private String unique() {
        return Long.toString(++counter, 36) + Integer.toString(random.nextInt(1 << 20), 36);
    }

    private String word() {
        return WORDS[random.nextInt(WORDS.length)];
    }

    /** A timestamp at millisecond precision between 2020 and 2030. */
    public Instant timestamp() {
        long start = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
        long end = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
        return Instant.ofEpochMilli(start + (long) (random.nextDouble() * (end - start))).truncatedTo(ChronoUnit.MILLIS);
    }
}
