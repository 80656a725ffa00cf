package dev.cutover.stores;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.Document;
import dev.cutover.document.SampleDocuments;
import dev.cutover.flags.Phase;
import dev.cutover.flags.Stage;
import dev.cutover.postgres.PostgresUri;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandStoresTest {

    @Test
    void shouldMigrateAnEmptyDatabaseAndReadTheEnvironmentsStateWhenNoneIsStored() {
        PostgresUri database = TestStores.freshDatabase();

        try (CommandStores stores = CommandStores.open(TestStores.settings(database, TestStores.mongo(),
                Map.of("USE_POSTGRES", "true", "MIGRATION_PHASE", "2")), "backfill", 2)) {
            Document written = stores.postgres(Collections.PROMPTS).insert(new SampleDocuments(7).next(Collections.PROMPTS));

            assertEquals(Phase.of(2), stores.migrationState().activePhase());
            assertEquals(Stage.DUAL_WRITE, stores.migrationState().stageOf("prompts", Collections.PROMPTS.phase()));
            assertEquals(written, stores.postgres(Collections.PROMPTS).get(written.id()).orElseThrow());
        }
    }

    @Test
    void shouldRefuseWithTheFixWhenMongoIsNotConfigured() {
        PostgresUri database = TestStores.freshDatabase();

        CutoverException error = assertThrows(CutoverException.class, () -> CommandStores.open(
                dev.cutover.config.Settings.fromEnvironment(Map.of("POSTGRES_URI", TestStores.rawUri(database))),
                "verify", 2));

        assertEquals(ExitCode.CONFIGURATION, error.exitCode());
        assertTrue(error.getMessage().startsWith("MONGO_URI is not set, and 'verify' reads MongoDB"), error.getMessage());
    }
}
