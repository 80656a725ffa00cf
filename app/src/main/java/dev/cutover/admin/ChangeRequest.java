package dev.cutover.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.api.HttpDocuments;
import dev.cutover.document.DocumentException;
import io.micronaut.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The body of an admin change: a JSON object holding the new value and the required
 * {@code reason}, read strictly. Every problem is collected and refused at once by
 * {@link #validate()}, naming each field, before anything is written.
 */
final class ChangeRequest {

    static final String REASON = "reason";
    /** The header naming the person or tool behind a change, for the audit trail. */
    static final String ACTOR_HEADER = "X-Actor";
    static final String ACTOR = "admin";
    static final int MAX_REASON_LENGTH = 1000;
    static final int MAX_ACTOR_LENGTH = 100;

    private final JsonNode body;
    private final List<DocumentException.FieldError> errors = new ArrayList<>();

    private ChangeRequest(JsonNode body) {
        this.body = body;
    }

    /** Reads a body that may hold {@code reason} and the given fields, and nothing else. */
    static ChangeRequest parse(byte[] bytes, String... fields) {
        JsonNode body = HttpDocuments.json(bytes);
        if (!body.isObject()) {
            throw new DocumentException.Invalid("body", "must be a JSON object, such as {\"reason\": \"...\"}");
        }
        ChangeRequest request = new ChangeRequest(body);
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(fields));
        allowed.add(REASON);
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                request.errors.add(new DocumentException.FieldError(name,
                        "is not a field of this request; the fields are " + String.join(", ", allowed)));
            }
        }
        return request;
    }

    /** Who made the change: {@code admin}, or {@code admin:<X-Actor>} when the client names itself. */
    static String actor(HttpRequest<?> request) {
        String named = request.getHeaders().get(ACTOR_HEADER);
        if (named == null || named.isBlank()) {
            return ACTOR;
        }
        String actor = named.strip();
        if (actor.length() > MAX_ACTOR_LENGTH || actor.chars().anyMatch(Character::isISOControl)) {
            throw new DocumentException.Invalid(ACTOR_HEADER, "must be at most " + MAX_ACTOR_LENGTH
                    + " characters without control characters, such as 'alice' or 'deploy-bot'");
        }
        return ACTOR + ":" + actor;
    }

    String reason() {
        JsonNode reason = body.get(REASON);
        if (reason == null || reason.isNull()) {
            return refuse(REASON, "is required: say why, for the audit trail", null);
        }
        if (!reason.isTextual() || reason.asText().isBlank()) {
            return refuse(REASON, "must be a non-blank string saying why, for the audit trail", null);
        }
        if (reason.asText().length() > MAX_REASON_LENGTH) {
            return refuse(REASON, "must be at most " + MAX_REASON_LENGTH + " characters, but has "
                    + reason.asText().length(), null);
        }
        return reason.asText().strip();
    }

    boolean bool(String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isBoolean()) {
            return refuse(field, "is required and must be true or false", false);
        }
        return value.booleanValue();
    }

    int integer(String field, int min, int max) {
        JsonNode value = body.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()
                || value.intValue() < min || value.intValue() > max) {
            return refuse(field, "is required and must be a whole number from " + min + " to " + max
                    + (value == null ? "" : ", but was " + value), min);
        }
        return value.intValue();
    }

    /** One of the constants of {@code type}, by name (any case). */
    <E extends Enum<E>> E choice(String field, Class<E> type) {
        JsonNode value = body.get(field);
        if (value != null && value.isTextual()) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(value.asText().strip().toUpperCase(Locale.ROOT))) {
                    return constant;
                }
            }
        }
        return refuse(field, "is required and must be one of " + Arrays.toString(type.getEnumConstants())
                + (value == null ? "" : ", but was " + value), null);
    }

    /** Refuses the request, naming every problem found, if there is any. */
    void validate() {
        if (!errors.isEmpty()) {
            throw new DocumentException.Invalid(errors);
        }
    }

    private <T> T refuse(String field, String problem, T placeholder) {
        errors.add(new DocumentException.FieldError(field, problem));
        return placeholder;
    }
}
