package dev.cutover.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * The framework's own errors (an unknown route, a wrong method or media type, a body over the
 * limit) in the same problem form as cutover's. Internal errors never show their cause.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
final class ProblemBodyProvider implements JsonErrorResponseBodyProvider<Map<String, Object>> {

    @Override
    public Map<String, Object> body(ErrorContext context, HttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String detail = status.getCode() >= 500
                ? "an internal error occurred; the service log has the details"
                : context.getErrors().stream().findFirst().map(e -> e.getMessage()).orElse(status.getReason());
        return Problems.body(status, Problems.typeOf(status), detail, List.of());
    }

    @Override
    public String contentType() {
        return Problems.CONTENT_TYPE;
    }
}
