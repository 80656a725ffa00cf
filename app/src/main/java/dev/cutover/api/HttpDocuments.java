package dev.cutover.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.DocumentService;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP side of document routes, shared by every controller: request bodies read strictly
 * (valid UTF-8, one JSON value, no repeated keys; refused before anything is written, with the
 * reason and where), the version a client expects, and responses that carry the document, its
 * version as an ETag, and the store that served it in {@value #STORE_HEADER}.
 */
public final class HttpDocuments {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public static final String STORE_HEADER = "X-Cutover-Store";

    private HttpDocuments() {
    }

    public static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            throw new DocumentException.Invalid("body", "is empty; a JSON object is required");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new DocumentException.Invalid("body", "is not valid UTF-8");
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new DocumentException.Invalid("body", "is not valid JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    /**
     * The version the client expects, from {@code If-Match} (an ETag this service sent, such as
     * {@code "3"}) or else the body's {@code version}; {@link DocumentRepository#ANY_VERSION} if
     * neither says.
     */
    public static long expectedVersion(HttpRequest<?> request) {
        return expectedVersion(request, null);
    }

    /** As {@link #expectedVersion(HttpRequest)}, also reading the body's {@code version}. */
    public static long expectedVersion(HttpRequest<?> request, JsonNode body) {
        String ifMatch = request.getHeaders().get(HttpHeaders.IF_MATCH);
        if (ifMatch != null) {
            String digits = ifMatch.strip().replace("\"", "");
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new DocumentException.Invalid("If-Match", "must be an ETag this service sent, such as \"3\"");
            }
        }
        if (body != null && body.has("version") && !body.get("version").isNull()) {
            JsonNode version = body.get("version");
            if (!version.canConvertToLong() || !version.isIntegralNumber() || version.longValue() < 0) {
                throw new DocumentException.Invalid("version", "must be a whole number of at least 0");
            }
            return version.longValue();
        }
        return DocumentRepository.ANY_VERSION;
    }

    public static MutableHttpResponse<?> document(MutableHttpResponse<Object> response, DocumentService service,
            Document document) {
        response.header("ETag", "\"" + document.version() + "\"");
        return served(response.body(service.codec().toJson(document)), service);
    }

    /** Names the store that served: the read store for reads, the source of truth for writes. */
    public static MutableHttpResponse<?> served(MutableHttpResponse<?> response, DocumentService service) {
        boolean read = io.micronaut.http.context.ServerRequestContext.currentRequest()
                .map(request -> request.getMethod() == io.micronaut.http.HttpMethod.GET)
                .orElse(true);
        return response.header(STORE_HEADER, read ? service.repository().storeName()
                : service.repository().writeStoreName());
    }
}
