package dev.cutover.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.document.Cursors;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentService;
import dev.cutover.document.Page;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data API, the same for every collection: {@code /api/v1/<collection>} to list and create,
 * {@code /api/v1/<collection>/<id>} to read, replace, patch and delete. Every response names the
 * store that served it in {@value HttpDocuments#STORE_HEADER}; documents carry their version as an
 * ETag.
 */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
final class DataController {

    static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String CURSOR = "cursor";
    private static final String LIMIT = "limit";

    private final DataServices services;
    private final ApiLimits limits;

    DataController(DataServices services, ApiLimits limits) {
        this.services = services;
        this.limits = limits;
    }

    @Get("/{collection}")
    HttpResponse<?> list(String collection, HttpRequest<?> request) {
        DocumentService service = services.require(collection);
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : request.getParameters().names()) {
            List<String> values = request.getParameters().getAll(name);
            if (values.size() != 1) {
                throw new DocumentException.Invalid(name, "must be given once, but was given " + values.size() + " times");
            }
            if (!name.equals(CURSOR) && !name.equals(LIMIT)) {
                filters.put(name, values.get(0));
            }
        }
        Optional<String> cursor = Optional.ofNullable(request.getParameters().get(CURSOR));
        int limit = limits.pageSize(request.getParameters().get(LIMIT));

        Page page = service.list(filters, cursor, limit);

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("items");
        page.items().forEach(document -> items.add(service.codec().toJson(document)));
        body.put("next_cursor", page.next().map(Cursors::encode).orElse(null));
        return HttpDocuments.served(HttpResponse.ok(body), service);
    }

    @Get("/{collection}/{id}")
    HttpResponse<?> get(String collection, String id) {
        DocumentService service = services.require(collection);
        return HttpDocuments.document(HttpResponse.ok(), service, service.require(id));
    }

    @Post("/{collection}")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> create(String collection, @Body @Nullable byte[] body) {
        DocumentService service = services.require(collection);
        Document created = service.create(HttpDocuments.json(body));
        return HttpDocuments.document(HttpResponse.created(URI.create("/api/v1/" + collection + "/" + created.id())), service, created);
    }

    @Put("/{collection}/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    HttpResponse<?> replace(String collection, String id, HttpRequest<?> request, @Body @Nullable byte[] body) {
        DocumentService service = services.require(collection);
        JsonNode json = HttpDocuments.json(body);
        Document replaced = service.replace(id, json, HttpDocuments.expectedVersion(request, json));
        return HttpDocuments.document(HttpResponse.ok(), service, replaced);
    }

    @Patch("/{collection}/{id}")
    @Consumes({MERGE_PATCH, MediaType.APPLICATION_JSON})
    HttpResponse<?> patch(String collection, String id, HttpRequest<?> request, @Body @Nullable byte[] body) {
        DocumentService service = services.require(collection);
        JsonNode json = HttpDocuments.json(body);
        Document patched = service.patch(id, json, HttpDocuments.expectedVersion(request, json));
        return HttpDocuments.document(HttpResponse.ok(), service, patched);
    }

    @Delete("/{collection}/{id}")
    HttpResponse<?> delete(String collection, String id, HttpRequest<?> request) {
        DocumentService service = services.require(collection);
        if (!service.delete(id, HttpDocuments.expectedVersion(request, null))) {
            throw new DocumentException.NotFound(collection, id);
        }
        return HttpDocuments.served(HttpResponse.noContent(), service);
    }
}
