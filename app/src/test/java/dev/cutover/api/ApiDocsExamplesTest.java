package dev.cutover.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.TestStores;
import dev.cutover.service.CutoverService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The curl examples of {@code docs/api.md}, run as written: every {@code bash} block holding a
 * curl command is sent, in page order, to a service on fresh stores, and must get the status and
 * the JSON values of the {@code expect} comments that follow it. It runs once against a service
 * reading from MongoDB and once against one reading from PostgreSQL: the same page, the same
 * answers.
 *
 * <p>The commands are parsed, not handed to a shell. The tokenizer follows the shell's rules for
 * single and double quotes and backslash continuations, and knows two variables; the parser knows
 * only the curl flags the guide may use, so an example cannot depend on one this test would
 * ignore. A {@code Content-Length} header declares the body's size: {@code java.net.http} counts
 * the bytes itself, so the body is padded with JSON whitespace to the declared size.
 */
class ApiDocsExamplesTest {

    private static final Path GUIDE = Path.of("..", "docs", "api.md");
    private static final String GUIDE_NAME = "docs/api.md";
    private static final int MINIMUM_EXAMPLES = 20;
    private static final String URL_VARIABLE = "CUTOVER_URL";
    private static final String TOKEN_VARIABLE = "API_TOKEN";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which store serves, and whether the service is moved to PostgreSQL only after it starts. */
    record Store(String header, boolean postgresOnly) {
    }

