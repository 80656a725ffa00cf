package dev.cutover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.ExitCode;
import dev.cutover.TestStores;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The command line as an operator meets it: help, usage errors, configuration errors, migrate. */
class CommandLineTest {

    private static CommandRun run(Map<String, String> environment, String... args) {
        return CommandRun.of(environment, args);
    }

    @ParameterizedTest
    @CsvSource({"serve, --help", "demo, --port", "migrate, --info"})
    void shouldPrintEachCommandsOptionsWhenAskedForHelp(String command, String option) {
        CommandRun result = run(Map.of(), command, "--help");

        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("Usage: cutover " + command), result.out());
        assertTrue(result.out().contains(option), result.out());
    }

    @Test
    void shouldRejectAnUnknownOptionWithAUsageErrorAndItsName() {
        CommandRun result = run(Map.of(), "migrate", "--bogus");

        assertEquals(ExitCode.USAGE.code(), result.exitCode());
        assertTrue(result.err().startsWith("Unknown option: '--bogus'"), result.err());
        assertTrue(result.err().contains("Usage: cutover migrate"), result.err());
    }

    @Test
    void shouldRejectAnUnknownCommand() {
        CommandRun result = run(Map.of(), "frobnicate");

        assertEquals(ExitCode.USAGE.code(), result.exitCode());
        assertTrue(result.err().contains("Unmatched argument at index 0: 'frobnicate'"), result.err());
    }

    @Test
    void shouldRefuseToServeWithoutPostgresUriNamingTheVariable() {
        CommandRun result = run(Map.of("MONGO_URI", "mongodb://localhost:27017"), "serve");

        assertEquals(ExitCode.CONFIGURATION.code(), result.exitCode());
        assertTrue(result.err().startsWith("cutover: POSTGRES_URI is not set, and 'serve' needs a PostgreSQL."),
                result.err());
    }

    @Test
    void shouldReportAMalformedVariableAsAConfigurationError() {
        CommandRun result = run(Map.of("AUTO_MIGRATE", "sometimes"), "migrate");

        assertEquals(ExitCode.CONFIGURATION.code(), result.exitCode());
        assertEquals("cutover: AUTO_MIGRATE must be true or false, but was 'sometimes'", result.err().strip());
    }

    @Test
    void shouldShowPendingThenApplyThenShowAppliedMigrations() {
        PostgresUri database = TestStores.freshDatabase();
        Map<String, String> environment = Map.of("POSTGRES_URI", TestStores.rawUri(database));
        TestStores.admin("postgres", "CREATE DATABASE \"" + database.database() + "\"");

        int known = new SchemaMigrator(database).all().size();

        CommandRun before = run(environment, "migrate", "--info");
        CommandRun migrate = run(environment, "migrate");
        CommandRun after = run(environment, "migrate", "--info");

        assertEquals(0, before.exitCode(), before.err());
        assertTrue(before.out().matches("(?s).*\\n1 +flags and settings +pending .*"), before.out());
        assertTrue(before.out().contains("\n" + known + " pending."), before.out());
        assertEquals(0, migrate.exitCode(), migrate.err());
        assertTrue(migrate.out().startsWith("Applied " + known + " migration(s) to "), migrate.out());
        assertTrue(after.out().matches("(?s).*\\n1 +flags and settings +applied +\\d{4}-.*"), after.out());
        assertTrue(after.out().contains("\n0 pending."), after.out());
    }

    @Test
    void shouldExitWithThePostgresCodeWhenMigrateCannotConnect() {
        Map<String, String> environment = Map.of("POSTGRES_URI", "postgresql://app:pw@127.0.0.1:1/cutover");

        CommandRun result = run(environment, "migrate");

        assertEquals(ExitCode.POSTGRES.code(), result.exitCode());
        assertTrue(result.err().startsWith("cutover: cannot reach PostgreSQL at 127.0.0.1:1"), result.err());
    }
}
