package dev.cutover.admin;

import dev.cutover.api.Problems;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.Phase;
import dev.cutover.flags.Stage;
import dev.cutover.state.ChangeResult;
import dev.cutover.state.MigrationStateStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The flags, the active phase and the pins: read what this replica obeys, and change them for
 * every replica. Each change needs a {@code reason}, is validated against the stage rules before
 * anything is written, and is audited with its actor ({@code admin}, or {@code admin:<X-Actor>}).
 */
@Controller("/admin")
@ExecuteOn(TaskExecutors.BLOCKING)
final class FlagsController {

    private final MigrationStateStore store;
    private final Clock clock;

    FlagsController(MigrationStateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Get("/flags")
    HttpResponse<?> flags() {
        return HttpResponse.ok(AdminViews.state(store.snapshot(), store.freshness(), clock.instant()));
    }

    @Put("/flags/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> setFlag(String name, HttpRequest<?> request, @Body @Nullable byte[] body) {
        Optional<CutoverFeature> feature = Arrays.stream(CutoverFeature.values())
                .filter(f -> f.name().equals(name.toUpperCase(Locale.ROOT)))
                .findFirst();
        if (feature.isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", "there is no flag named '" + name
                    + "'; the flags are " + Arrays.toString(CutoverFeature.values()));
        }
        ChangeRequest change = ChangeRequest.parse(body, "enabled");
        boolean enabled = change.bool("enabled");
        String reason = change.reason();
        change.validate();
        return answer(store.setFlag(feature.get(), enabled, ChangeRequest.actor(request), reason));
    }

    @Put("/phase")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> setPhase(HttpRequest<?> request, @Body @Nullable byte[] body) {
        ChangeRequest change = ChangeRequest.parse(body, "phase");
        int phase = change.integer("phase", 0, Phase.LAST);
        String reason = change.reason();
        change.validate();
        return answer(store.setActivePhase(Phase.of(phase), ChangeRequest.actor(request), reason));
    }

    @Put("/pins/{collection}")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> pin(String collection, HttpRequest<?> request, @Body @Nullable byte[] body) {
        if (Collections.named(collection).isEmpty()) {
            return unknownCollection(collection);
        }
        ChangeRequest change = ChangeRequest.parse(body, "stage");
        Stage stage = change.choice("stage", Stage.class);
        String reason = change.reason();
        change.validate();
        return answer(store.pin(collection, Optional.of(stage), ChangeRequest.actor(request), reason));
    }

    @Delete("/pins/{collection}")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> unpin(String collection, HttpRequest<?> request, @Body @Nullable byte[] body) {
        if (Collections.named(collection).isEmpty()) {
            return unknownCollection(collection);
        }
        ChangeRequest change = ChangeRequest.parse(body);
        String reason = change.reason();
        change.validate();
        return answer(store.pin(collection, Optional.empty(), ChangeRequest.actor(request), reason));
    }

    private HttpResponse<?> answer(ChangeResult result) {
        return HttpResponse.ok(AdminViews.changed(result.snapshot(), result.changed(), store.freshness(),
                clock.instant()));
    }

    private static HttpResponse<?> unknownCollection(String collection) {
        return Problems.of(HttpStatus.NOT_FOUND, "not-found", "there is no collection named '" + collection
                + "'; the collections are " + Collections.ALL.stream().map(CollectionSpec::name).toList());
    }
}