    static Stream<Named<Store>> stores() {
        return Stream.of(
                Named.of("served from MongoDB", new Store("mongo", false)),
                Named.of("served from PostgreSQL", new Store("postgres", true)));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void shouldAnswerEveryExampleOfTheGuideAsTheGuideSays(Store store) throws IOException {
        List<String> guide = Files.readAllLines(GUIDE, StandardCharsets.UTF_8);
        var settings = TestStores.settings(TestStores.freshDatabase(), TestStores.mongo(), Map.of());

        try (CutoverService service = CutoverService.start(settings, "test")) {
            if (store.postgresOnly()) {
                dev.cutover.Stages.postgresOnly(service);
            }
            String baseUrl = "http://localhost:" + service.port();
            List<Example> examples = Example.readAll(guide,
                    Map.of(URL_VARIABLE, baseUrl, TOKEN_VARIABLE, TestStores.API_TOKEN));
            assertTrue(examples.size() >= MINIMUM_EXAMPLES, GUIDE_NAME + " has " + examples.size()
                    + " curl examples, fewer than " + MINIMUM_EXAMPLES + ": is the extraction still finding them?");
            for (Example example : examples) {
                example.check(example.command().send(baseUrl), store.header());
            }
        }
    }

    @Test
    void shouldJoinContinuationsAndKeepQuotedTextAsOneWordWhenTokenizing() {
        String command = "curl -s -X PUT \"$CUTOVER_URL/api/v1/prompts/p-1\" \\\n"
                + "  -H 'If-Match: \"2\"' \\\n"
                + "  -d '{\"name\": \"$API_TOKEN stays\"}'";

        List<String> words = ShellWords.split(command, Map.of(URL_VARIABLE, "http://localhost:1", TOKEN_VARIABLE, "t"));

        assertEquals(List.of("curl", "-s", "-X", "PUT", "http://localhost:1/api/v1/prompts/p-1",
                "-H", "If-Match: \"2\"", "-d", "{\"name\": \"$API_TOKEN stays\"}"), words);
    }

    @Test
    void shouldRefuseACurlFlagTheTestDoesNotKnow() {
        List<String> guide = List.of("```bash", "curl -s -i \"$CUTOVER_URL/api/v1/prompts\"", "```", "<!-- expect: 401 -->");

        AssertionError error = assertThrows(AssertionError.class, () -> Example.readAll(guide, variables()));

        assertTrue(error.getMessage().contains("line 2: curl flag '-i' is not one the examples may use"), error.getMessage());
    }

    @Test
    void shouldRefuseAVariableOtherThanTheTwoTheGuideMayUse() {
        List<String> guide = List.of("```bash", "curl -s \"$CUTOVER_URL/admin/flags\" -H \"Authorization: Bearer $ADMIN_TOKEN\"",
                "```", "<!-- expect: 200 -->");

        AssertionError error = assertThrows(AssertionError.class, () -> Example.readAll(guide, variables()));

        assertTrue(error.getMessage().contains("$ADMIN_TOKEN"), error.getMessage());
    }

    @Test
    void shouldRefuseAnExampleWithoutAnExpectedStatus() {
        List<String> guide = List.of("```bash", "curl -s \"$CUTOVER_URL/api/v1/prompts\"", "```", "",
                "<!-- expect: 401 -->");

        AssertionError error = assertThrows(AssertionError.class, () -> Example.readAll(guide, variables()));

        assertTrue(error.getMessage().contains("line 2: the example must be followed at once by"), error.getMessage());
    }

    @Test
    void shouldRefuseAnExpectationThatFollowsNoExample() {
        List<String> guide = List.of("Some prose.", "<!-- expect-json: /version = 1 -->");

        AssertionError error = assertThrows(AssertionError.class, () -> Example.readAll(guide, variables()));

        assertTrue(error.getMessage().contains("line 2:"), error.getMessage());
    }

    @Test
    void shouldRefuseTwoCommandsInOneBlock() {
        List<String> guide = List.of("```bash", "curl -s \"$CUTOVER_URL/api/v1/prompts\"",
                "curl -s \"$CUTOVER_URL/api/v1/users\"", "```", "<!-- expect: 401 -->");

        AssertionError error = assertThrows(AssertionError.class, () -> Example.readAll(guide, variables()));

        assertTrue(error.getMessage().contains("line 2:"), error.getMessage());
    }

    private static Map<String, String> variables() {
        return Map.of(URL_VARIABLE, "http://localhost:1", TOKEN_VARIABLE, "token");
    }

    /** An example of the guide: where it is, the request, and what it must answer. */
    record Example(int line, CurlCommand command, int status, List<JsonExpectation> json) {

        private static final Pattern STATUS = Pattern.compile("<!-- expect: (\\d{3}) -->");
        private static final Pattern JSON_VALUE = Pattern.compile("<!-- expect-json: (/\\S*) = (.+) -->");
        private static final String EXPECT = "<!-- expect";
        private static final String FENCE = "```";

        /** Every example of the guide, in order; fails naming the line of anything it cannot read. */
        static List<Example> readAll(List<String> lines, Map<String, String> variables) {
            List<Example> examples = new ArrayList<>();
            int index = 0;
            while (index < lines.size()) {
                String line = lines.get(index).strip();
                if (line.startsWith(EXPECT)) {
                    fail(where(index + 1) + "an expect comment that follows no curl example: " + line);
                }
                if (!line.startsWith(FENCE)) {
                    index++;
                    continue;
                }
                int close = index + 1;
                while (close < lines.size() && !lines.get(close).strip().equals(FENCE)) {
                    close++;
                }
                if (close == lines.size()) {
                    fail(where(index + 1) + "a code block that is never closed");
                }
                String block = String.join("\n", lines.subList(index + 1, close)).strip();
                boolean example = line.equals(FENCE + "bash") && Pattern.compile("\\bcurl\\b").matcher(block).find();
                int firstLine = index + 2;
                index = close + 1;
                if (example) {
                    index = read(lines, index, firstLine, block, variables, examples);
                }
            }
            return examples;
        }

        /**
         * Reads the example in {@code block}, which starts at {@code line} (counted from 1), and the
         * expect lines from index {@code next}; returns the index after them.
         */
        private static int read(List<String> lines, int next, int line, String block, Map<String, String> variables,
                List<Example> examples) {
            CurlCommand command;
            try {
                command = CurlCommand.parse(ShellWords.split(block, variables), variables.get(URL_VARIABLE));
            } catch (IllegalArgumentException e) {
                throw new AssertionError(where(line) + e.getMessage(), e);
            }
            Matcher status = STATUS.matcher(next < lines.size() ? lines.get(next).strip() : "");
            if (!status.matches()) {
                fail(where(line) + "the example must be followed at once by a line such as <!-- expect: 200 -->");
            }
            List<JsonExpectation> expectations = new ArrayList<>();
            next++;
            while (next < lines.size() && lines.get(next).strip().startsWith(EXPECT)) {
                expectations.add(JsonExpectation.parse(lines.get(next).strip(), next + 1));
                next++;
            }
            examples.add(new Example(line, command, Integer.parseInt(status.group(1)), expectations));
            return next;
        }

        void check(HttpResponse<String> response, String store) {
            String seen = where(line) + command.method() + " " + command.url() + " answered " + response.statusCode()
                    + " " + response.body() + "\n";
            if (response.statusCode() != status) {
                fail(seen + "expected status " + status);
            }
            JsonNode body = null;
            if (!response.body().isEmpty()) {
                try {
                    body = JSON.readTree(response.body());
                } catch (IOException e) {
                    fail(seen + "the body is not JSON: " + e.getMessage());
                }
            }
            for (JsonExpectation expectation : json) {
                expectation.check(body, seen);
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (status >= 400 && !contentType.equals(Problems.CONTENT_TYPE)) {
                fail(seen + "an error must be " + Problems.CONTENT_TYPE + ", but was '" + contentType + "'");
            }
            if (status < 300) {
                assertEquals(store, response.headers().firstValue(HttpDocuments.STORE_HEADER).orElse(null),
                        seen + HttpDocuments.STORE_HEADER);
            }
            if (status < 300 && body != null && body.has("id") && body.has("version")) {
                assertEquals("\"" + body.get("version").asLong() + "\"", response.headers().firstValue("ETag").orElse(null),
                        seen + "the ETag must be the document's version");
            }
        }

        private static String where(int line) {
            return GUIDE_NAME + " line " + line + ": ";
        }
    }

    /** A JSON value the response must hold at a JSON Pointer. */
    record JsonExpectation(int line, JsonPointer pointer, JsonNode value) {

        /** Numbers compare by value, so 2 and 2.0 and a long 2 are the same. */
        private static final Comparator<JsonNode> SAME = (a, b) -> a.equals(b)
                || a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;

        static JsonExpectation parse(String text, int line) {
            Matcher matcher = Example.JSON_VALUE.matcher(text);
            if (!matcher.matches()) {
                fail(Example.where(line) + "an expect comment must read <!-- expect-json: /pointer = JSON value -->,"
                        + " and only one expect status may follow an example, but was: " + text);
            }
            try {
                return new JsonExpectation(line, JsonPointer.compile(matcher.group(1)), JSON.readTree(matcher.group(2)));
            } catch (IOException | IllegalArgumentException e) {
                throw new AssertionError(Example.where(line) + "not a JSON Pointer and a JSON value: " + text, e);
            }
        }

        void check(JsonNode body, String seen) {
            String expectation = "expected " + pointer + " = " + value + " (the expect-json of line " + line + ")";
            if (body == null) {
                fail(seen + expectation + ", but the response has no body");
            }
            JsonNode actual = body.at(pointer);
            if (actual.isMissingNode()) {
                fail(seen + expectation + ", but there is no value there");
            }
            if (!value.equals(SAME, actual)) {
                fail(seen + expectation + ", but was " + actual);
            }
        }
    }

    /** A curl command, as far as the examples may use curl. */
    record CurlCommand(String method, String url, List<String[]> headers, String data) {

        private static final Set<String> UNSENDABLE = Set.of("host", "connection", "expect", "upgrade");
        private static final String CONTENT_LENGTH = "content-length";
        private static final int LARGEST_DECLARED_BODY = 64 * 1024 * 1024;

        /**
         * @param baseUrl the value of {@code $CUTOVER_URL}: every example must address the service
         */
        static CurlCommand parse(List<String> words, String baseUrl) {
            if (words.isEmpty() || !words.get(0).equals("curl")) {
                throw new IllegalArgumentException("a bash block that mentions curl must hold exactly one curl command");
            }
            String method = null;
            String url = null;
            String data = null;
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < words.size(); i++) {
                String word = words.get(i);
                switch (word) {
                    case "-s" -> {
                        // silent: no progress meter; nothing to do here
                    }
                    case "-X" -> {
                        if (method != null) {
                            throw new IllegalArgumentException("-X is given twice");
                        }
                        method = argument(words, ++i, word);
                        if (!method.matches("[A-Z]+")) {
                            throw new IllegalArgumentException("-X must name a method in capitals, but was '" + method + "'");
                        }
                    }
                    case "-H" -> headers.add(header(argument(words, ++i, word)));
                    case "-d" -> {
                        if (data != null) {
                            throw new IllegalArgumentException("-d is given twice; curl would join the two with '&'");
                        }
                        data = argument(words, ++i, word);
                    }
                    default -> {
                        if (word.startsWith("-")) {
                            throw new IllegalArgumentException("curl flag '" + word + "' is not one the examples may use;"
                                    + " they may use -s, -X, -H and -d");
                        }
                        if (url != null) {
                            throw new IllegalArgumentException("a second URL '" + word + "'");
                        }
                        url = word;
                    }
                }
            }
            if (url == null) {
                throw new IllegalArgumentException("the command has no URL");
            }
            if (!url.startsWith(baseUrl + "/") || !url.matches("[A-Za-z0-9:/?&=%._~-]+")) {
                throw new IllegalArgumentException("the URL must be $CUTOVER_URL followed by a path, without characters"
                        + " curl would treat as a pattern, but was '" + url + "'");
            }
            if (method == null) {
                method = data == null ? "GET" : "POST";
            }
            if (data != null && headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("Content-Type"))) {
                // What curl sends with -d when the command names no type.
                headers.add(new String[] {"Content-Type", "application/x-www-form-urlencoded"});
            }
            return new CurlCommand(method, url, List.copyOf(headers), data);
        }

        private static String argument(List<String> words, int index, String flag) {
            if (index >= words.size()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return words.get(index);
        }

        private static String[] header(String text) {
            int colon = text.indexOf(':');
            String name = colon < 1 ? "" : text.substring(0, colon).strip();
            String value = colon < 1 ? "" : text.substring(colon + 1).strip();
            if (!name.matches("[A-Za-z0-9-]+") || value.isEmpty()) {
                throw new IllegalArgumentException("-H must be 'Name: value', but was '" + text + "'");
            }
            if (UNSENDABLE.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " cannot be sent by java.net.http, so the"
                        + " examples may not use it");
            }
            return new String[] {name, value};
        }

        /** The body as sent: {@code -d}'s bytes, padded with spaces to a declared Content-Length. */
        private byte[] body() {
            byte[] bytes = data == null ? null : data.getBytes(StandardCharsets.UTF_8);
            for (String[] header : headers) {
                if (header[0].equalsIgnoreCase(CONTENT_LENGTH)) {
                    long declared = Long.parseLong(header[1]);
                    if (bytes == null || declared < bytes.length || declared > LARGEST_DECLARED_BODY) {
                        throw new IllegalArgumentException("Content-Length " + header[1] + " must be at least the -d data's"
                                + " length and at most " + LARGEST_DECLARED_BODY);
                    }
                    byte[] padded = new byte[(int) declared];
                    System.arraycopy(bytes, 0, padded, 0, bytes.length);
                    Arrays.fill(padded, bytes.length, padded.length, (byte) ' ');
                    bytes = padded;
                }
            }
            return bytes;
        }

        HttpResponse<String> send(String baseUrl) {
            byte[] body = body();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String[] header : headers) {
                if (!header[0].equalsIgnoreCase(CONTENT_LENGTH)) {
                    request.header(header[0], header[1]);
                }
            }
            try {
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new AssertionError(method + " " + url + " on " + baseUrl + " failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * The words of one shell command, as bash would pass them: single quotes keep everything, double
     * quotes expand variables and the escapes {@code \$ \" \\ \`}, a backslash before a line break
     * continues the line. Anything a shell would treat specially and this class does not model
     * (pipes, globs, substitutions, other variables, a second command) is refused.
     */
    static final class ShellWords {

        private static final String SPECIAL = "|&;<>()`*?[]{}~#!";

        private ShellWords() {
        }

        static List<String> split(String text, Map<String, String> variables) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean inWord = false;
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '\'') {
                    int end = text.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("a single quote is never closed");
                    }
                    word.append(text, i + 1, end);
                    inWord = true;
                    i = end + 1;
                } else if (c == '"') {
                    i = doubleQuoted(text, i + 1, word, variables);
                    inWord = true;
                } else if (c == '\\') {
                    if (i + 1 == text.length()) {
                        throw new IllegalArgumentException("the command ends with a backslash");
                    }
                    if (text.charAt(i + 1) != '\n') {
                        word.append(text.charAt(i + 1));
                        inWord = true;
                    }
                    i += 2;
                } else if (c == '$') {
                    i = variable(text, i, word, variables);
                    inWord = true;
                } else if (c == '\n') {
                    throw new IllegalArgumentException("a line ends without a backslash: a block may hold one command only");
                } else if (Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                    i++;
                } else if (SPECIAL.indexOf(c) >= 0) {
                    throw new IllegalArgumentException("'" + c + "' outside quotes means something to the shell; quote it");
                } else {
                    word.append(c);
                    inWord = true;
                    i++;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            return words;
        }

        private static int doubleQuoted(String text, int start, StringBuilder word, Map<String, String> variables) {
            int i = start;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '"') {
                    return i + 1;
                }
                if (c == '\\' && i + 1 < text.length() && "$\"\\`\n".indexOf(text.charAt(i + 1)) >= 0) {
                    if (text.charAt(i + 1) != '\n') {
                        word.append(text.charAt(i + 1));
                    }
                    i += 2;
                } else if (c == '$') {
                    i = variable(text, i, word, variables);
                } else if (c == '`' || c == '!') {
                    throw new IllegalArgumentException("'" + c + "' inside double quotes means something to the shell;"
                            + " use single quotes");
                } else {
                    word.append(c);
                    i++;
                }
            }
            throw new IllegalArgumentException("a double quote is never closed");
        }

        private static int variable(String text, int dollar, StringBuilder word, Map<String, String> variables) {
            Matcher name = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))")
                    .matcher(text).region(dollar, text.length());
            if (!name.lookingAt()) {
                throw new IllegalArgumentException("a '$' that starts no variable; quote it with single quotes");
            }
            String variable = name.group(1) != null ? name.group(1) : name.group(2);
            String value = variables.get(variable);
            if (value == null) {
                throw new IllegalArgumentException("the example uses $" + variable + "; the examples may use only $"
                        + URL_VARIABLE + " and $" + TOKEN_VARIABLE);
            }
            word.append(value);
            return name.end();
        }
    }
}
