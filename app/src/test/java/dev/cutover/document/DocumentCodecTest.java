package dev.cutover.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.collections.Collections;
import dev.cutover.document.DocumentException.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The API's JSON form of documents: every rule a client's body must follow, and the form written back. */
class DocumentCodecTest {

    /** The JSON a client sends; the tests write it with single quotes to stay readable. */
    private static final ObjectMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    private static final ObjectMapper STRICT = new ObjectMapper();

    private static final String ID = "65b9f0c2a1b2c3d4e5f60718";
    private static final long VERSION = 3;
    private static final String NOW = "2026-01-31T10:00:00Z";

    private static final DocumentCodec PROMPTS = new DocumentCodec(Collections.PROMPTS);
    private static final DocumentCodec USER_TOOLS = new DocumentCodec(Collections.USER_TOOLS);
    private static final DocumentCodec FEEDBACK = new DocumentCodec(Collections.FEEDBACK);
    private static final DocumentCodec TOKEN_USAGE = new DocumentCodec(Collections.TOKEN_USAGE);
    private static final DocumentCodec AGENTS = new DocumentCodec(Collections.AGENTS);
    private static final DocumentCodec SOURCES = new DocumentCodec(Collections.SOURCES);
    private static final DocumentCodec CONVERSATIONS = new DocumentCodec(Collections.CONVERSATIONS);
    private static final DocumentCodec PENDING_TOOL_STATE = new DocumentCodec(Collections.PENDING_TOOL_STATE);

    private static JsonNode json(String text) {
        try {
            return LENIENT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON does not parse: " + text, e);
        }
    }

    private static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    private static ObjectNode prompt() {
        return object("{'user_id': 'u1', 'name': 'Greeting', 'content': 'Say hi', 'created_at': '" + NOW
                + "', 'updated_at': '" + NOW + "'}");
    }

    private static ObjectNode userTool() {
        return object("{'user_id': 'u1', 'name': 'search', 'created_at': '" + NOW + "', 'updated_at': '" + NOW + "'}");
    }

    private static ObjectNode agent() {
        return object("{'user_id': 'u1', 'name': 'Helper', 'created_at': '" + NOW + "', 'updated_at': '" + NOW + "'}");
    }

    private static ObjectNode source() {
        return object("{'user_id': 'u1', 'name': 'Docs', 'created_at': '" + NOW + "', 'updated_at': '" + NOW + "'}");
    }

    private static ObjectNode feedback() {
        return object("{'user_id': 'u1', 'conversation_id': 'c1', 'feedback': 'like', 'timestamp': '" + NOW + "'}");
    }

    private static ObjectNode tokenUsage() {
        return object("{'prompt_tokens': 10, 'generated_tokens': 20, 'timestamp': '" + NOW + "'}");
    }

    private static ObjectNode conversation() {
        return object("{'user_id': 'u1', 'created_at': '" + NOW + "', 'updated_at': '" + NOW + "'}");
    }

    private static List<FieldError> errorsOf(DocumentCodec codec, JsonNode body) {
        return assertThrows(DocumentException.Invalid.class, () -> codec.fromJson(body, ID, VERSION)).errors();
    }

    private static FieldError onlyError(List<FieldError> errors) {
        assertEquals(1, errors.size(), () -> "expected one error, got " + errors);
        return errors.get(0);
    }

