package dev.cutover.collections;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Field;
import dev.cutover.document.FieldType;
import dev.cutover.document.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Holds the reference part of {@code docs/collections.md} to the declarations in
 * {@link Collections}: the text between {@value #START} and {@value #END} must be exactly what
 * {@link #render} makes of {@link Collections#ALL}. The introduction above it is written by hand.
 *
 * <p>After changing a declaration, rewrite the reference from the repository root with
 *
 * <pre>
 * mvn -B test -pl app -am -Dtest=CollectionsDocTest -Dsurefire.failIfNoSpecifiedTests=false -Dcutover.regenerate=true
 * </pre>
 *
 * and commit the page with the declaration.
 */
class CollectionsDocTest {

    /** The page, relative to the app module (the directory tests run in). */
    private static final Path PAGE = Path.of("..", "docs", "collections.md");
    private static final String START = "<!-- generated: collections -->";
    private static final String END = "<!-- end generated -->";
    private static final String REGENERATE = "cutover.regenerate";
    private static final String COMMAND = "mvn -B test -pl app -am -Dtest=CollectionsDocTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dcutover.regenerate=true";

    @Test
    void shouldDescribeEveryCollectionExactlyAsDeclared() throws IOException {
        String expected = render(Collections.ALL);
        if (Boolean.getBoolean(REGENERATE)) {
            Files.writeString(PAGE, withReference(Files.readString(PAGE, UTF_8), expected), UTF_8);
        }

        String actual = reference(Files.readString(PAGE, UTF_8));

        assertEquals(expected, actual, PAGE + " does not match Collections.java; from the repository root run: "
                + COMMAND);
    }

    // The page ----------------------------------------------------------------------------------

    private static String reference(String page) {
        int start = page.indexOf(START);
        int end = page.indexOf(END);
        assertTrue(start >= 0 && end > start, PAGE + " must hold " + START + ", then " + END);
        return page.substring(start + START.length(), end);
    }

    private static String withReference(String page, String rendering) {
        reference(page);
        int start = page.indexOf(START) + START.length();
        return page.substring(0, start) + rendering + page.substring(page.indexOf(END));
    }

    // The rendering -----------------------------------------------------------------------------

    /** The reference: per phase, per collection, its traits and a table of its fields. */
    static String render(List<CollectionSpec> specs) {
        StringBuilder out = new StringBuilder("\n\n");
        out.append("## Reference\n\n");
        out.append("Generated from `Collections.java` by `CollectionsDocTest`; do not edit by hand.\n");
        out.append("Every collection also has `id`, `version` and its unknown fields, described above. ");
        out.append("A column is `NOT NULL` when its field is required or has a default.\n");
        int phase = -1;
        for (CollectionSpec spec : specs) {
            if (spec.phase().number() != phase) {
                phase = spec.phase().number();
                out.append("\n## Phase ").append(phase).append("\n");
            }
            renderCollection(spec, out);
        }
        out.append("\n");
        return out.toString();
    }

    private static void renderCollection(CollectionSpec spec, StringBuilder out) {
        out.append("\n### ").append(spec.name()).append("\n\n");
        out.append("- Phase: ").append(spec.phase().number()).append("\n");
        out.append("- Kind: ").append(spec.isEventLog() ? "append-only event log" : "entity").append("\n");
        out.append("- PostgreSQL table: `").append(spec.name()).append("`\n");
        spec.children().ifPresent(children -> out.append("- Messages: the array `").append(children.field())
                .append("`; in PostgreSQL the child table `").append(children.table())
                .append("`, one row per message keyed by (`").append(children.parentColumn())
                .append("`, `position`), `position` counting from 0, deleted with their `")
                .append(spec.name()).append("` row\n"));
        out.append("- Unique keys: ").append(uniqueKeys(spec)).append("\n");
        out.append("- List filters: ").append(spec.filters().isEmpty() ? "none" : names(spec.filters())).append("\n");
        out.append("- List order: newest first by `").append(spec.orderField()).append("`, then by `id`\n");
        spec.expiresField().ifPresent(field -> out.append("- Expiry: `").append(field)
                .append("`; a document whose `").append(field).append("` has passed is never served\n"));
        for (List<String> group : spec.oneOfGroups()) {
            out.append("- At least one of: ").append(names(group)).append("\n");
        }
        out.append("\n");
        renderFields(spec, spec.fields(), true, out);
        spec.children().ifPresent(children -> {
            out.append("\nFields of each message (`").append(children.field()).append("[]`, table `")
                    .append(children.table()).append("`):\n\n");
            renderFields(spec, children.fields(), false, out);
        });
    }

    private static void renderFields(CollectionSpec spec, List<Field> fields, boolean topLevel, StringBuilder out) {
        out.append("| field | type (PostgreSQL column) | required | default | rules | legacy MongoDB names |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Field field : fields) {
            List<String> cells = List.of(
                    code(field.name()),
                    type(field),
                    required(spec, field, topLevel),
                    defaultValue(spec, field, topLevel),
                    rules(field),
                    field.aliases().isEmpty() ? "" : names(field.aliases()));
            out.append("| ").append(cells.stream().map(CollectionsDocTest::cell).collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
    }

    private static String uniqueKeys(CollectionSpec spec) {
        if (spec.uniqueKeys().isEmpty()) {
            return "none";
        }
        return spec.uniqueKeys().stream()
                .map(key -> {
                    String fields = key.fields().stream()
                            .map(name -> code(name) + (isCaseInsensitive(spec, name) ? " (case-insensitive)" : ""))
                            .collect(Collectors.joining(", "));
                    return key.fields().size() == 1 ? fields : "(" + fields + ")";
                })
                .collect(Collectors.joining("; "));
    }

    private static boolean isCaseInsensitive(CollectionSpec spec, String name) {
        return spec.field(name).map(field -> field.type() == FieldType.CITEXT).orElse(false);
    }

    private static String type(Field field) {
        String words = switch (field.type()) {
            case TEXT -> "text";
            case CITEXT -> "text, case-insensitive";
            case INTEGER -> "32-bit integer";
            case BIGINT -> "64-bit integer";
            case BOOLEAN -> "boolean";
            case TIMESTAMP -> "timestamp";
            case TEXT_ARRAY -> "array of text";
            case JSON -> "JSON";
        };
        boolean notNull = field.mandatory() || field.defaultValue() != null;
        return words + " (" + code(field.type().columnType() + (notNull ? " NOT NULL" : "")) + ")";
    }

    private static String required(CollectionSpec spec, Field field, boolean topLevel) {
        if (field.mandatory()) {
            return "yes";
        }
        Optional<List<String>> group = topLevel
                ? spec.oneOfGroups().stream().filter(g -> g.contains(field.name())).findFirst()
                : Optional.empty();
        return group.map(g -> "one of " + names(g)).orElse("no");
    }

    /** The default, or for the timestamps cutover sets, when it sets them. */
    private static String defaultValue(CollectionSpec spec, Field field, boolean topLevel) {
        if (topLevel && !spec.isEventLog() && field.name().equals(CollectionSpec.CREATED_AT)) {
            return "time of the create";
        }
        if (topLevel && !spec.isEventLog() && field.name().equals(CollectionSpec.UPDATED_AT)) {
            return "time of the write; always set by cutover";
        }
        if (topLevel && spec.isEventLog() && field.name().equals(CollectionSpec.TIMESTAMP)) {
            return "time of the append";
        }
        return field.defaultValue() == null ? "" : code(JsonValues.toJson(field.defaultValue()).toString());
    }

    private static String rules(Field field) {
        List<String> rules = new ArrayList<>();
        if (!field.allowed().isEmpty()) {
            rules.add("one of " + names(List.copyOf(new TreeSet<>(field.allowed()))));
        }
        if (field.maxLength() > 0) {
            rules.add("at most " + field.maxLength() + " characters");
        }
        range(field).ifPresent(rules::add);
        if (field.mandatory() && (field.type() == FieldType.TEXT || field.type() == FieldType.CITEXT)) {
            rules.add("not blank");
        }
        return String.join("; ", rules);
    }

    /** The range, when narrower than the type's own. */
    private static Optional<String> range(Field field) {
        long typeMin;
        long typeMax;
        if (field.type() == FieldType.INTEGER) {
            typeMin = Integer.MIN_VALUE;
            typeMax = Integer.MAX_VALUE;
        } else if (field.type() == FieldType.BIGINT) {
            typeMin = Long.MIN_VALUE;
            typeMax = Long.MAX_VALUE;
        } else {
            return Optional.empty();
        }
        if (field.min() == typeMin && field.max() == typeMax) {
            return Optional.empty();
        }
        if (field.max() == typeMax) {
            return Optional.of(field.min() + " or more");
        }
        if (field.min() == typeMin) {
            return Optional.of("at most " + field.max());
        }
        return Optional.of(field.min() + " to " + field.max());
    }

    private static String names(List<String> names) {
        return names.stream().map(CollectionsDocTest::code).collect(Collectors.joining(", "));
    }

    private static String code(String text) {
        return "`" + text + "`";
    }

    /** A table cell: a pipe would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
