package dev.cutover.api;

import dev.cutover.document.DocumentException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Error responses as {@code application/problem+json} (RFC 9457): a {@code type} naming the kind
 * of problem, a {@code title}, the {@code status}, a {@code detail} for this occurrence and, for
 * invalid requests, {@code errors}: each field at fault and what is wrong with it.
 */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:cutover:problem:";

    private Problems() {
    }

    public static MutableHttpResponse<Map<String, Object>> of(HttpStatus status, String type, String detail) {
        return of(status, type, detail, List.of());
    }

    public static MutableHttpResponse<Map<String, Object>> of(HttpStatus status, String type, String detail,
            List<DocumentException.FieldError> errors) {
        return HttpResponse.<Map<String, Object>>status(status)
                .contentType(CONTENT_TYPE)
                .body(body(status, type, detail, errors));
    }

    static Map<String, Object> body(HttpStatus status, String type, String detail,
            List<DocumentException.FieldError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + type);
        body.put("title", status.getReason());
        body.put("status", status.getCode());
        body.put("detail", detail);
        if (!errors.isEmpty()) {
            body.put("errors", errors.stream()
                    .map(error -> {
                        Map<String, String> entry = new LinkedHashMap<>();
                        entry.put("field", error.field());
                        entry.put("problem", error.problem());
                        return entry;
                    })
                    .toList());
        }
        return body;
    }

    /** The problem type of an HTTP status the framework answers with itself. */
    static String typeOf(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "not-found";
            case METHOD_NOT_ALLOWED -> "method-not-allowed";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
            case REQUEST_ENTITY_TOO_LARGE -> "body-too-large";
            case UNAUTHORIZED -> "unauthorized";
            case BAD_REQUEST -> "invalid-request";
            case SERVICE_UNAVAILABLE -> "store-unavailable";
            default -> status.getCode() >= 500 ? "internal-error" : "request-refused";
        };
    }
}
