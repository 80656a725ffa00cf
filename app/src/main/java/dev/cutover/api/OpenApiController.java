package dev.cutover.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

/**
 * Serves the API's OpenAPI document, the same text as {@code docs/openapi.json}. It lies under
 * {@code /api}, so it needs the API token like every data route.
 */
@Controller
final class OpenApiController {

    private final String document = OpenApiDocument.json();

    @Get(OpenApiDocument.PATH)
    @Produces(MediaType.APPLICATION_JSON)
    HttpResponse<String> document() {
        return HttpResponse.ok(document);
    }
}
