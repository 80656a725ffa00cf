package dev.cutover.benchmark;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.Field;
import dev.cutover.document.postgres.ColumnValues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Documents as PostgreSQL {@code COPY ... FROM STDIN} text, one line per row: the id, the
 * version, each typed field in spec order, then the unknown fields as JSON, in the columns of the
 * collection's table. Collections with an embedded array (a child table) are not supported.
 */
final class CopyText {

    private CopyText() {
    }

    /** The {@code COPY} statement that loads such lines into {@code table}, a table shaped like the collection's. */
    static String statement(CollectionSpec spec, String table) {
        if (spec.children().isPresent()) {
            throw new IllegalArgumentException(spec.name() + " keeps its " + spec.children().get().field()
                    + " in a child table, which COPY text of one row per document cannot fill; pick a collection"
                    + " without embedded arrays");
        }
        List<String> columns = new ArrayList<>(List.of("id", "version"));
        spec.fields().forEach(field -> columns.add(field.column()));
        columns.add("extra");
        return "COPY " + table + " (" + columns.stream().map(ColumnValues::quote).collect(Collectors.joining(", "))
                + ") FROM STDIN";
    }

    /** Appends the document's line, newline included. */
    static void append(StringBuilder line, CollectionSpec spec, Document document) {
        escape(line, document.id(), "id");
        line.append('\t').append(document.version());
        for (Field field : spec.fields()) {
            line.append('\t');
            value(line, spec.name() + "." + field.name(), field, document.get(field.name()));
        }
        line.append('\t');
        escape(line, ColumnValues.json(document.extra()), "extra");
        line.append('\n');
    }

    private static void value(StringBuilder line, String name, Field field, Object value) {
        if (value == null) {
            line.append("\\N");
            return;
        }
        switch (field.type()) {
            case TEXT, CITEXT -> escape(line, (String) value, name);
            case INTEGER, BIGINT, BOOLEAN -> line.append(value);
            case TIMESTAMP -> line.append((Instant) value);
            case TEXT_ARRAY -> escape(line, arrayLiteral((List<?>) value), name);
            case JSON -> escape(line, ColumnValues.json(value), name);
        }
    }

    /** A text array literal: each element double-quoted, with its quotes and backslashes escaped. */
    private static String arrayLiteral(List<?> elements) {
        return elements.stream()
                .map(element -> element == null ? "NULL"
                        : '"' + ((String) element).replace("\\", "\\\\").replace("\"", "\\\"") + '"')
                .collect(Collectors.joining(",", "{", "}"));
    }

    /** Text in COPY's escaping: backslash, newline, carriage return and tab as backslash sequences. */
    private static void escape(StringBuilder line, String text, String name) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                case '\0' -> throw new IllegalArgumentException(name + " holds a NUL character, which PostgreSQL"
                        + " text cannot store; the benchmark's documents must not contain one");
                default -> line.append(c);
            }
        }
    }
}
