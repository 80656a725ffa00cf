package dev.cutover.api;

import dev.cutover.config.Settings;
import dev.cutover.document.DocumentException;
import jakarta.inject.Singleton;

/** The API's limits on what one request may ask for. */
@Singleton
final class ApiLimits {

    static final int DEFAULT_PAGE_SIZE = 50;

    private final int maxPageSize;

    ApiLimits(Settings settings) {
        this.maxPageSize = settings.maxPageSize();
    }

    /** The page size a {@code limit} parameter asks for, within the cap. */
    int pageSize(String limit) {
        if (limit == null) {
            return Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
        }
        try {
            int size = Integer.parseInt(limit);
            if (size >= 1 && size <= maxPageSize) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below, with the allowed range
        }
        throw new DocumentException.Invalid("limit", "must be a whole number between 1 and " + maxPageSize
                + ", but was '" + limit + "'");
    }
}
