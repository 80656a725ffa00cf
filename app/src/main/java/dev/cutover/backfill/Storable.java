package dev.cutover.backfill;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentCodec;
import dev.cutover.document.DocumentIds;
import dev.cutover.document.DocumentException;
import dev.cutover.document.Field;
import dev.cutover.document.JsonValues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.types.ObjectId;

/**
 * Whether a document read from MongoDB can be stored in PostgreSQL faithfully, checked before
 * it is sent: what the tables cannot hold (NUL characters, unpaired surrogates, a required field
 * with no value, a date outside years 1 to 9999) and ids the service could not address. Rules
 * the API applies to new writes (lengths, allowed values) are not applied here: a legacy value
 * PostgreSQL can hold is copied as it is, so both stores keep the same document.
 */
final class Storable {

    private Storable() {
    }

    /** Why MongoDB's {@code _id} cannot be a cutover id, if it cannot. */
    static Optional<String> idProblem(Object storedId) {
        if (storedId instanceof ObjectId) {
            return Optional.empty();
        }
        if (!(storedId instanceof String id)) {
            return Optional.of("_id is " + (storedId == null ? "missing" : "of type "
                    + storedId.getClass().getSimpleName()) + "; cutover ids are strings or ObjectIds. Fix: give the "
                    + "document a string or ObjectId _id in MongoDB, then run backfill again");
        }
        if (!DocumentIds.isValid(id)) {
            return Optional.of("_id '" + abbreviate(id) + "' is not a valid id: ids are " + DocumentIds.DESCRIPTION);
        }
        if (DocumentIds.isObjectId(id)) {
            return Optional.of("_id '" + id + "' is a string in ObjectId form, which the service reads as an "
                    + "ObjectId and so could never find. Fix: store it in MongoDB as ObjectId(\"" + id + "\")");
        }
        return Optional.empty();
    }

    /** Every reason the document cannot be stored faithfully, joined; empty when it can. */
    static Optional<String> problem(CollectionSpec spec, Document document) {
        List<DocumentException.FieldError> errors = new ArrayList<>();
        checkFields(spec.fields(), document.fields(), "", errors);
        checkJson(document.extra(), "", errors);
        spec.children().ifPresent(children -> {
            Object elements = document.get(children.field());
            if (elements instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    Document.Element element = (Document.Element) list.get(i);
                    String prefix = children.field() + "[" + i + "].";
                    checkFields(children.fields(), element.fields(), prefix, errors);
                    checkJson(element.extra(), prefix, errors);
                }
            }
        });
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join("; ", errors.stream().map(error -> error.field() + " " + error.problem()).toList()));
    }

    private static void checkFields(List<Field> fields, Map<String, Object> values, String prefix,
            List<DocumentException.FieldError> errors) {
        for (Field field : fields) {
            Object value = values.get(field.name());
            String path = prefix + field.name();
            if (value == null) {
                if (field.mandatory()) {
                    errors.add(new DocumentException.FieldError(path,
                            "is required but missing, null, or of a type it cannot hold"));
                }
            } else if (value instanceof Instant instant && !DocumentCodec.withinYears(instant)) {
                errors.add(new DocumentException.FieldError(path, "is a date outside years 1 to 9999: " + instant));
            } else {
                checkJson(value, path, errors);
            }
        }
    }

    /** Texts and keys anywhere in a canonical value. */
    private static void checkJson(Object value, String path, List<DocumentException.FieldError> errors) {
        if (value instanceof String text) {
            JsonValues.checkedText(text, path, errors);
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String child = path.isEmpty() ? key : path + "." + key;
                if (JsonValues.checkedText(key, child + " (the key)", errors) != null) {
                    checkJson(entry.getValue(), child, errors);
                }
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkJson(list.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
