package dev.cutover.conversations;

import dev.cutover.api.DataServices;
import dev.cutover.api.HttpDocuments;
import dev.cutover.collections.Collections;
import dev.cutover.document.Document;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * The message routes of a conversation. Renaming is a merge patch of {@code name} on the generic
 * route; reading and deleting are generic too.
 */
@Controller("/api/v1/conversations/{id}")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ConversationController {

    private final ConversationService conversations;

    ConversationController(DataServices services) {
        this.conversations = new ConversationService(services.require(Collections.CONVERSATIONS.name()));
    }

    @Post("/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> append(String id, HttpRequest<?> request, @Body @Nullable byte[] body) {
        Document updated = conversations.append(id, HttpDocuments.json(body), HttpDocuments.expectedVersion(request));
        return HttpDocuments.document(HttpResponse.status(io.micronaut.http.HttpStatus.CREATED), conversations.documents(), updated);
    }

    @Put("/messages/{position}")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> edit(String id, int position, HttpRequest<?> request, @Body @Nullable byte[] body) {
        Document updated = conversations.edit(id, position, HttpDocuments.json(body),
                HttpDocuments.expectedVersion(request));
        return HttpDocuments.document(HttpResponse.ok(), conversations.documents(), updated);
    }

    @Put("/messages/{position}/feedback")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> feedback(String id, int position, HttpRequest<?> request, @Body @Nullable byte[] body) {
        Document updated = conversations.setFeedback(id, position, HttpDocuments.json(body),
                HttpDocuments.expectedVersion(request));
        return HttpDocuments.document(HttpResponse.ok(), conversations.documents(), updated);
    }

    @Post("/share")
    HttpResponse<?> share(String id, HttpRequest<?> request) {
        Document shared = conversations.share(id, HttpDocuments.expectedVersion(request));
        return HttpDocuments.document(HttpResponse.ok(), conversations.documents(), shared);
    }
}
