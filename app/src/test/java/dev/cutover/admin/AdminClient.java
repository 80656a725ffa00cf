package dev.cutover.admin;

import dev.cutover.ApiClient;
import dev.cutover.TestStores;
import dev.cutover.service.CutoverService;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain HTTP client for the admin API tests, sending the admin token unless told otherwise. */
public final class AdminClient {

    private final ApiClient http;

    public AdminClient(CutoverService service) {
        this(service, TestStores.ADMIN_TOKEN);
    }

    public AdminClient(CutoverService service, String token) {
        this.http = new ApiClient(service.port(), token);
    }

    public ApiClient.Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    public ApiClient.Response put(String path, Object body) {
        return send("PUT", path, body, Map.of());
    }

    public ApiClient.Response put(String path, Object body, String actor) {
        return send("PUT", path, body, Map.of("X-Actor", actor));
    }

    public ApiClient.Response delete(String path, Object body) {
        return send("DELETE", path, body, Map.of());
    }

    /** Sends {@code body} (a String as it is, anything else as JSON) with the given extra headers. */
    public ApiClient.Response send(String method, String path, Object body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>();
        if (body != null) {
            all.put("Content-Type", "application/json");
        }
        all.putAll(headers);
        return http.send(method, path, body, all);
    }
}
