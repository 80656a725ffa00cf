package dev.cutover.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.TestStores;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Applying and checking the schema, and each way that can fail, against a real PostgreSQL. */
class SchemaMigratorTest {

    private final PostgresBootstrap bootstrap = new PostgresBootstrap(Duration.ofSeconds(5));

    @Test
    void shouldApplyEveryMigrationOnceAndFindNothingLeftTheSecondTime() {
        PostgresUri uri = TestStores.freshDatabase();
        bootstrap.ensureDatabase(uri, true);
        SchemaMigrator migrator = new SchemaMigrator(uri);
        int known = migrator.pending().size();

        int first = migrator.migrate();
        int second = migrator.migrate();

        assertTrue(known >= 1);
        assertEquals(known, first);
        assertEquals(0, second);
        assertEquals(0, migrator.pending().size());
        assertEquals(2L, TestStores.adminQuery(uri.database(),
                "SELECT count(*) FROM pg_extension WHERE extname IN ('pgcrypto', 'citext')"));
    }

    @Test
    void shouldRefuseToStartWhenMigrationsArePendingAndAutoMigrateIsOff() {
        PostgresUri uri = TestStores.freshDatabase();
        bootstrap.ensureDatabase(uri, true);

        CutoverException error = assertThrows(CutoverException.class,
                () -> new SchemaMigrator(uri).requireUpToDate());

        assertEquals(ExitCode.SCHEMA, error.exitCode());
        assertTrue(error.getMessage().startsWith("the schema of database \"" + uri.database() + "\" is behind: "),
                error.getMessage());
        assertTrue(error.getMessage().contains("V1 flags and settings"), error.getMessage());
        assertTrue(error.getMessage().contains("Fix: run 'cutover migrate'"), error.getMessage());
        assertEquals(null, TestStores.adminQuery(uri.database(), "SELECT to_regclass('flyway_schema_history')"));
    }

    @Test
    void shouldNameTheFailedMigrationAndLeaveTheSchemaAsItWasWhenAMigrationFails() {
        PostgresUri uri = TestStores.freshDatabase();
        bootstrap.ensureDatabase(uri, true);
        TestStores.admin(uri.database(), "CREATE TABLE flag_state (unrelated INTEGER)");

        CutoverException error = assertThrows(CutoverException.class, () -> new SchemaMigrator(uri).migrate());

        assertEquals(ExitCode.SCHEMA, error.exitCode());
        assertTrue(error.getMessage().startsWith("migration V1 flags and settings failed on database \""
                + uri.database() + "\": ERROR: relation \"flag_state\" already exists"), error.getMessage());
        assertTrue(error.getMessage().contains("PostgreSQL rolled it back, the schema stays at version 0"),
                error.getMessage());
        // The whole migration was one transaction: the extensions it created first are gone too.
        assertEquals(0L, TestStores.adminQuery(uri.database(),
                "SELECT count(*) FROM pg_extension WHERE extname = 'citext'"));
    }

    @Test
    void shouldExplainThatTheRoleMayNotChangeTheSchemaWhenItLacksDdlRights() {
        PostgresUri owner = TestStores.freshDatabase();
        bootstrap.ensureDatabase(owner, true);
        String role = TestStores.uniqueName("runtime");
        TestStores.admin(owner.database(),
                "CREATE ROLE " + role + " LOGIN PASSWORD 'pw'",
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "GRANT CONNECT ON DATABASE \"" + owner.database() + "\" TO " + role);
        PostgresUri runtime = owner.withCredentials(role, "pw");

        CutoverException error = assertThrows(CutoverException.class, () -> new SchemaMigrator(runtime).migrate());

        assertEquals(ExitCode.SCHEMA, error.exitCode());
        assertTrue(error.getMessage().startsWith("PostgreSQL role \"" + role + "\" may not change the schema of "
                + "database \"" + owner.database() + "\""), error.getMessage());
        assertTrue(error.getMessage().contains("Fix: run 'cutover migrate' as the schema owner"), error.getMessage());
    }

    @Test
    void shouldRefuseToStartWhenAnAppliedMigrationWasEditedAndAutoMigrateIsOff() {
        PostgresUri uri = TestStores.freshDatabase();
        bootstrap.ensureDatabase(uri, true);
        new SchemaMigrator(uri).migrate();
        TestStores.admin(uri.database(), "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");

        CutoverException error = assertThrows(CutoverException.class,
                () -> new SchemaMigrator(uri).requireUpToDate());

        assertEquals(ExitCode.SCHEMA, error.exitCode());
        assertTrue(error.getMessage().startsWith("the schema history of database \"" + uri.database()
                + "\" does not match this build: "), error.getMessage());
        assertTrue(error.getMessage().contains("checksum"), error.getMessage());
    }
}
