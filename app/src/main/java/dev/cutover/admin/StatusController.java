package dev.cutover.admin;

import dev.cutover.collections.Collections;
import dev.cutover.document.DocumentException;
import dev.cutover.state.CollectionStatusSource;
import dev.cutover.state.MigrationStateStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Clock;

/** Where every collection stands, and the audit trail of changes. */
@Controller("/admin")
@ExecuteOn(TaskExecutors.BLOCKING)
final class StatusController {

    static final int DEFAULT_AUDIT_LIMIT = 50;
    static final int MAX_AUDIT_LIMIT = 1000;

    private final MigrationStateStore store;
    private final CollectionStatusSource collections;
    private final Clock clock;

    StatusController(MigrationStateStore store, CollectionStatusSource collections, Clock clock) {
        this.store = store;
        this.collections = collections;
        this.clock = clock;
    }

    @Get("/status")
    HttpResponse<?> status() {
        return HttpResponse.ok(AdminViews.status(store.snapshot(), store.freshness(), clock.instant(),
                Collections.ALL, collections));
    }

    @Get("/audit")
    HttpResponse<?> audit(@QueryValue @Nullable String limit) {
        return HttpResponse.ok(AdminViews.audit(store.audit(auditLimit(limit))));
    }

    private static int auditLimit(String limit) {
        if (limit == null) {
            return DEFAULT_AUDIT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1 && value <= MAX_AUDIT_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Refused below, with the value that came.
        }
        throw new DocumentException.Invalid("limit", "must be a whole number from 1 to " + MAX_AUDIT_LIMIT
                + ", but was '" + limit + "'");
    }
}
