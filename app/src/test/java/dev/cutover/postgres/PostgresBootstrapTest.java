package dev.cutover.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.TestStores;
import dev.cutover.stores.ResolvedStore;
import dev.cutover.stores.StoreResolver;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Database creation and each connection failure, against a real PostgreSQL. */
class PostgresBootstrapTest {

    private static ResolvedStore<PostgresUri> strictServer;

    private final PostgresBootstrap bootstrap = new PostgresBootstrap(Duration.ofSeconds(5));

    @Test
    void shouldCreateAMissingDatabaseUnderAQuotedNameWhenAutoCreateIsOn() {
        String name = TestStores.uniqueName("Mixed Case \"quoted\"-db");
        PostgresUri uri = TestStores.postgres().withDatabase(name);

        bootstrap.ensureDatabase(uri, true);
        bootstrap.ensureDatabase(uri, true);

        assertEquals(1L, databaseCount(name));
    }

    @Test
    void shouldRefuseAndCreateNothingWhenTheDatabaseIsMissingAndAutoCreateIsOff() {
        PostgresUri uri = TestStores.freshDatabase();

        CutoverException error = assertThrows(CutoverException.class, () -> bootstrap.ensureDatabase(uri, false));

        assertEquals(ExitCode.POSTGRES, error.exitCode());
        assertTrue(error.getMessage().startsWith("database \"" + uri.database() + "\" does not exist"),
                error.getMessage());
        assertTrue(error.getMessage().contains("AUTO_CREATE_DB=false. Fix: create it"), error.getMessage());
        assertEquals(0L, databaseCount(uri.database()));
    }

    @Test
    void shouldNameTheMissingPrivilegeWhenTheRoleLacksCreatedb() {
        String role = TestStores.uniqueName("nocreatedb");
        TestStores.admin("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
        PostgresUri uri = TestStores.freshDatabase().withCredentials(role, "pw-" + role);

        CutoverException error = assertThrows(CutoverException.class, () -> bootstrap.ensureDatabase(uri, true));

        assertEquals(ExitCode.POSTGRES, error.exitCode());
        assertTrue(error.getMessage().contains("role \"" + role + "\" lacks the CREATEDB privilege"),
                error.getMessage());
        assertTrue(error.getMessage().contains("ALTER ROLE \"" + role + "\" CREATEDB"), error.getMessage());
        assertEquals(0L, databaseCount(uri.database()));
    }

    @Test
    void shouldReportAWrongPasswordWithoutRepeatingIt() {
        String role = TestStores.uniqueName("pwcheck");
        TestStores.admin("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'right-password'");
        PostgresUri uri = TestStores.postgres().withCredentials(role, "wrong-password-7f3a");

        CutoverException error = assertThrows(CutoverException.class, () -> bootstrap.ensureDatabase(uri, true));

        assertEquals(ExitCode.POSTGRES, error.exitCode());
        assertTrue(error.getMessage().startsWith("password authentication failed for PostgreSQL role \"" + role),
                error.getMessage());
        assertFalse(error.getMessage().contains("wrong-password-7f3a"));
    }

    @Test
    void shouldReportAnUnreachableServerWithItsAddress() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PostgresUri uri = PostgresUri.parse("postgresql://app:secret@127.0.0.1:" + closedPort + "/cutover");

        CutoverException error = assertThrows(CutoverException.class, () -> bootstrap.ensureDatabase(uri, true));

        assertEquals(ExitCode.POSTGRES, error.exitCode());
        assertEquals("cannot reach PostgreSQL at 127.0.0.1:" + closedPort + " (connection refused). Fix: check "
                + "that the server is running and that the host and port in POSTGRES_URI are right and reachable "
                + "from here.", error.getMessage());
    }

    @Test
    void shouldSayTheRoleDoesNotExistAndNeverCreateIt() {
        String role = TestStores.uniqueName("ghost");
        PostgresUri uri = strictServer().connection().withCredentials(role, null);

        CutoverException error = assertThrows(CutoverException.class, () -> bootstrap.ensureDatabase(uri, true));

        assertEquals(ExitCode.POSTGRES, error.exitCode());
        assertTrue(error.getMessage().startsWith("PostgreSQL role \"" + role + "\" does not exist"),
                error.getMessage());
        assertTrue(error.getMessage().contains("cutover never creates roles"), error.getMessage());
    }

    @Test
    void shouldTellTheOperatorToAddSslModeWhenTheServerRequiresSsl() throws Exception {
        PostgresUri admin = strictServer().connection();
        try (var connection = bootstrap.connect(admin); var statement = connection.createStatement()) {
            statement.execute("CREATE ROLE app LOGIN PASSWORD 'pw'");
        }
        PostgresUri uri = admin.withDatabase("secure").withCredentials("app", "pw");

        CutoverException error = assertThrows(CutoverException.class, () -> bootstrap.ensureDatabase(uri, true));

        assertEquals(ExitCode.POSTGRES, error.exitCode());
        assertEquals("PostgreSQL at " + uri.hosts() + " admits no connection without SSL for role \"app\" to "
                + "database \"secure\" (no pg_hba.conf entry). Fix: if the server requires SSL, add ?sslmode=require "
                + "to POSTGRES_URI (verify-full also checks the certificate); otherwise add a pg_hba.conf entry for "
                + "this host, role and database.", error.getMessage());
    }

    /**
     * A server of its own, set up like a developer's (trust, so a missing role is named as such)
     * for the {@code postgres} database, and like a managed provider's (SSL only) for every other.
     */
    private static synchronized ResolvedStore<PostgresUri> strictServer() {
        if (strictServer == null) {
            strictServer = StoreResolver.embeddedPostgres("""
                    local all all trust
                    host postgres all 127.0.0.1/32 trust
                    host postgres all ::1/128 trust
                    hostssl all all 127.0.0.1/32 scram-sha-256
                    hostssl all all ::1/128 scram-sha-256
                    """);
        }
        return strictServer;
    }

    @AfterAll
    static void stopStrictServer() {
        if (strictServer != null) {
            StoreResolver.closeQuietly(strictServer);
        }
    }

    private static long databaseCount(String name) {
        return (Long) TestStores.adminQuery("postgres",
                "SELECT count(*) FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'");
    }
}
