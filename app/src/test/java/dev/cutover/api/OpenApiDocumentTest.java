package dev.cutover.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.ApiClient;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Field;
import dev.cutover.service.CutoverService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document: the checked-in {@code docs/openapi.json} is exactly what
 * {@link OpenApiDocument} generates, the document says what the collection specs say, and the
 * service serves it to the API token only.
 *
 * <p>After changing a collection or a route, regenerate the checked-in file (from the repository
 * root):
 *
 * <pre>
 * mvn -B test -pl app -am -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false -Dcutover.regenerate=true
 * </pre>
 */
class OpenApiDocumentTest {

    /** docs/openapi.json, from the app module's directory, where Maven runs the tests. */
    private static final Path CHECKED_IN = Path.of("..", "docs", "openapi.json");
    private static final String REGENERATE = "mvn -B test -pl app -am -Dtest=OpenApiDocumentTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dcutover.regenerate=true";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode document = OpenApiDocument.build();

    @Test
    void shouldMatchTheCheckedInDocument() throws IOException {
        String generated = OpenApiDocument.json();
        if (Boolean.getBoolean("cutover.regenerate")) {
            Files.writeString(CHECKED_IN, generated);
        }

        String checkedIn = Files.exists(CHECKED_IN) ? Files.readString(CHECKED_IN) : "";

        if (!generated.equals(checkedIn)) {
            fail(CHECKED_IN.toAbsolutePath().normalize() + " is not what OpenApiDocument generates ("
                    + firstDifference(checkedIn, generated) + "). Regenerate it from the repository root with: "
                    + REGENERATE);
        }
    }

    @Test
    void shouldGenerateTheSameTextEveryTime() {
        String first = OpenApiDocument.json();

        String second = OpenApiDocument.json();

        assertEquals(first, second);
        assertTrue(first.endsWith("}\n"), "one trailing newline");
    }

    @Test
    void shouldGiveEveryCollectionItsPathsAndEventLogsNoChanges() {
        for (CollectionSpec spec : Collections.ALL) {
            JsonNode collection = document.at(pointer("paths", "/api/v1/" + spec.name()));
            JsonNode single = document.at(pointer("paths", "/api/v1/" + spec.name() + "/{id}"));

            assertEquals(List.of("get", "post"), operations(collection), spec.name());
            if (spec.isEventLog()) {
                assertEquals(List.of("get"), operations(single), spec.name());
            } else {
                assertEquals(List.of("get", "put", "patch", "delete"), operations(single), spec.name());
                assertTrue(single.at("/patch/requestBody/content").has(DataController.MERGE_PATCH), spec.name());
            }
        }
    }

    @Test
    void shouldOfferTheConversationMessageRoutes() {
        JsonNode paths = document.get("paths");

        assertTrue(paths.at(pointer("/api/v1/conversations/{id}/messages", "post")).isObject());
        assertTrue(paths.at(pointer("/api/v1/conversations/{id}/messages/{position}", "put")).isObject());
        assertTrue(paths.at(pointer("/api/v1/conversations/{id}/messages/{position}/feedback", "put")).isObject());
        assertTrue(paths.at(pointer("/api/v1/conversations/{id}/share", "post")).isObject());
        assertEquals("#/components/schemas/ConversationMessage",
                document.at("/components/schemas/Conversations/properties/queries/items/$ref").asText());
    }

    @Test
    void shouldOfferEveryFilterAsAQueryParameter() {
        for (CollectionSpec spec : Collections.ALL) {
            List<String> query = new ArrayList<>();
            for (JsonNode parameter : document.at(pointer("paths", "/api/v1/" + spec.name(), "get", "parameters"))) {
                JsonNode resolved = resolve(parameter);
                if (resolved.get("in").asText().equals("query")) {
                    query.add(resolved.get("name").asText());
                }
            }

            List<String> expected = new ArrayList<>(spec.filters());
            expected.addAll(List.of("cursor", "limit"));
            assertEquals(expected, query, spec.name());
        }
    }

    @Test
    void shouldRequireEveryMandatoryFieldWithoutDefault() {
        for (CollectionSpec spec : Collections.ALL) {
            JsonNode schema = document.at(pointer("components", "schemas", OpenApiDocument.schemaName(spec)));
            assertRequired(spec.name(), spec.fields(), schema);
            assertTrue(schema.at("/properties/id/readOnly").asBoolean(), spec.name());
            assertTrue(schema.at("/properties/version/readOnly").asBoolean(), spec.name());
            assertTrue(schema.get("additionalProperties").asBoolean(), spec.name());
            spec.children().ifPresent(children -> assertRequired(spec.name() + "." + children.field(),
                    children.fields(),
                    document.at(pointer("components", "schemas", OpenApiDocument.elementSchemaName(children)))));
        }
    }

