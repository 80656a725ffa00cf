package dev.cutover.benchmark;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Field;
import java.util.Map;

/**
 * A stored document as the application wrote it before cutover: no {@code _version}, no
 * lower-case copies of keys, and every field that has legacy names under the first of them
 * ({@link Field#aliases()}), a dotted one as a nested document ({@code agent_preferences.pinned}).
 */
final class LegacyShape {

    private LegacyShape() {
    }

    static org.bson.Document of(CollectionSpec spec, org.bson.Document stored) {
        org.bson.Document legacy = new org.bson.Document();
        for (Map.Entry<String, Object> entry : stored.entrySet()) {
            String key = entry.getKey();
            if (key.equals("_version") || key.startsWith(CollectionSpec.HIDDEN_PREFIX)) {
                continue;
            }
            String path = spec.field(key)
                    .filter(field -> !field.aliases().isEmpty() && entry.getValue() != null)
                    .map(field -> field.aliases().get(0))
                    .orElse(key);
            put(legacy, path, entry.getValue());
        }
        return legacy;
    }

    private static void put(org.bson.Document target, String path, Object value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            target.put(path, value);
            return;
        }
        org.bson.Document nested = (org.bson.Document) target.computeIfAbsent(path.substring(0, dot),
                name -> new org.bson.Document());
        put(nested, path.substring(dot + 1), value);
    }
}
