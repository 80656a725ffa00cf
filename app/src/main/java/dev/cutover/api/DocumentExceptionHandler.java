package dev.cutover.api;

import dev.cutover.document.DocumentException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.List;

/** Each refusal of a document operation as its HTTP status and problem. */
@Singleton
final class DocumentExceptionHandler implements ExceptionHandler<DocumentException, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, DocumentException exception) {
        if (exception instanceof DocumentException.Invalid invalid) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "the request breaks "
                    + invalid.errors().size() + " rule(s); see errors", invalid.errors());
        }
        if (exception instanceof DocumentException.NotFound) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", exception.getMessage());
        }
        if (exception instanceof DocumentException.Duplicate duplicate) {
            return Problems.of(HttpStatus.CONFLICT, "duplicate", exception.getMessage(),
                    duplicate.fields().stream().map(f -> new DocumentException.FieldError(f, "is already taken")).toList());
        }
        if (exception instanceof DocumentException.StaleVersion) {
            return Problems.of(HttpStatus.CONFLICT, "stale-version", exception.getMessage());
        }
        // Only an event log refuses an operation: it can be read and appended to.
        return Problems.of(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", exception.getMessage(), List.of())
                .header(io.micronaut.http.HttpHeaders.ALLOW, "GET, POST");
    }
}