    @Test
    void shouldCarryTheFieldRules() {
        JsonNode chunks = document.at("/components/schemas/Agents/properties/chunks");
        JsonNode feedback = document.at("/components/schemas/Feedback/properties/feedback");

        assertEquals("integer", chunks.get("type").asText());
        assertEquals("int32", chunks.get("format").asText());
        assertEquals(0, chunks.get("minimum").asLong());
        assertEquals(1000, chunks.get("maximum").asLong());
        assertEquals(2, chunks.get("default").asLong());
        assertEquals(List.of("dislike", "like"), texts(feedback.get("enum")));
        assertEquals(256, document.at("/components/schemas/Users/properties/user_id/maxLength").asInt());
        assertEquals("date-time", document.at("/components/schemas/Agents/properties/last_used_at/format").asText());
        assertTrue(document.at("/components/schemas/Agents/properties/last_used_at/nullable").asBoolean());
        assertEquals("int64", document.at("/components/schemas/Sources/properties/tokens/format").asText());
    }

    @Test
    void shouldAnswerEveryErrorAsAProblemAndEveryRouteWith401() {
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (!operation.getValue().has("responses")) {
                return;
            }
            String where = operation.getKey() + " " + path.getKey();
            JsonNode responses = operation.getValue().get("responses");
            assertTrue(responses.has("401"), where);
            responses.fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("4")) {
                    assertEquals("#/components/schemas/Problem",
                            resolve(response.getValue()).at("/content/application~1problem+json/schema/$ref").asText(),
                            where + " " + response.getKey());
                }
            });
        }));
    }

    @Test
    void shouldResolveEveryReferenceAndNameNoHost() {
        List<String> unresolved = new ArrayList<>();
        collectUnresolved(document, unresolved);

        assertEquals(List.of(), unresolved);
        assertEquals("/", document.at("/servers/0/url").asText());
        assertFalse(OpenApiDocument.json().contains("://"), "no absolute URL");
    }

    @Test
    void shouldServeTheSameDocumentToTheApiTokenOnly() throws IOException {
        try (CutoverService service = CutoverService.start(
                TestStores.settings(TestStores.freshDatabase(), TestStores.mongo(), Map.of()), "test")) {
            ApiClient withToken = new ApiClient(service.port(), TestStores.API_TOKEN);
            ApiClient anonymous = new ApiClient(service.port(), null);

            ApiClient.Response served = withToken.get(OpenApiDocument.PATH);
            ApiClient.Response refused = anonymous.get(OpenApiDocument.PATH);
            ApiClient.Response listed = withToken.get("/api/v1/prompts");

            assertEquals(200, served.status(), served.text());
            assertTrue(served.header("Content-Type").startsWith("application/json"), served.header("Content-Type"));
            assertEquals(JSON.readTree(OpenApiDocument.json()), JSON.readTree(served.text()));
            assertEquals(401, refused.status(), refused.text());
            assertEquals("application/problem+json", refused.header("Content-Type"));
            assertTrue(texts(document.at("/components/headers/X-Cutover-Store/schema/enum"))
                    .contains(listed.header(HttpDocuments.STORE_HEADER)), listed.header(HttpDocuments.STORE_HEADER));
        }
    }

    private static void assertRequired(String where, List<Field> fields, JsonNode schema) {
        List<String> required = texts(schema.get("required"));
        for (Field field : fields) {
            assertTrue(schema.at(pointer("properties", field.name())).isObject(), where + "." + field.name());
            boolean mandatory = field.mandatory() && field.defaultValue() == null;
            assertEquals(mandatory, required.contains(field.name()), where + "." + field.name() + " required");
        }
    }

    /** A parameter or response itself, following its {@code $ref} if it is one. */
    private JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? document.at(node.get("$ref").asText().substring(1)) : node;
    }

    private void collectUnresolved(JsonNode node, List<String> unresolved) {
        JsonNode target = node.path("$ref");
        if (target.isTextual() && document.at(target.asText().substring(1)).isMissingNode()) {
            unresolved.add(target.asText());
        }
        node.elements().forEachRemaining(child -> collectUnresolved(child, unresolved));
    }

    /** The methods of a path item, in the document's order. */
    private static List<String> operations(JsonNode pathItem) {
        List<String> methods = new ArrayList<>();
        pathItem.fieldNames().forEachRemaining(name -> {
            if (!Set.of("summary", "description", "parameters", "servers").contains(name)) {
                methods.add(name);
            }
        });
        return methods;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }

    /** A JSON pointer to the given keys, escaped ({@code /} in a path is {@code ~1}). */
    private static String pointer(String... keys) {
        StringBuilder pointer = new StringBuilder();
        for (String key : keys) {
            pointer.append('/').append(key.replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    private static String firstDifference(String checkedIn, String generated) {
        if (checkedIn.isEmpty()) {
            return "the file is missing or empty";
        }
        String[] was = checkedIn.split("\n", -1);
        String[] is = generated.split("\n", -1);
        for (int line = 0; line < Math.min(was.length, is.length); line++) {
            if (!was[line].equals(is[line])) {
                return "first difference at line " + (line + 1) + ": the file has '" + was[line].strip()
                        + "', the model gives '" + is[line].strip() + "'";
            }
        }
        return "the file has " + was.length + " lines, the model gives " + is.length;
    }
}
