package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.ApiClient;
import dev.cutover.TestStores;
import dev.cutover.service.CutoverService;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every operation on each store, timed by collection, store, operation and outcome. */
class StoreOperationMetricsTest {

    @Test
    void shouldTimeEachStoresOperationsByOutcomeWhenClientsWriteInDualWrite() {
        try (CutoverService service = CutoverService.start(TestStores.settings(TestStores.freshDatabase(),
                TestStores.mongo(), Map.of("USE_POSTGRES", "true")), "test")) {
            ApiClient client = new ApiClient(service.port(), TestStores.API_TOKEN);
            String id = client.post("/api/v1/prompts", Map.of("user_id", "u-1", "name", "n", "content", "c"))
                    .json().path("id").asText();

            client.get("/api/v1/prompts/" + id);
            client.post("/api/v1/users", Map.of("user_id", "taken"));
            ApiClient.Response duplicate = client.post("/api/v1/users", Map.of("user_id", "taken"));
            String metrics = new ApiClient(service.port(), null).get("/prometheus").text();

            assertEquals(409, duplicate.status(), duplicate.text());
            assertEquals(1.0, count(metrics, "prompts", "insert", "success", "mongo"));
            assertEquals(1.0, count(metrics, "prompts", "apply", "success", "postgres"));
            assertTrue(count(metrics, "prompts", "get", "success", "mongo") >= 1.0, metrics);
            assertEquals(1.0, count(metrics, "users", "insert", "rejected", "mongo"));
            assertEquals(0.0, count(metrics, "users", "insert", "rejected", "postgres"));
            assertTrue(metrics.contains("cutover_store_operation_seconds_bucket{collection=\"prompts\",operation=\"insert\","
                    + "outcome=\"success\",store=\"mongo\",le=\"0.005\"}"), "no fixed buckets");
        }
    }

    private static double count(String metrics, String collection, String operation, String outcome, String store) {
        String series = "cutover_store_operation_seconds_count{collection=\"" + collection + "\",operation=\""
                + operation + "\",outcome=\"" + outcome + "\",store=\"" + store + "\"} ";
        return metrics.lines().filter(line -> line.startsWith(series))
                .map(line -> Double.parseDouble(line.substring(series.length())))
                .findFirst().orElse(0.0);
    }
}
