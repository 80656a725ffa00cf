package dev.cutover.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cutover.TestStores;
import dev.cutover.service.CutoverService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain HTTP client for the admin API tests, sending the admin token unless told otherwise. */
public final class AdminClient {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String token;

    public AdminClient(CutoverService service) {
        this(service, TestStores.ADMIN_TOKEN);
    }

    public AdminClient(CutoverService service, String token) {
        this.baseUrl = "http://localhost:" + service.port();
        this.token = token;
    }

    /** One answer: status, content type and body. */
    public record Response(int status, String contentType, String text) {
        public JsonNode json() {
            try {
                return text.isEmpty() ? MissingNode.getInstance() : JSON.readTree(text);
            } catch (IOException e) {
                return MissingNode.getInstance();
            }
        }
    }

    public Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body, Map.of());
    }

    public Response put(String path, Object body, String actor) {
        return send("PUT", path, body, Map.of("X-Actor", actor));
    }

    public Response delete(String path, Object body) {
        return send("DELETE", path, body, Map.of());
    }

    /** Sends {@code body} (a String as it is, anything else as JSON) with the given extra headers. */
    public Response send(String method, String path, Object body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>();
        if (body != null) {
            all.put("Content-Type", "application/json");
        }
        if (token != null) {
            all.put("Authorization", "Bearer " + token);
        }
        all.putAll(headers);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body instanceof String text ? text : write(body)));
        all.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