    private static Set<String> fieldsOf(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).collect(Collectors.toSet());
    }

    private static List<String> keysOf(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static String nested(String open, String inner, String close, int levels) {
        return open.repeat(levels) + inner + close.repeat(levels);
    }

    // The body --------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "[]          | body must be a JSON object, but was an array",
            "'text'      | body must be a JSON object, but was a string",
            "42          | body must be a JSON object, but was a number"})
    void shouldRejectBodyWhenItIsNotAJsonObject(String body, String message) {
        JsonNode node = json(body);

        DocumentException.Invalid invalid =
                assertThrows(DocumentException.Invalid.class, () -> PROMPTS.fromJson(node, ID, VERSION));

        assertEquals(message, invalid.getMessage());
        assertEquals("body", onlyError(invalid.errors()).field());
    }

    @Test
    void shouldReadEveryTypedFieldWhenBodyIsValid() {
        ObjectNode body = prompt();

        Document document = PROMPTS.fromJson(body, ID, VERSION);

        assertEquals(ID, document.id());
        assertEquals(VERSION, document.version());
        assertEquals("u1", document.get("user_id"));
        assertEquals("Greeting", document.get("name"));
        assertEquals("Say hi", document.get("content"));
        assertEquals(Instant.parse(NOW), document.get("created_at"));
        assertEquals(List.of("user_id", "name", "content", "created_at", "updated_at"),
                List.copyOf(document.fields().keySet()));
        assertEquals(Map.of(), document.extra());
    }

    // Required, optional and defaults --------------------------------------------------------------

    @Test
    void shouldReportRequiredWhenMandatoryFieldIsMissing() {
        ObjectNode body = prompt();
        body.remove("name");

        DocumentException.Invalid invalid =
                assertThrows(DocumentException.Invalid.class, () -> PROMPTS.fromJson(body, ID, VERSION));

        assertEquals(List.of(new FieldError("name", "is required")), invalid.errors());
        assertEquals("name is required", invalid.getMessage());
    }

    @Test
    void shouldReportRequiredWhenMandatoryFieldIsNull() {
        ObjectNode body = prompt().putNull("name");

        List<FieldError> errors = errorsOf(PROMPTS, body);

        assertEquals(List.of(new FieldError("name", "is required")), errors);
    }

    @Test
    void shouldReportRequiredWhenMandatoryJsonFieldIsNull() {
        ObjectNode body = object("{'conversation_id': 'c1', 'user_id': 'u1', 'state': null, 'expires_at': '"
                + NOW + "', 'created_at': '" + NOW + "', 'updated_at': '" + NOW + "'}");

        List<FieldError> errors = errorsOf(PENDING_TOOL_STATE, body);

        assertEquals(List.of(new FieldError("state", "is required")), errors);
    }

    @Test
    void shouldUseDefaultsWhenOptionalFieldsAreMissing() {
        ObjectNode body = userTool();

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        assertEquals(true, document.get("status"));
        assertEquals(Map.of(), document.get("config"));
        assertEquals(List.of(), document.get("actions"));
    }

    @Test
    void shouldUseDefaultsWhenOptionalFieldsAreNull() {
        ObjectNode body = userTool().putNull("status").putNull("config");

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        assertEquals(true, document.get("status"));
        assertEquals(Map.of(), document.get("config"));
    }

    @Test
    void shouldHoldNullWhenOptionalFieldWithoutDefaultIsMissing() {
        ObjectNode body = userTool();

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        assertTrue(document.fields().containsKey("display_name"));
        assertNull(document.get("display_name"));
        assertNull(document.get("description"));
    }

    @Test
    void shouldKeepGivenValueWhenOptionalFieldWithDefaultIsSet() {
        ObjectNode body = userTool().put("status", false);

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        assertEquals(false, document.get("status"));
    }

    // TEXT -------------------------------------------------------------------------------------------

    @Test
    void shouldRejectTextWhenValueIsANumber() {
        ObjectNode body = prompt().put("name", 5);

        List<FieldError> errors = errorsOf(PROMPTS, body);

        assertEquals(List.of(new FieldError("name", "must be a string, but was a number")), errors);
    }

    @Test
    void shouldRejectTextWhenItContainsANulCharacter() {
        ObjectNode body = prompt().put("content", "before\u0000after");

        FieldError error = onlyError(errorsOf(PROMPTS, body));

        assertEquals("content", error.field());
        assertTrue(error.problem().contains("NUL"), error.problem());
        assertTrue(error.problem().contains("PostgreSQL"), error.problem());
    }

    @Test
    void shouldRejectTextWhenLongerThanMaxLength() {
        ObjectNode body = prompt().put("name", "x".repeat(300));

        List<FieldError> errors = errorsOf(PROMPTS, body);

        assertEquals(List.of(new FieldError("name", "must be at most 256 characters, but was 300")), errors);
    }

    @Test
    void shouldAcceptTextWhenExactlyMaxLength() {
        ObjectNode body = prompt().put("name", "x".repeat(256));

        Document document = PROMPTS.fromJson(body, ID, VERSION);

        assertEquals("x".repeat(256), document.get("name"));
    }

    @Test
    void shouldRejectTextWhenNotOneOfTheAllowedValues() {
        ObjectNode body = feedback().put("feedback", "meh");

        List<FieldError> errors = errorsOf(FEEDBACK, body);

        assertEquals(List.of(new FieldError("feedback", "must be one of [dislike, like], but was 'meh'")), errors);
    }

    @Test
    void shouldAcceptTextWhenOneOfTheAllowedValues() {
        ObjectNode body = feedback().put("feedback", "dislike");

        Document document = FEEDBACK.fromJson(body, ID, VERSION);

        assertEquals("dislike", document.get("feedback"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t\n"})
    void shouldRejectMandatoryTextWhenBlank(String blank) {
        ObjectNode body = prompt().put("content", blank);

        List<FieldError> errors = errorsOf(PROMPTS, body);

        assertEquals(List.of(new FieldError("content", "must not be blank")), errors);
    }

    @Test
    void shouldKeepOptionalTextWhenBlank() {
        ObjectNode body = userTool().put("description", "   ");

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        assertEquals("   ", document.get("description"));
    }

    // INTEGER and BIGINT -----------------------------------------------------------------------------

    @Test
    void shouldReadWholeNumberAsLongWhenIntegerIsInRange() {
        ObjectNode body = agent().put("chunks", 1000);

        Document document = AGENTS.fromJson(body, ID, VERSION);

        assertInstanceOf(Long.class, document.get("chunks"));
        assertEquals(1000L, document.get("chunks"));
    }

    @Test
    void shouldRejectIntegerWhenValueHasAFraction() {
        ObjectNode body = agent().put("chunks", 1.5);

        List<FieldError> errors = errorsOf(AGENTS, body);

        assertEquals(List.of(new FieldError("chunks", "must be a whole number, but was a number")), errors);
    }

    @Test
    void shouldRejectIntegerWhenValueIsAStringOfDigits() {
        ObjectNode body = agent().put("chunks", "5");

        List<FieldError> errors = errorsOf(AGENTS, body);

        assertEquals(List.of(new FieldError("chunks", "must be a whole number, but was a string")), errors);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"5000 | must be between 0 and 1000, but was 5000",
            "-1   | must be between 0 and 1000, but was -1"})
    void shouldRejectIntegerWhenOutsideItsRange(long value, String problem) {
        ObjectNode body = agent().put("chunks", value);

        List<FieldError> errors = errorsOf(AGENTS, body);

        assertEquals(List.of(new FieldError("chunks", problem)), errors);
    }

    @Test
    void shouldRejectIntegerWhenBeyondThe32BitRange() {
        ObjectNode body = feedback().set("question_index", json("2147483648"));

        List<FieldError> errors = errorsOf(FEEDBACK, body);

        assertEquals(List.of(new FieldError("question_index", "must be between 0 and 2147483647, but was 2147483648")),
                errors);
    }

    @Test
    void shouldAcceptBigintWhenBeyondThe32BitRange() {
        ObjectNode body = source().set("tokens", json("9007199254740993"));

        Document document = SOURCES.fromJson(body, ID, VERSION);

        assertEquals(9_007_199_254_740_993L, document.get("tokens"));
    }

    @Test
    void shouldRejectBigintWhenBeyondThe64BitRange() {
        ObjectNode body = source().set("tokens", json("9223372036854775808"));

        FieldError error = onlyError(errorsOf(SOURCES, body));

        assertEquals("tokens", error.field());
    }

    // BOOLEAN ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'true'  | must be true or false, but was a string",
            "1       | must be true or false, but was a number",
            "[true]  | must be true or false, but was an array"})
    void shouldRejectBooleanWhenValueIsNotTrueOrFalse(String value, String problem) {
        ObjectNode body = userTool().set("status", json(value));

        List<FieldError> errors = errorsOf(USER_TOOLS, body);

        assertEquals(List.of(new FieldError("status", problem)), errors);
    }

    // TIMESTAMP --------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            "2026-01-31T12:00:00.123456+02:00, 2026-01-31T10:00:00.123Z",
            "2026-01-31T10:00:00Z,             2026-01-31T10:00:00.000Z",
            "2026-01-31T23:30:00.999999999-01:00, 2026-02-01T00:30:00.999Z",
            "2026-01-31T10:00:00.5+00:00,      2026-01-31T10:00:00.500Z"})
    void shouldNormalizeTimestampToUtcMillisWhenGivenWithAnyOffset(String given, String expected) {
        ObjectNode body = prompt().put("created_at", given);

        Document document = PROMPTS.fromJson(body, ID, VERSION);

        assertEquals(Instant.parse(expected), document.get("created_at"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-31T12:00:00", "2026-01-31", "yesterday", "31/01/2026 12:00 UTC"})
    void shouldRejectTimestampWhenItHasNoZoneOrIsNotIso(String given) {
        ObjectNode body = prompt().put("created_at", given);

        FieldError error = onlyError(errorsOf(PROMPTS, body));

        assertEquals("created_at", error.field());
        assertTrue(error.problem().contains(given), error.problem());
    }

    @ParameterizedTest
    @ValueSource(strings = {"+10000-01-01T00:00:00Z", "10000-01-01T00:00:00Z"})
    void shouldRejectTimestampWhenYearIs10000(String given) {
        ObjectNode body = prompt().put("created_at", given);

        FieldError error = onlyError(errorsOf(PROMPTS, body));

        assertEquals("created_at", error.field());
    }

    @Test
    void shouldAcceptTimestampWhenLastMillisecondOfYear9999() {
        ObjectNode body = prompt().put("created_at", "9999-12-31T23:59:59.999Z");

        Document document = PROMPTS.fromJson(body, ID, VERSION);

        assertEquals(Instant.parse("9999-12-31T23:59:59.999Z"), document.get("created_at"));
    }

    @Test
    void shouldRejectTimestampWhenGivenAsEpochNumber() {
        ObjectNode body = prompt().put("created_at", 1_769_853_600_000L);

        FieldError error = onlyError(errorsOf(PROMPTS, body));

        assertEquals("created_at", error.field());
        assertTrue(error.problem().endsWith("but was a number"), error.problem());
    }

    // TEXT_ARRAY -------------------------------------------------------------------------------------

    @Test
    void shouldReadTextArrayWhenEveryElementIsAString() {
        ObjectNode body = agent().set("tools", json("['search', 'fetch']"));

        Document document = AGENTS.fromJson(body, ID, VERSION);

        assertEquals(List.of("search", "fetch"), document.get("tools"));
    }

    @Test
    void shouldReportIndexPathWhenTextArrayElementIsNotAString() {
        ObjectNode body = agent().set("tools", json("['search', 7, 'fetch']"));

        List<FieldError> errors = errorsOf(AGENTS, body);

        assertEquals(List.of(new FieldError("tools[1]", "must be a string, but was a number")), errors);
    }

    @Test
    void shouldRejectTextArrayWhenValueIsAString() {
        ObjectNode body = agent().put("tools", "search");

        FieldError error = onlyError(errorsOf(AGENTS, body));

        assertEquals("tools", error.field());
    }

    @Test
    void shouldReportIndexPathWhenTextArrayElementContainsNul() {
        ObjectNode body = agent();
        body.putArray("tools").add("search").add("fe\u0000tch");

        FieldError error = onlyError(errorsOf(AGENTS, body));

        assertEquals("tools[1]", error.field());
        assertTrue(error.problem().contains("NUL"), error.problem());
    }

    // JSON -------------------------------------------------------------------------------------------

    @Test
    void shouldCanonicalizeJsonWhenFieldHoldsAnObject() {
        ObjectNode body = userTool().set("config",
                json("{'b': 1, 'a': 2.5, 'c': [true, null, 'x'], 'd': {'z': 1, 'y': 2}}"));

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        Map<?, ?> config = (Map<?, ?>) document.get("config");
        assertEquals(Map.of("a", 2.5, "b", 1L, "c", Arrays.asList(true, null, "x"), "d", Map.of("y", 2L, "z", 1L)),
                config);
        assertInstanceOf(Long.class, config.get("b"));
        assertInstanceOf(Double.class, config.get("a"));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(config.keySet()));
        assertEquals(List.of("y", "z"), List.copyOf(((Map<?, ?>) config.get("d")).keySet()));
    }

    @Test
    void shouldKeepScalarsAsGivenWhenJsonFieldHoldsThem() {
        ObjectNode body = userTool().put("config", "plain text").put("actions", 3);

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        assertEquals("plain text", document.get("config"));
        assertEquals(3L, document.get("actions"));
    }

    @Test
    void shouldReadJsonIntegerAsLongWhenAtTheEdgeOf64Bits() {
        ObjectNode body = userTool().set("config", json("{'max': 9223372036854775807, 'min': -9223372036854775808}"));

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        assertEquals(Map.of("max", Long.MAX_VALUE, "min", Long.MIN_VALUE), document.get("config"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "123456789012345678901234567890"})
    void shouldRejectJsonNumberWhenBeyond64Bits(String number) {
        ObjectNode body = userTool().set("config", json("{'n': " + number + "}"));

        FieldError error = onlyError(errorsOf(USER_TOOLS, body));

        assertEquals("config.n", error.field());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"[ | 1 | ]", "{'a': | 1 | }"})
    void shouldAcceptJsonWhenNested32Deep(String open, String inner, String close) {
        ObjectNode body = userTool().set("config", json(nested(open, inner, close, 32)));

        Document document = USER_TOOLS.fromJson(body, ID, VERSION);

        assertEquals(json(nested(open, inner, close, 32)).toString(), JsonValues.toJson(document.get("config")).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"[ | 1 | ]", "{'a': | 1 | }"})
    void shouldRejectJsonWhenNested33Deep(String open, String inner, String close) {
        ObjectNode body = userTool().set("config", json(nested(open, inner, close, 33)));

        FieldError error = onlyError(errorsOf(USER_TOOLS, body));

        assertTrue(error.field().startsWith("config"), error.field());
        assertTrue(error.problem().contains("32"), error.problem());
    }

    /** Thirty-three containers one inside another, the innermost empty or holding only null. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"[ | \"\" | ] | 33", "{'a': | {} | } | 32", "[ | null | ] | 33"})
    void shouldRejectJsonWhenContainersWithoutScalarsNest33Deep(String open, String inner, String close, int levels) {
        ObjectNode body = userTool().set("config", json(nested(open, inner, close, levels)));

        List<FieldError> errors = errorsOf(USER_TOOLS, body);

        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).field().startsWith("config"), errors.get(0).field());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'$set': 1}                | config.$set",
            "{'a.b': 1}                 | config.a.b",
            "{'ok': {'$where': 'x'}}    | config.ok.$where",
            "{'list': [1, {'x.y': 2}]}  | config.list[1].x.y"})
    void shouldRejectJsonKeyWithItsPathWhenKeyIsOneMongoDbCannotHold(String config, String path) {
        ObjectNode body = userTool().set("config", json(config));

        FieldError error = onlyError(errorsOf(USER_TOOLS, body));

        assertEquals(path, error.field());
    }

    @Test
    void shouldRejectNestedStringWithItsPathWhenItContainsNul() {
        ObjectNode body = userTool();
        body.putObject("config").putArray("a").add("fine").add("bro\u0000ken");

        FieldError error = onlyError(errorsOf(USER_TOOLS, body));

        assertEquals("config.a[1]", error.field());
        assertTrue(error.problem().contains("NUL"), error.problem());
    }

    // Unknown and reserved top-level fields ----------------------------------------------------------

    @Test
    void shouldKeepUnknownFieldsInCanonicalFormWhenBodyHasThem() {
        ObjectNode body = prompt().put("client_note", "hi").set("meta", json("{'b': 1, 'a': [2.5, {'d': 3, 'c': 4}]}"));

        Document document = PROMPTS.fromJson(body, ID, VERSION);

        assertEquals(Map.of("client_note", "hi", "meta", Map.of("a", List.of(2.5, Map.of("c", 4L, "d", 3L)), "b", 1L)),
                document.extra());
        Map<?, ?> meta = (Map<?, ?>) document.extra().get("meta");
        assertEquals(List.of("a", "b"), List.copyOf(meta.keySet()));
        assertFalse(document.fields().containsKey("client_note"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"_id", "_version", "extra"})
    void shouldRejectUnknownFieldWhenItsNameIsReserved(String reserved) {
        ObjectNode body = prompt().put(reserved, "x");

        List<FieldError> errors = errorsOf(PROMPTS, body);

        assertEquals(List.of(new FieldError(reserved, "is a reserved name")), errors);
    }

    @Test
    void shouldRejectUnknownFieldWhenItsKeyStartsWithDollar() {
        ObjectNode body = prompt().put("$where", "x");

        FieldError error = onlyError(errorsOf(PROMPTS, body));

        assertEquals("$where", error.field());
    }

    @Test
    void shouldIgnoreIdAndVersionWhenBodyContainsThem() {
        ObjectNode body = prompt().put("id", "someone-elses-id").put("version", "not even a number");

        Document document = PROMPTS.fromJson(body, ID, VERSION);

        assertEquals(ID, document.id());
        assertEquals(VERSION, document.version());
        assertEquals(Map.of(), document.extra());
        assertFalse(document.fields().containsKey("id"));
        assertFalse(document.fields().containsKey("version"));
    }

    // Every problem at once --------------------------------------------------------------------------

    @Test
    void shouldReportEveryProblemWhenBodyHasThreeInvalidFields() {
        ObjectNode body = prompt().put("name", 5).put("created_at", "yesterday");
        body.remove("content");

        DocumentException.Invalid invalid =
                assertThrows(DocumentException.Invalid.class, () -> PROMPTS.fromJson(body, ID, VERSION));

        assertEquals(3, invalid.errors().size(), invalid.errors()::toString);
        assertEquals(Set.of("name", "content", "created_at"), fieldsOf(invalid.errors()));
        assertTrue(invalid.getMessage().contains("name must be a string, but was a number"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("content is required"), invalid.getMessage());
    }

    @Test
    void shouldReportEveryProblemWhenTheyAreInTypedFieldsElementsAndUnknownFields() {
        ObjectNode body = conversation().put("_id", "x").set("queries", json("[{'prompt': 'hi'}, {'prompt': 5}]"));
        body.remove("user_id");

        List<FieldError> errors = errorsOf(CONVERSATIONS, body);

        assertEquals(3, errors.size(), errors::toString);
        assertEquals(Set.of("user_id", "queries[1].prompt", "_id"), fieldsOf(errors));
    }

    // One-of groups ----------------------------------------------------------------------------------

    @Test
    void shouldRequireUserIdOrApiKeyWhenTokenUsageHasNeither() {
        ObjectNode body = tokenUsage();

        FieldError error = onlyError(errorsOf(TOKEN_USAGE, body));

        assertEquals("user_id or api_key", error.field());
    }

    @Test
    void shouldRequireUserIdOrApiKeyWhenTokenUsageHasBothNull() {
        ObjectNode body = tokenUsage().putNull("user_id").putNull("api_key");

        FieldError error = onlyError(errorsOf(TOKEN_USAGE, body));

        assertEquals("user_id or api_key", error.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"user_id", "api_key"})
    void shouldAcceptTokenUsageWhenItHasOneOfUserIdAndApiKey(String field) {
        ObjectNode body = tokenUsage().put(field, "someone");

        Document document = TOKEN_USAGE.fromJson(body, ID, VERSION);

        assertEquals("someone", document.get(field));
        assertEquals(10L, document.get("prompt_tokens"));
    }

    // Conversations' queries -------------------------------------------------------------------------

    @Test
    void shouldReadQueriesAsElementsWhenConversationHasThem() {
        ObjectNode body = conversation().set("queries", json(
                "[{'prompt': 'hi', 'response': 'hello', 'client_tag': {'b': 1, 'a': 2}},"
                        + " {'prompt': 'again', 'timestamp': '2026-01-31T12:00:00.123456+02:00'}]"));

        Document document = CONVERSATIONS.fromJson(body, ID, VERSION);

        List<?> queries = (List<?>) document.get("queries");
        assertEquals(2, queries.size());
        Document.Element first = (Document.Element) queries.get(0);
        Document.Element second = (Document.Element) queries.get(1);
        assertEquals("hi", first.fields().get("prompt"));
        assertEquals("hello", first.fields().get("response"));
        assertEquals(List.of(), first.fields().get("sources"));
        assertEquals(Map.of("client_tag", Map.of("a", 2L, "b", 1L)), first.extra());
        assertFalse(first.fields().containsKey("client_tag"));
        assertEquals(Instant.parse("2026-01-31T10:00:00.123Z"), second.fields().get("timestamp"));
        assertEquals(Map.of(), second.extra());
        assertFalse(document.extra().containsKey("queries"));
    }

    @Test
    void shouldHoldNoQueriesWhenConversationHasNone() {
        ObjectNode body = conversation();

        Document document = CONVERSATIONS.fromJson(body, ID, VERSION);

        assertEquals(List.of(), document.get("queries"));
    }

    @Test
    void shouldReportElementPathWhenAQueryFieldIsInvalid() {
        ObjectNode body = conversation().set("queries", json(
                "[{'prompt': 'hi'}, {'prompt': 5, 'feedback': 'meh'}, {'response': 'no prompt'}]"));

        List<FieldError> errors = errorsOf(CONVERSATIONS, body);

        assertEquals(List.of(
                new FieldError("queries[1].prompt", "must be a string, but was a number"),
                new FieldError("queries[1].feedback", "must be one of [dislike, like], but was 'meh'"),
                new FieldError("queries[2].prompt", "is required")), errors);
    }

    @Test
    void shouldRejectQueriesWhenNotAnArray() {
        ObjectNode body = conversation().set("queries", json("{'prompt': 'hi'}"));

        List<FieldError> errors = errorsOf(CONVERSATIONS, body);

        assertEquals(List.of(new FieldError("queries", "must be an array, but was an object")), errors);
    }

    @Test
    void shouldRejectQueryWhenElementIsNotAnObject() {
        ObjectNode body = conversation().set("queries", json("[{'prompt': 'hi'}, 'hello']"));

        List<FieldError> errors = errorsOf(CONVERSATIONS, body);

        assertEquals(List.of(new FieldError("queries[1]", "must be an object, but was a string")), errors);
    }

    // Writing ----------------------------------------------------------------------------------------

    @Test
    void shouldWriteIdVersionTypedFieldsInSpecOrderThenSortedExtraWhenWritingJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("updated_at", Instant.parse(NOW));
        fields.put("created_at", Instant.parse(NOW));
        fields.put("content", "Say hi");
        fields.put("name", "Greeting");
        fields.put("user_id", "u1");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("zeta", 1L);
        extra.put("alpha", "a");
        extra.put("mid", Map.of("y", 1L, "x", 2L));
        Document document = new Document(ID, VERSION, fields, extra);

        ObjectNode node = PROMPTS.toJson(document);

        assertEquals(List.of("id", "version", "user_id", "name", "content", "created_at", "updated_at",
                "alpha", "mid", "zeta"), keysOf(node));
        assertEquals(ID, node.get("id").textValue());
        assertTrue(node.get("version").isIntegralNumber());
        assertEquals(VERSION, node.get("version").longValue());
        assertEquals(List.of("x", "y"), keysOf(node.get("mid")));
    }

    @Test
    void shouldWriteJsonNullWhenOptionalFieldIsNull() {
        Document document = USER_TOOLS.fromJson(userTool(), ID, VERSION);

        ObjectNode node = USER_TOOLS.toJson(document);

        assertTrue(node.has("display_name"));
        assertTrue(node.get("display_name").isNull());
        assertTrue(node.get("description").isNull());
    }

    @Test
    void shouldWriteQueriesAfterTypedFieldsAndBeforeExtraWhenWritingAConversation() {
        ObjectNode body = conversation().put("aaa_first_extra", 1).set("queries",
                json("[{'zz_tag': 1, 'aa_tag': 2, 'prompt': 'hi'}]"));
        Document document = CONVERSATIONS.fromJson(body, ID, VERSION);

        ObjectNode node = CONVERSATIONS.toJson(document);

        assertEquals(List.of("id", "version", "user_id", "name", "agent_id", "api_key", "is_shared_usage",
                "shared_token", "shared_with", "created_at", "updated_at", "queries", "aaa_first_extra"), keysOf(node));
        assertEquals(List.of("prompt", "response", "thought", "sources", "tool_calls", "attachments", "feedback",
                "model_id", "timestamp", "aa_tag", "zz_tag"), keysOf(node.get("queries").get(0)));
    }

    @ParameterizedTest
    @CsvSource({
            "2026-01-31T10:00:00Z,     2026-01-31T10:00:00.000Z",
            "2026-01-31T10:00:00.12Z,  2026-01-31T10:00:00.120Z",
            "0001-01-01T00:00:00Z,     0001-01-01T00:00:00.000Z"})
    void shouldWriteTimestampAsUtcWithThreeFractionDigitsWhenWritingJson(String instant, String text) {
        Document document = PROMPTS.fromJson(prompt(), ID, VERSION).with("created_at", Instant.parse(instant));

        ObjectNode node = PROMPTS.toJson(document);

        assertEquals(text, node.get("created_at").textValue());
    }

    static Stream<Named<CollectionSpec>> collections() {
        return Collections.ALL.stream().map(spec -> Named.of(spec.name(), spec));
    }

    private static Document readAgain(DocumentCodec codec, Document document) {
        try {
            String text = STRICT.writeValueAsString(codec.toJson(document));
            return codec.fromJson(STRICT.readTree(text), document.id(), document.version());
        } catch (JsonProcessingException e) {
            throw new AssertionError("the codec wrote JSON that does not parse", e);
        }
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldReadBackTheSameDocumentWhenItsJsonIsReadAgain(CollectionSpec spec) {
        DocumentCodec codec = new DocumentCodec(spec);
        SampleDocuments samples = new SampleDocuments(spec.name().hashCode());
        List<Document> documents = Stream.generate(() -> samples.next(spec)).limit(25).toList();

        List<Document> read = documents.stream().map(document -> readAgain(codec, document)).toList();

        assertEquals(documents, read);
    }
}
