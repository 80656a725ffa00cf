package dev.cutover.verify;

/**
 * One value that differs between the two stores' copies of a document.
 *
 * @param path     where: {@code version}, a typed field ({@code name}), a member of a JSON field
 *                 ({@code config.retries}), an unknown field ({@code extra.color}), or a part of an
 *                 embedded element ({@code queries[3].content}, {@code queries[3].extra.tag})
 * @param mongo    the value MongoDB holds there, in canonical form, or {@link #ABSENT}
 * @param postgres the value PostgreSQL holds there, in canonical form, or {@link #ABSENT}
 */
public record Difference(String path, Object mongo, Object postgres) {

    /** The value of a side that holds nothing at the path (which differs from holding null). */
    public static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "(absent)";
        }
    };
}
