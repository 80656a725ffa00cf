package dev.cutover.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.collections.Collections;
import dev.cutover.config.Settings;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentCodec;
import dev.cutover.document.DocumentIds;
import dev.cutover.document.Field;
import dev.cutover.document.FieldType;
import dev.cutover.document.JsonValues;
import dev.cutover.service.Version;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The data API as an OpenAPI 3.0.3 document, derived from {@link Collections#ALL}: every
 * collection's routes, filters and schema come from its {@link CollectionSpec}, so the document
 * cannot drift from the model. The output is deterministic: the same keys in the same order on
 * every build. {@code docs/openapi.json} is this document, and a test holds it to it.
 */
final class OpenApiDocument {

    static final String PATH = "/api/v1/openapi.json";

    private static final String BASE = "/api/v1/";
    private static final String JSON_TYPE = MediaType.APPLICATION_JSON;
    private static final String SCHEMAS = "#/components/schemas/";
    private static final String PARAMETERS = "#/components/parameters/";
    private static final String HEADERS = "#/components/headers/";
    private static final String RESPONSES = "#/components/responses/";
    private static final String PROBLEM = "Problem";
    private static final String META_TAG = "api";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenApiDocument() {
    }

    /** The document, built anew: callers may change their copy. */
    static ObjectNode build() {
        ObjectNode document = NODES.objectNode();
        document.put("openapi", "3.0.3");
        document.set("info", info());
        document.putArray("servers").addObject()
                .put("url", "/")
                .put("description", "the cutover service that serves this document");
        document.putArray("security").addObject().putArray("bearerAuth");
        document.set("tags", tags());
        document.set("paths", paths());
        document.set("components", components());
        return document;
    }

    /** The document as checked in and served: two-space indents, {@code "key": value}, a final newline. */
    static String json() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        try {
            return MAPPER.writer(printer).writeValueAsString(build()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain JSON nodes always serializes", e);
        }
    }

    /** The schema name of a collection's documents: its name in PascalCase ({@code user_tools}: {@code UserTools}). */
    static String schemaName(CollectionSpec spec) {
        return pascalCase(spec.name());
    }

    /** The schema name of one embedded element: its child table's name, singular ({@code ConversationMessage}). */
    static String elementSchemaName(CollectionSpec.ChildSpec children) {
        String table = children.table();
        return pascalCase(table.endsWith("s") ? table.substring(0, table.length() - 1) : table);
    }

    static String pageSchemaName(CollectionSpec spec) {
        return schemaName(spec) + "Page";
    }

    private static String pascalCase(String snakeCase) {
        StringBuilder name = new StringBuilder();
        for (String word : snakeCase.split("_")) {
            name.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
        }
        return name.toString();
    }

    // info and tags ------------------------------------------------------------------------------

    private static ObjectNode info() {
        ObjectNode info = NODES.objectNode();
        info.put("title", "cutover data API");
        info.put("version", Version.current());
        info.put("description", String.join("\n\n",
                "The same routes for every collection: `/api/v1/<collection>` lists (newest first, a page at a"
                        + " time) and creates; `/api/v1/<collection>/{id}` reads and, for entities, replaces, patches"
                        + " and deletes. Event logs are append-only.",
                "Every document carries `id` and `version`. `version` starts at 1 and grows by one with every"
                        + " write; responses send it as the `ETag` header. Send it back in `If-Match` (or, for a"
                        + " replace, as the body's `version`) and a write made meanwhile by someone else is refused"
                        + " with 409 instead of being overwritten.",
                "Documents keep fields the schema does not name: they are stored as given and returned after the"
                        + " typed fields, in sorted order. The names " + codeList(CollectionSpec.RESERVED)
                        + " and names starting with `" + CollectionSpec.HIDDEN_PREFIX + "` are reserved.",
                "Timestamps are ISO-8601 with a zone; cutover stores them to the millisecond and returns them in"
                        + " UTC with three fraction digits.",
                "Every response from a collection names the store that served it in `"
                        + HttpDocuments.STORE_HEADER + "`. Every error is `" + Problems.CONTENT_TYPE + "` (RFC 9457);"
                        + " a refused request writes nothing."));
        return info;
    }

    private static ArrayNode tags() {
        ArrayNode tags = NODES.arrayNode();
        for (CollectionSpec spec : Collections.ALL) {
            tags.addObject().put("name", spec.name()).put("description", collectionDescription(spec));
        }
        tags.addObject().put("name", META_TAG).put("description", "This document.");
        return tags;
    }

    private static String collectionDescription(CollectionSpec spec) {
        List<String> sentences = new ArrayList<>();
        if (spec.isEventLog()) {
            sentences.add("An append-only event log: events are created and read, never changed or deleted."
                    + " Creating an event with an id already stored is the same event: it is stored once and the"
                    + " stored one is returned.");
        } else {
            sentences.add("An entity: created, read, replaced, patched and deleted.");
        }
        for (CollectionSpec.UniqueKey key : spec.uniqueKeys()) {
            sentences.add("No two documents share the same " + codeList(key.fields()) + ".");
        }
        for (List<String> group : spec.oneOfGroups()) {
            sentences.add("Each document needs a value for at least one of " + codeList(group) + ".");
        }
        spec.expiresField().ifPresent(field ->
                sentences.add("A document whose `" + field + "` has passed is never served: reads and lists act as"
                        + " if it were deleted."));
        return String.join(" ", sentences);
    }

    /** Names as code, joined for a sentence: {@code `a`, `b` and `c`}. */
    private static String codeList(List<String> names) {
        List<String> quoted = names.stream().map(name -> "`" + name + "`").toList();
        if (quoted.size() == 1) {
            return quoted.get(0);
        }
        return String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.get(quoted.size() - 1);
    }

    // paths --------------------------------------------------------------------------------------

    private static ObjectNode paths() {
        ObjectNode paths = NODES.objectNode();
        for (CollectionSpec spec : Collections.ALL) {
            paths.set(BASE + spec.name(), collectionPath(spec));
            paths.set(BASE + spec.name() + "/{id}", documentPath(spec));
        }
        conversationPaths(paths, Collections.CONVERSATIONS);
        ObjectNode openApi = paths.putObject(PATH).putObject("get");
        openApi.putArray("tags").add(META_TAG);
        openApi.put("operationId", "getOpenApiDocument");
        openApi.put("summary", "This OpenAPI document");
        ObjectNode openApiResponses = openApi.putObject("responses");
        ObjectNode ok = openApiResponses.putObject("200");
        ok.put("description", "The OpenAPI 3.0.3 document of this API.");
        ok.putObject("content").putObject(JSON_TYPE).putObject("schema").put("type", "object");
        openApiResponses.set("401", ref(RESPONSES + "Unauthorized"));
        return paths;
    }

    private static ObjectNode collectionPath(CollectionSpec spec) {
        ObjectNode path = NODES.objectNode();

        String items = spec.isEventLog() ? "events" : "documents";
        ObjectNode list = operation(spec, "list", "List " + items + ", newest first");
        list.put("description", "The " + items + " ordered by `" + spec.orderField() + "`, newest first, a page at a"
                + " time: pass a page's `next_cursor` as `cursor` to get the next one; `next_cursor` is null on the"
                + " last page. Filters match by equality and combine with AND. Each parameter may be given once."
                + spec.expiresField().map(f -> " Documents whose `" + f + "` has passed are left out.").orElse(""));
        ArrayNode parameters = list.putArray("parameters");
        for (String filter : spec.filters()) {
            Field field = spec.field(filter).orElseThrow();
            ObjectNode parameter = parameters.addObject();
            parameter.put("name", filter);
            parameter.put("in", "query");
            parameter.put("required", false);
            parameter.put("description", "Only documents whose `" + filter + "` equals this value"
                    + (field.type() == FieldType.CITEXT ? ", compared case-insensitively." : "."));
            parameter.set("schema", valueSchema(field));
        }
        parameters.add(ref(PARAMETERS + "Cursor"));
        parameters.add(ref(PARAMETERS + "Limit"));
        ObjectNode listResponses = list.putObject("responses");
        listResponses.set("200", response("A page of documents.", ref(SCHEMAS + pageSchemaName(spec)),
                HttpDocuments.STORE_HEADER));
        listResponses.set("400", ref(RESPONSES + "InvalidRequest"));
        listResponses.set("401", ref(RESPONSES + "Unauthorized"));
        path.set("get", list);

        ObjectNode create = operation(spec, "create", spec.isEventLog() ? "Append an event" : "Create a document");
        create.put("description", createDescription(spec));
        create.set("requestBody", body(ref(SCHEMAS + schemaName(spec)), JSON_TYPE));
        ObjectNode createResponses = create.putObject("responses");
        createResponses.set("201", response(spec.isEventLog()
                        ? "The event as stored: the one just created, or the one first stored with this id."
                        : "The document as stored.",
                ref(SCHEMAS + schemaName(spec)), HttpHeaders.LOCATION, HttpHeaders.ETAG, HttpDocuments.STORE_HEADER));
        createResponses.set("400", ref(RESPONSES + "InvalidRequest"));
        createResponses.set("401", ref(RESPONSES + "Unauthorized"));
        if (!spec.isEventLog() || !spec.uniqueKeys().isEmpty()) {
            createResponses.set("409", ref(RESPONSES + "Conflict"));
        }
        createResponses.set("413", ref(RESPONSES + "BodyTooLarge"));
        createResponses.set("415", ref(RESPONSES + "UnsupportedMediaType"));
        path.set("post", create);
        return path;
    }

    private static String createDescription(CollectionSpec spec) {
        String id = "`id` is made by cutover (a MongoDB ObjectId) unless the body gives one, as imported data may.";
        if (spec.isEventLog()) {
            return id + " `" + CollectionSpec.TIMESTAMP + "` is the time of the request unless the body gives one."
                    + " A repeated id is the same event, stored once: the response is the event first stored with"
                    + " it, whatever this body says.";
        }
        return id + " `" + CollectionSpec.CREATED_AT + "` and `" + CollectionSpec.UPDATED_AT + "` are the time of the"
                + " request (`" + CollectionSpec.CREATED_AT + "` may be given, to keep the time of imported data)."
                + " `version` starts at 1.";
    }

    private static ObjectNode documentPath(CollectionSpec spec) {
        ObjectNode path = NODES.objectNode();
        if (spec.isEventLog()) {
            path.put("description", "Events are never changed: PUT, PATCH and DELETE on this path answer 405 with a"
                    + " problem of type `urn:cutover:problem:method-not-allowed`.");
        }
        path.putArray("parameters").add(ref(PARAMETERS + "Id"));

        ObjectNode get = operation(spec, "get", spec.isEventLog() ? "Read an event" : "Read a document");
        ObjectNode getResponses = get.putObject("responses");
        getResponses.set("200", documentResponse(spec, spec.isEventLog() ? "The event." : "The document."));
        getResponses.set("400", ref(RESPONSES + "InvalidRequest"));
        getResponses.set("401", ref(RESPONSES + "Unauthorized"));
        getResponses.set("404", ref(RESPONSES + "NotFound"));
        path.set("get", get);
        if (spec.isEventLog()) {
            return path;
        }

        ObjectNode replace = operation(spec, "replace", "Replace a document");
        replace.put("description", "Replaces the whole document: typed fields left out take their default or"
                + " become null, and unknown fields left out are dropped. `id` cannot change; `"
                + CollectionSpec.CREATED_AT + "` is kept unless the body gives one. Without `If-Match`, the body's"
                + " `version`, if any, is the version expected.");
        replace.putArray("parameters").add(ref(PARAMETERS + "IfMatch"));
        replace.set("requestBody", body(ref(SCHEMAS + schemaName(spec)), JSON_TYPE));
        replace.set("responses", writeResponses(spec, "200", "The document as replaced.", true));
        path.set("put", replace);

        ObjectNode patch = operation(spec, "patch", "Patch a document");
        patch.put("description", "Applies a JSON Merge Patch (RFC 7396): the fields given are set, a field"
                + " given as null is removed (a typed field then takes its default or becomes null), nested"
                + " objects merge. The result must meet the same rules as a replacement. Only `If-Match` sets the"
                + " version expected.");
        patch.putArray("parameters").add(ref(PARAMETERS + "IfMatch"));
        ObjectNode mergePatch = NODES.objectNode();
        mergePatch.put("type", "object");
        mergePatch.put("description", "The fields to change, as in a " + schemaName(spec) + " document.");
        mergePatch.put("additionalProperties", true);
        patch.set("requestBody", body(mergePatch, DataController.MERGE_PATCH, JSON_TYPE));
        patch.set("responses", writeResponses(spec, "200", "The document as patched.", true));
        path.set("patch", patch);

        ObjectNode delete = operation(spec, "delete", "Delete a document");
        delete.putArray("parameters").add(ref(PARAMETERS + "IfMatch"));
        ObjectNode deleteResponses = delete.putObject("responses");
        ObjectNode deleted = deleteResponses.putObject("204");
        deleted.put("description", "Deleted.");
        deleted.putObject("headers").set(HttpDocuments.STORE_HEADER, ref(HEADERS + HttpDocuments.STORE_HEADER));
        deleteResponses.set("400", ref(RESPONSES + "InvalidRequest"));
        deleteResponses.set("401", ref(RESPONSES + "Unauthorized"));
        deleteResponses.set("404", ref(RESPONSES + "NotFound"));
        deleteResponses.set("409", ref(RESPONSES + "Conflict"));
        path.set("delete", delete);
        return path;
    }

    /** The conversation routes of {@code ConversationController}: each writes the whole conversation. */
    private static void conversationPaths(ObjectNode paths, CollectionSpec spec) {
        CollectionSpec.ChildSpec messages = spec.children().orElseThrow();
        String base = BASE + spec.name() + "/{id}";
        String message = SCHEMAS + elementSchemaName(messages);

        ObjectNode append = conversationOperation(spec, "appendConversationMessage", "Append a message",
                "Adds a message after the last one. The response is the whole conversation.", false);
        append.set("requestBody", body(ref(message), JSON_TYPE));
        append.set("responses", writeResponses(spec, "201", "The conversation with the message added.", true));
        paths.putObject(base + "/messages").set("post", append);

        ObjectNode edit = conversationOperation(spec, "editConversationMessage", "Edit a message",
                "Replaces the message at `position` and drops every later one, as a regenerated answer does. The"
                        + " response is the whole conversation.", true);
        edit.set("requestBody", body(ref(message), JSON_TYPE));
        edit.set("responses", writeResponses(spec, "200", "The conversation with the message replaced.", true));
        paths.putObject(base + "/messages/{position}").set("put", edit);

        Field feedbackField = messages.fields().stream()
                .filter(f -> f.name().equals("feedback"))
                .findFirst().orElseThrow();
        ObjectNode feedback = conversationOperation(spec, "setConversationMessageFeedback", "Rate a message",
                "Sets the feedback on the message at `position`, or clears it with null. The response is the whole"
                        + " conversation.", true);
        ObjectNode feedbackBody = NODES.objectNode();
        feedbackBody.put("type", "object");
        feedbackBody.putArray("required").add(feedbackField.name());
        feedbackBody.putObject("properties").set(feedbackField.name(), fieldSchema(feedbackField, false));
        feedback.set("requestBody", body(feedbackBody, JSON_TYPE));
        feedback.set("responses", writeResponses(spec, "200", "The conversation with the feedback set.", true));
        paths.putObject(base + "/messages/{position}/feedback").set("put", feedback);

        ObjectNode share = conversationOperation(spec, "shareConversation", "Share a conversation",
                "Gives the conversation a `shared_token` unless it has one, and returns the conversation either way.",
                false);
        share.set("responses", writeResponses(spec, "200", "The conversation, with its `shared_token`.", false));
        paths.putObject(base + "/share").set("post", share);
    }

    private static ObjectNode conversationOperation(CollectionSpec spec, String operationId, String summary,
            String description, boolean atPosition) {
        ObjectNode operation = NODES.objectNode();
        operation.putArray("tags").add(spec.name());
        operation.put("operationId", operationId);
        operation.put("summary", summary);
        operation.put("description", description);
        ArrayNode parameters = operation.putArray("parameters");
        parameters.add(ref(PARAMETERS + "Id"));
        if (atPosition) {
            parameters.add(ref(PARAMETERS + "Position"));
        }
        parameters.add(ref(PARAMETERS + "IfMatch"));
        return operation;
    }

    private static ObjectNode operation(CollectionSpec spec, String verb, String summary) {
        ObjectNode operation = NODES.objectNode();
        operation.putArray("tags").add(spec.name());
        operation.put("operationId", verb + schemaName(spec));
        operation.put("summary", summary);
        return operation;
    }

    /** The responses of a write that returns the whole document; {@code hasBody} if the request has one. */
    private static ObjectNode writeResponses(CollectionSpec spec, String status, String description, boolean hasBody) {
        ObjectNode responses = NODES.objectNode();
        responses.set(status, documentResponse(spec, description));
        responses.set("400", ref(RESPONSES + "InvalidRequest"));
        responses.set("401", ref(RESPONSES + "Unauthorized"));
        responses.set("404", ref(RESPONSES + "NotFound"));
        responses.set("409", ref(RESPONSES + "Conflict"));
        if (hasBody) {
            responses.set("413", ref(RESPONSES + "BodyTooLarge"));
            responses.set("415", ref(RESPONSES + "UnsupportedMediaType"));
        }
        return responses;
    }

    private static ObjectNode documentResponse(CollectionSpec spec, String description) {
        return response(description, ref(SCHEMAS + schemaName(spec)), HttpHeaders.ETAG, HttpDocuments.STORE_HEADER);
    }

    private static ObjectNode response(String description, ObjectNode schema, String... headers) {
        ObjectNode response = NODES.objectNode();
        response.put("description", description);
        ObjectNode headerRefs = response.putObject("headers");
        for (String header : headers) {
            headerRefs.set(header, ref(HEADERS + header));
        }
        response.putObject("content").putObject(JSON_TYPE).set("schema", schema);
        return response;
    }

    private static ObjectNode body(ObjectNode schema, String... mediaTypes) {
        ObjectNode body = NODES.objectNode();
        body.put("required", true);
        ObjectNode content = body.putObject("content");
        for (String mediaType : mediaTypes) {
            content.putObject(mediaType).set("schema", schema.deepCopy());
        }
        return body;
    }

    private static ObjectNode ref(String target) {
        return NODES.objectNode().put("$ref", target);
    }

    // components ---------------------------------------------------------------------------------

    private static ObjectNode components() {
        ObjectNode components = NODES.objectNode();
        ObjectNode bearer = components.putObject("securitySchemes").putObject("bearerAuth");
        bearer.put("type", "http");
        bearer.put("scheme", "bearer");
        bearer.put("description", "The API_TOKEN the service runs with: `Authorization: Bearer <API_TOKEN>`."
                + " The ADMIN_TOKEN does not open the data API.");
        components.set("parameters", parameters());
        components.set("headers", headers());
        components.set("responses", problemResponses());
        components.set("schemas", schemas());
        return components;
    }

    private static ObjectNode parameters() {
        ObjectNode parameters = NODES.objectNode();

        ObjectNode id = parameters.putObject("Id");
        id.put("name", "id");
        id.put("in", "path");
        id.put("required", true);
        id.put("description", "The document's id: " + DocumentIds.DESCRIPTION + ".");
        id.putObject("schema").put("type", "string").put("minLength", 1).put("maxLength", 128);

        ObjectNode position = parameters.putObject("Position");
        position.put("name", "position");
        position.put("in", "path");
        position.put("required", true);
        position.put("description", "The message's position in `queries`: 0 is the first.");
        position.putObject("schema").put("type", "integer").put("format", "int32").put("minimum", 0);

        ObjectNode ifMatch = parameters.putObject("IfMatch");
        ifMatch.put("name", HttpHeaders.IF_MATCH);
        ifMatch.put("in", "header");
        ifMatch.put("required", false);
        ifMatch.put("description", "The version the write expects, as an `ETag` this service sent (such as"
                + " `\"3\"`). If the stored version is another, nothing is written and the answer is 409. Without"
                + " it, the write applies to whatever version is stored.");
        ifMatch.putObject("schema").put("type", "string").put("example", "\"3\"");

        ObjectNode cursor = parameters.putObject("Cursor");
        cursor.put("name", "cursor");
        cursor.put("in", "query");
        cursor.put("required", false);
        cursor.put("description", "The `next_cursor` of the previous page, as given; omit it for the first page.");
        cursor.putObject("schema").put("type", "string");

        ObjectNode limit = parameters.putObject("Limit");
        limit.put("name", "limit");
        limit.put("in", "query");
        limit.put("required", false);
        limit.put("description", "The most documents the page may hold: " + ApiLimits.DEFAULT_PAGE_SIZE + " if"
                + " omitted, at most MAX_PAGE_SIZE (" + Settings.DEFAULT_MAX_PAGE_SIZE + " unless configured).");
        limit.putObject("schema").put("type", "integer").put("format", "int32").put("minimum", 1)
                .put("default", ApiLimits.DEFAULT_PAGE_SIZE);
        return parameters;
    }

    private static ObjectNode headers() {
        ObjectNode headers = NODES.objectNode();
        ObjectNode etag = headers.putObject(HttpHeaders.ETAG);
        etag.put("description", "The document's `version`, quoted: send it back in `If-Match`.");
        etag.putObject("schema").put("type", "string").put("example", "\"1\"");

        ObjectNode store = headers.putObject(HttpDocuments.STORE_HEADER);
        store.put("description", "The store that served the request.");
        store.putObject("schema").put("type", "string").putArray("enum").add("mongo").add("postgres");

        ObjectNode location = headers.putObject(HttpHeaders.LOCATION);
        location.put("description", "The path of the new document: `/api/v1/<collection>/<id>`.");
        location.putObject("schema").put("type", "string");

        ObjectNode authenticate = headers.putObject(HttpHeaders.WWW_AUTHENTICATE);
        authenticate.put("description", "The scheme to authenticate with.");
        authenticate.putObject("schema").put("type", "string").put("example", "Bearer realm=\"cutover\"");
        return headers;
    }

    private static ObjectNode problemResponses() {
        ObjectNode responses = NODES.objectNode();
        responses.set("InvalidRequest", problem("The request breaks a rule: a body that is not one JSON object"
                + " of valid UTF-8 without repeated keys, a field that breaks the collection's rules, an unknown"
                + " filter, a bad cursor, limit, id or If-Match. `errors` lists every field at fault at once."));
        ObjectNode unauthorized = problem("No bearer token, or not the API_TOKEN.");
        unauthorized.putObject("headers")
                .set(HttpHeaders.WWW_AUTHENTICATE, ref(HEADERS + HttpHeaders.WWW_AUTHENTICATE));
        responses.set("Unauthorized", unauthorized);
        responses.set("NotFound", problem("No document has this id (for message routes: or the conversation has"
                + " no message at this position). An expired document is not found."));
        responses.set("Conflict", problem("Nothing was written. `stale-version`: the stored version is not the one"
                + " expected (read the document again and reapply the change). `duplicate`: another document"
                + " already has this id or these unique values; `errors` names the fields."));
        responses.set("BodyTooLarge", problem("The body is larger than MAX_BODY_SIZE (" + Settings.DEFAULT_MAX_BODY_SIZE
                + " bytes unless configured)."));
        responses.set("UnsupportedMediaType", problem("The body is not sent as `" + JSON_TYPE + "` (or, for a"
                + " patch, `" + DataController.MERGE_PATCH + "`)."));
        return responses;
    }

    private static ObjectNode problem(String description) {
        ObjectNode response = NODES.objectNode();
        response.put("description", description);
        response.putObject("content").putObject(Problems.CONTENT_TYPE).set("schema", ref(SCHEMAS + PROBLEM));
        return response;
    }

    private static ObjectNode schemas() {
        ObjectNode schemas = NODES.objectNode();
        schemas.set(PROBLEM, problemSchema());
        for (CollectionSpec spec : Collections.ALL) {
            schemas.set(schemaName(spec), documentSchema(spec));
            spec.children().ifPresent(children -> schemas.set(elementSchemaName(children), elementSchema(children)));
            schemas.set(pageSchemaName(spec), pageSchema(spec));
        }
        return schemas;
    }

    private static ObjectNode problemSchema() {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.put("description", "What went wrong (RFC 9457).");
        schema.putArray("required").add("type").add("title").add("status").add("detail");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("type").put("type", "string")
                .put("description", "The kind of problem: `urn:cutover:problem:` followed by invalid-request,"
                        + " unauthorized, not-found, method-not-allowed, duplicate, stale-version, body-too-large or"
                        + " unsupported-media-type.")
                .put("example", "urn:cutover:problem:invalid-request");
        properties.putObject("title").put("type", "string").put("description", "The HTTP status's reason phrase.");
        properties.putObject("status").put("type", "integer").put("format", "int32")
                .put("description", "The HTTP status.");
        properties.putObject("detail").put("type", "string")
                .put("description", "What went wrong this time, and what to do about it.");
        ObjectNode errors = properties.putObject("errors");
        errors.put("type", "array");
        errors.put("description", "Every field at fault (invalid-request, duplicate); absent otherwise.");
        ObjectNode error = errors.putObject("items");
        error.put("type", "object");
        error.putArray("required").add("field").add("problem");
        ObjectNode errorProperties = error.putObject("properties");
        errorProperties.putObject("field").put("type", "string")
                .put("description", "The field as the client wrote it: `name`, `queries[0].feedback`, `body`,"
                        + " a query parameter or a header.")
                .put("example", "chunks");
        errorProperties.putObject("problem").put("type", "string")
                .put("description", "What is wrong with it.")
                .put("example", "must be between 0 and 1000, but was 5000");
        return schema;
    }

    private static ObjectNode documentSchema(CollectionSpec spec) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.put("description", "A document of " + spec.name() + ". " + collectionDescription(spec));
        ArrayNode required = schema.putArray("required").add(DocumentCodec.ID).add(DocumentCodec.VERSION);
        ObjectNode properties = schema.putObject("properties");
        properties.putObject(DocumentCodec.ID)
                .put("type", "string")
                .put("readOnly", true)
                .put("description", DocumentIds.DESCRIPTION + ". Made by cutover unless a create gives one.");
        properties.putObject(DocumentCodec.VERSION)
                .put("type", "integer")
                .put("format", "int64")
                .put("minimum", 1)
                .put("readOnly", true)
                .put("description", spec.isEventLog()
                        ? "Always 1: events never change. Also sent as the ETag."
                        : "1 when created, one more with every write; also sent as the ETag.");
        for (Field field : spec.fields()) {
            properties.set(field.name(), fieldSchema(field, stampedByCutover(spec, field)));
            if (field.mandatory() && field.defaultValue() == null) {
                required.add(field.name());
            }
        }
        spec.children().ifPresent(children -> {
            ObjectNode array = properties.putObject(children.field());
            array.put("type", "array");
            array.put("description", "In order, oldest first. Always present in responses.");
            array.set("items", ref(SCHEMAS + elementSchemaName(children)));
            array.putArray("default");
        });
        schema.put("additionalProperties", true);
        return schema;
    }

    private static ObjectNode elementSchema(CollectionSpec.ChildSpec children) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.put("description", "One element of `" + children.field() + "`. Unknown fields are kept.");
        ArrayNode required = schema.putArray("required");
        ObjectNode properties = schema.putObject("properties");
        for (Field field : children.fields()) {
            properties.set(field.name(), fieldSchema(field, false));
            if (field.mandatory() && field.defaultValue() == null) {
                required.add(field.name());
            }
        }
        schema.put("additionalProperties", true);
        return schema;
    }

    private static ObjectNode pageSchema(CollectionSpec spec) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.put("description", "One page of " + spec.name() + ", newest first.");
        schema.putArray("required").add("items").add("next_cursor");
        ObjectNode properties = schema.putObject("properties");
        ObjectNode items = properties.putObject("items");
        items.put("type", "array");
        items.set("items", ref(SCHEMAS + schemaName(spec)));
        properties.putObject("next_cursor")
                .put("type", "string")
                .put("nullable", true)
                .put("description", "Pass as `cursor` for the next page; null on the last page.");
        return schema;
    }

    /** The timestamps cutover sets itself: a client may give one on create, but need not. */
    private static boolean stampedByCutover(CollectionSpec spec, Field field) {
        return field.name().equals(spec.orderField())
                || (!spec.isEventLog() && field.name().equals(CollectionSpec.UPDATED_AT));
    }

    /** A field's schema in a document: its value's schema, nullability, default and meaning. */
    private static ObjectNode fieldSchema(Field field, boolean stamped) {
        ObjectNode schema = valueSchema(field);
        boolean optional = !field.mandatory() && field.defaultValue() == null;
        if (optional) {
            schema.put("nullable", true);
            // OpenAPI 3.0.3: an enum limits null too, unless it lists it.
            if (schema.has("enum")) {
                ((ArrayNode) schema.get("enum")).addNull();
            }
        }
        if (field.defaultValue() != null) {
            schema.set("default", JsonValues.toJson(field.defaultValue()));
        }
        if (stamped) {
            schema.put("readOnly", true);
        }
        String description = fieldDescription(field, stamped);
        if (!description.isEmpty()) {
            schema.put("description", description);
        }
        return schema;
    }

    private static String fieldDescription(Field field, boolean stamped) {
        List<String> notes = new ArrayList<>();
        if (stamped && field.name().equals(CollectionSpec.UPDATED_AT)) {
            notes.add("Set by cutover at every write.");
        } else if (stamped) {
            notes.add("Set by cutover to the time of the create unless the body gives one; lists are ordered by it,"
                    + " newest first.");
        }
        if (field.mandatory() && (field.type() == FieldType.TEXT || field.type() == FieldType.CITEXT)) {
            notes.add("Must not be blank.");
        }
        if (field.type() == FieldType.CITEXT) {
            notes.add("Compared case-insensitively.");
        }
        if (field.type() == FieldType.JSON) {
            notes.add("Any JSON value.");
        }
        if (!field.mandatory() && field.defaultValue() != null) {
            notes.add("Absent or null takes the default.");
        }
        return String.join(" ", notes);
    }

    /** The schema of a field's values alone, as a filter parameter takes them. */
    private static ObjectNode valueSchema(Field field) {
        ObjectNode schema = NODES.objectNode();
        switch (field.type()) {
            case TEXT, CITEXT -> {
                schema.put("type", "string");
                if (field.maxLength() > 0) {
                    schema.put("maxLength", field.maxLength());
                }
                if (!field.allowed().isEmpty()) {
                    ArrayNode allowed = schema.putArray("enum");
                    field.allowed().stream().sorted().forEach(allowed::add);
                }
            }
            case INTEGER -> integerSchema(schema, "int32", field, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT -> integerSchema(schema, "int64", field, Long.MIN_VALUE, Long.MAX_VALUE);
            case BOOLEAN -> schema.put("type", "boolean");
            case TIMESTAMP -> schema.put("type", "string").put("format", "date-time");
            case TEXT_ARRAY -> {
                schema.put("type", "array");
                schema.putObject("items").put("type", "string");
            }
            case JSON -> {
                // No type: any JSON value.
            }
        }
        return schema;
    }

    /** Bounds are written only where they are narrower than the format's. */
    private static void integerSchema(ObjectNode schema, String format, Field field, long formatMin, long formatMax) {
        schema.put("type", "integer");
        schema.put("format", format);
        if (field.min() != formatMin) {
            schema.put("minimum", field.min());
        }
        if (field.max() != formatMax) {
            schema.put("maximum", field.max());
        }
    }
}
