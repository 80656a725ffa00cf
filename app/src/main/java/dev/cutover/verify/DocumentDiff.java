package dev.cutover.verify;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The field-level difference between MongoDB's and PostgreSQL's copy of one document. Both come
 * in the canonical form both repositories read ({@link Document}), so that equal content compares
 * equal: typed fields in their canonical Java types, timestamps at millisecond precision, JSON
 * objects compared by key whatever order their keys were stored in, and a typed field missing or
 * null in MongoDB read as its default, which PostgreSQL's column holds (it is NOT NULL wherever
 * there is a default). An unknown field that holds null still differs from one that is absent:
 * the client gets them back that way. The version is compared too: a copy at another version is
 * behind or ahead, even with the same content.
 */
public final class DocumentDiff {

    private DocumentDiff() {
    }

    /**
     * What differs, in the spec's field order, then the embedded elements, then unknown fields by
     * key; empty exactly when the two are equal.
     */
    public static List<Difference> between(CollectionSpec spec, Document mongo, Document postgres) {
        List<Difference> differences = new ArrayList<>();
        if (mongo.version() != postgres.version()) {
            differences.add(new Difference("version", mongo.version(), postgres.version()));
        }
        fields(spec.fields(), "", mongo.fields(), postgres.fields(), differences);
        spec.children().ifPresent(children -> elements(children, elementsOf(mongo, children),
                elementsOf(postgres, children), differences));
        values("extra", mongo.extra(), postgres.extra(), differences);
        return differences;
    }

    private static void fields(List<Field> fields, String prefix, Map<String, Object> mongo,
            Map<String, Object> postgres, List<Difference> differences) {
        for (Field field : fields) {
            values(prefix + field.name(), mongo.get(field.name()), postgres.get(field.name()), differences);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Document.Element> elementsOf(Document document, CollectionSpec.ChildSpec children) {
        Object elements = document.get(children.field());
        return elements == null ? List.of() : (List<Document.Element>) elements;
    }

    private static void elements(CollectionSpec.ChildSpec children, List<Document.Element> mongo,
            List<Document.Element> postgres, List<Difference> differences) {
        for (int i = 0; i < Math.max(mongo.size(), postgres.size()); i++) {
            String path = children.field() + "[" + i + "]";
            if (i >= mongo.size() || i >= postgres.size()) {
                differences.add(new Difference(path, i < mongo.size() ? asValue(mongo.get(i)) : Difference.ABSENT,
                        i < postgres.size() ? asValue(postgres.get(i)) : Difference.ABSENT));
                continue;
            }
            fields(children.fields(), path + ".", mongo.get(i).fields(), postgres.get(i).fields(), differences);
            values(path + ".extra", mongo.get(i).extra(), postgres.get(i).extra(), differences);
        }
    }

    /** An element as one value: its typed fields, and its unknown fields under {@code extra}. */
    private static Map<String, Object> asValue(Document.Element element) {
        Map<String, Object> value = new LinkedHashMap<>(element.fields());
        value.put("extra", element.extra());
        return value;
    }

    /** Adds the differences between two values at {@code path}, descending into objects and arrays. */
    private static void values(String path, Object mongo, Object postgres, List<Difference> differences) {
        if (Objects.equals(mongo, postgres)) {
            return;
        }
        if (mongo instanceof Map<?, ?> left && postgres instanceof Map<?, ?> right) {
            TreeSet<String> keys = new TreeSet<>();
            left.keySet().forEach(key -> keys.add(String.valueOf(key)));
            right.keySet().forEach(key -> keys.add(String.valueOf(key)));
            for (String key : keys) {
                values(path + "." + key, left.containsKey(key) ? left.get(key) : Difference.ABSENT,
                        right.containsKey(key) ? right.get(key) : Difference.ABSENT, differences);
            }
            return;
        }
        if (mongo instanceof List<?> left && postgres instanceof List<?> right) {
            for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
                values(path + "[" + i + "]", i < left.size() ? left.get(i) : Difference.ABSENT,
                        i < right.size() ? right.get(i) : Difference.ABSENT, differences);
            }
            return;
        }
        differences.add(new Difference(path, mongo, postgres));
    }
}
