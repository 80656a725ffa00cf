package dev.cutover.document;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A page request: equality filters on filterable fields (canonical values), where to resume,
 * and how many documents at most.
 */
public record ListQuery(Map<String, Object> filters, Optional<Cursor> after, int limit) {

    public ListQuery {
        filters = Map.copyOf(filters);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
    }

    /** The position after the last document of a page: its order-field value and id. */
    public record Cursor(Instant orderValue, String id) {
    }
}
