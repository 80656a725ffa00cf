package dev.cutover.document;

import java.util.List;
import java.util.Optional;

/** One page of a list, and where the next one starts if there may be more. */
public record Page(List<Document> items, Optional<ListQuery.Cursor> next) {

    public Page {
        items = List.copyOf(items);
    }
}
