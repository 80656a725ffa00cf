package dev.cutover.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.TestStores;
import dev.cutover.service.CutoverService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The curl examples of {@code docs/admin.md}, run in page order by bash and curl themselves, with
 * {@code CUTOVER_URL} and {@code ADMIN_TOKEN} set, against a service on fresh stores. Each must get
 * the status and JSON values of the {@code expect} comments that follow it, in the form
 * {@code docs/api.md} uses: {@code <!-- expect: 200 -->}, then any {@code <!-- expect-json:
 * /pointer = JSON value -->}.
 */
class AdminDocsExamplesTest {

    private static final Path GUIDE = Path.of("..", "docs", "admin.md");
    private static final int MINIMUM_EXAMPLES = 10;
    private static final Pattern STATUS = Pattern.compile("<!-- expect: (\\d{3}) -->");
    private static final Pattern JSON_VALUE = Pattern.compile("<!-- expect-json: (/\\S*) = (.+) -->");
    private static final String FENCE = "```";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One example: its first line in the guide, the command, the status and values it must get. */
    record Example(int line, String command, int status, Map<JsonPointer, JsonNode> values) {
    }

    @Test
    void shouldAnswerEveryExampleOfTheAdminGuideAsTheGuideSays() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl")),
                "the examples are run with curl");
        List<Example> examples = examples(Files.readAllLines(GUIDE, StandardCharsets.UTF_8));
        assertTrue(examples.size() >= MINIMUM_EXAMPLES, "docs/admin.md has " + examples.size() + " curl examples");

        try (CutoverService service = CutoverService.start(
                TestStores.settings(TestStores.freshDatabase(), TestStores.mongo(), Map.of()), "test")) {
            for (Example example : examples) {
                check(example, run(example.command(), "http://localhost:" + service.port()));
            }
        }
    }

    private static List<Example> examples(List<String> lines) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals(FENCE + "bash")) {
                continue;
            }
            int start = i + 1;
            int close = start;
            while (!lines.get(close).strip().equals(FENCE)) {
                close++;
            }
            String command = String.join("\n", lines.subList(start, close)).strip();
            i = close + 1;
            if (!command.startsWith("curl ") || !command.contains("\"$CUTOVER_URL/admin")) {
                fail("docs/admin.md line " + (start + 1) + ": a bash block must hold one curl command to $CUTOVER_URL/admin");
            }
            Matcher status = STATUS.matcher(i < lines.size() ? lines.get(i).strip() : "");
            if (!status.matches()) {
                fail("docs/admin.md line " + (start + 1) + ": the example must be followed at once by <!-- expect: 200 -->");
            }
            Map<JsonPointer, JsonNode> values = new LinkedHashMap<>();
            while (i + 1 < lines.size() && lines.get(i + 1).strip().startsWith("<!-- expect-json:")) {
                i++;
                Matcher value = JSON_VALUE.matcher(lines.get(i).strip());
                if (!value.matches()) {
                    fail("docs/admin.md line " + (i + 1) + ": not <!-- expect-json: /pointer = value -->");
                }
                try {
                    values.put(JsonPointer.compile(value.group(1)), JSON.readTree(value.group(2)));
                } catch (IOException e) {
                    throw new AssertionError("docs/admin.md line " + (i + 1) + ": not a JSON value", e);
                }
            }
            examples.add(new Example(start + 1, command, Integer.parseInt(status.group(1)), values));
        }
        return examples;
    }

    /** Runs the command as a shell would, returning the status code and the body. */
    private static String[] run(String command, String url) throws IOException, InterruptedException {
        ProcessBuilder shell = new ProcessBuilder("bash", "-c", command + " -w '\\n%{http_code}'");
        shell.environment().put("CUTOVER_URL", url);
        shell.environment().put("ADMIN_TOKEN", TestStores.ADMIN_TOKEN);
        shell.redirectErrorStream(true);
        Process process = shell.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail("`" + command + "` failed: " + output);
        }
        int split = output.lastIndexOf('\n');
        return new String[] {output.substring(split + 1), output.substring(0, split)};
    }

    private static void check(Example example, String[] answer) throws IOException {
        String seen = "docs/admin.md line " + example.line() + " answered " + answer[0] + " " + answer[1] + "\n";
        assertEquals(Integer.toString(example.status()), answer[0], seen + "expected status " + example.status());
        JsonNode body = answer[1].isEmpty() ? null : JSON.readTree(answer[1]);
        for (Map.Entry<JsonPointer, JsonNode> expected : example.values().entrySet()) {
            JsonNode actual = body == null ? null : body.at(expected.getKey());
            if (actual == null || !expected.getValue().equals(actual)) {
                fail(seen + "expected " + expected.getKey() + " = " + expected.getValue() + ", but was " + actual);
            }
        }
    }
}
