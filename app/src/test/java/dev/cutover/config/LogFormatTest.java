package dev.cutover.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shipped logback.xml, configured as the jar configures it, for each LOG_FORMAT. */
class LogFormatTest {

    @Test
    void shouldWriteOneJsonObjectPerLineWhenLogFormatIsJson() throws Exception {
        String output = logOneLine("json", "replica ready on port {}");

        JsonNode line = new ObjectMapper().readTree(output.lines().findFirst().orElseThrow());
        assertEquals("replica ready on port 8080", line.path("formattedMessage").asText());
        assertEquals("INFO", line.path("level").asText());
        assertEquals("dev.cutover.test", line.path("loggerName").asText());
    }

    @Test
    void shouldWritePlainTextWhenLogFormatIsPlain() throws Exception {
        String output = logOneLine("plain", "replica ready on port {}");

        assertTrue(output.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  dev.cutover.test - replica ready on port 8080\\R"),
                output);
    }

    private static String logOneLine(String format, String message) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        try {
            context.putProperty("LOG_FORMAT", format);
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
            context.getLogger("dev.cutover.test").info(message, 8080);
        } finally {
            context.stop();
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
