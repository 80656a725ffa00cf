package dev.cutover.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresUriTest {

    /** A password no other part of any URI or message here contains by accident. */
    private static final String SECRET = "Zq8vXk2Wm";

    @ParameterizedTest
    @ValueSource(strings = {
        "postgresql://", "postgres://", "postgresql+asyncpg://", "postgresql+psycopg://",
        "postgresql+psycopg2://", "jdbc:postgresql://",
        "POSTGRESQL://", "Postgres://", "PostgreSQL+AsyncPG://", "JDBC:PostgreSQL://"})
    void shouldParseEverySupportedSchemeWhenSchemeIsInAnyCase(String scheme) {
        String raw = scheme + "app:pw@db.example.com:6543/orders";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("db.example.com:6543", uri.hosts());
        assertEquals("orders", uri.database());
        assertEquals("app", uri.user());
        assertEquals("pw", uri.password());
        assertEquals("jdbc:postgresql://db.example.com:6543/orders", uri.jdbcUrl());
    }

    @Test
    void shouldUsePort5432WhenUriNamesNoPort() {
        String raw = "postgresql://app:pw@db.example.com/orders";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("db.example.com:5432", uri.hosts());
        assertEquals("jdbc:postgresql://db.example.com:5432/orders", uri.jdbcUrl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql://alice:pw@db", "postgresql://alice:pw@db/", "postgresql://alice@db:5433"})
    void shouldNameDatabaseAfterUserWhenUriNamesNoDatabase(String raw) {
        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("alice", uri.database());
    }

    @Test
    void shouldUsePostgresDatabaseAndNoCredentialsWhenUriNamesNoUser() {
        String raw = "postgresql://db.example.com";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("postgres", uri.database());
        assertNull(uri.user());
        assertNull(uri.password());
        assertTrue(uri.connectionProperties().isEmpty());
        assertEquals("jdbc:postgresql://db.example.com:5432/postgres", uri.jdbcUrl());
    }

    @Test
    void shouldCarryOnlyTheUserWhenUriHasUserWithoutPassword() {
        String raw = "postgresql://alice@db/orders";

        PostgresUri uri = PostgresUri.parse(raw);

        Properties properties = uri.connectionProperties();
        assertEquals("alice", properties.getProperty("user"));
        assertFalse(properties.containsKey("password"));
        assertNull(uri.password());
    }

    @Test
    void shouldKeepCredentialsOutOfJdbcUrlWhenUriHasUserAndPassword() {
        String raw = "postgresql://cutover_app:" + SECRET + "@db.example.com:6543/orders?sslmode=require";

        PostgresUri uri = PostgresUri.parse(raw);

        String jdbcUrl = uri.jdbcUrl();
        assertFalse(jdbcUrl.contains(SECRET), jdbcUrl);
        assertFalse(jdbcUrl.contains("cutover_app"), jdbcUrl);
        Properties seenByDriver = driverView(jdbcUrl);
        assertFalse(seenByDriver.containsKey("user"));
        assertFalse(seenByDriver.containsKey("password"));
        Properties credentials = uri.connectionProperties();
        assertEquals("cutover_app", credentials.getProperty("user"));
        assertEquals(SECRET, credentials.getProperty("password"));
    }

    @Test
    void shouldDecodeCredentialsWhenTheyArePercentEncoded() {
        String raw = "postgresql://app%40corp:p%40ss%3Aword@db/orders";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("app@corp", uri.connectionProperties().getProperty("user"));
        assertEquals("p@ss:word", uri.connectionProperties().getProperty("password"));
    }

    @Test
    void shouldKeepPlusInPasswordWhenPasswordContainsALiteralPlus() {
        String raw = "postgresql://app:a+b+c@db/orders";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("a+b+c", uri.connectionProperties().getProperty("password"));
    }

    @Test
    void shouldPreserveQueryParametersInJdbcUrlWhenUriHasThem() {
        String raw = "postgresql://app:pw@db/orders?sslmode=require&sslrootcert=/etc/ssl/certs/root.crt";

        PostgresUri uri = PostgresUri.parse(raw);

        Properties seenByDriver = driverView(uri.jdbcUrl());
        assertEquals("require", seenByDriver.getProperty("sslmode"));
        assertEquals("/etc/ssl/certs/root.crt", seenByDriver.getProperty("sslrootcert"));
        assertEquals("orders", seenByDriver.getProperty("PGDBNAME"));
    }

    @Test
    void shouldRenameLibpqParametersWhenPgjdbcSpellsThemDifferently() {
        String raw = "postgresql://app:pw@db/orders?connect_timeout=10&application_name=cutover";

        PostgresUri uri = PostgresUri.parse(raw);

        Properties seenByDriver = driverView(uri.jdbcUrl());
        assertEquals("10", seenByDriver.getProperty("connectTimeout"));
        assertEquals("cutover", seenByDriver.getProperty("ApplicationName"));
        assertFalse(uri.jdbcUrl().contains("connect_timeout"), uri.jdbcUrl());
        assertFalse(uri.jdbcUrl().contains("application_name"), uri.jdbcUrl());
    }

    @ParameterizedTest
    @CsvSource({
        "read-write, primary",
        "read-only, secondary",
        "any, any",
        "standby, secondary",
        "prefer-standby, preferSecondary"})
    void shouldMapTargetSessionAttrsWhenValueIsKnownToLibpq(String libpqValue, String pgjdbcValue) {
        String raw = "postgresql://app:pw@h1,h2/orders?target_session_attrs=" + libpqValue;

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals(pgjdbcValue, driverView(uri.jdbcUrl()).getProperty("targetServerType"));
        assertFalse(uri.jdbcUrl().contains("target_session_attrs"), uri.jdbcUrl());
    }

    @Test
    void shouldRejectTargetSessionAttrsWhenValueIsUnknown() {
        String raw = "postgresql://app:pw@db/orders?target_session_attrs=fastest";

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PostgresUri.parse(raw));

        assertTrue(error.getMessage().contains("target_session_attrs"), error.getMessage());
        assertTrue(error.getMessage().contains("fastest"), error.getMessage());
    }

    @Test
    void shouldTakeEveryPartFromQueryWhenQueryNamesThem() {
        String raw = "postgresql:///?host=db.internal&port=6543&user=app&password=" + SECRET + "&dbname=orders";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("db.internal:6543", uri.hosts());
        assertEquals("orders", uri.database());
        assertEquals("app", uri.connectionProperties().getProperty("user"));
        assertEquals(SECRET, uri.connectionProperties().getProperty("password"));
        assertTrue(uri.parameters().isEmpty(), uri.parameters().toString());
        assertEquals("jdbc:postgresql://db.internal:6543/orders", uri.jdbcUrl());
    }

    @Test
    void shouldNameDatabaseAfterQueryUserWhenOnlyQueryNamesTheUser() {
        String raw = "postgresql://db?user=alice";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("alice", uri.database());
    }

    @Test
    void shouldGiveEveryHostAPortWhenUriListsSeveralHosts() {
        String raw = "postgresql://app:pw@h1:5433,h2/orders";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("h1:5433,h2:5432", uri.hosts());
        Properties seenByDriver = driverView(uri.jdbcUrl());
        assertEquals("h1,h2", seenByDriver.getProperty("PGHOST"));
        assertEquals("5433,5432", seenByDriver.getProperty("PGPORT"));
    }

    @Test
    void shouldKeepBracketedAddressWhenHostIsIpv6WithPort() {
        String raw = "postgresql://app:pw@[::1]:5433/orders";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("[::1]:5433", uri.hosts());
        assertEquals("jdbc:postgresql://[::1]:5433/orders", uri.jdbcUrl());
    }

    @Test
    void shouldAddDefaultPortWhenHostIsIpv6WithoutPort() {
        String raw = "postgresql://app:pw@[::1]/orders";

        PostgresUri uri = PostgresUri.parse(raw);

        assertEquals("[::1]:5432", uri.hosts());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgresql:///orders?host=/var/run/postgresql",
        "postgresql://app@/orders?host=/tmp",
        "postgresql://%2Fvar%2Frun%2Fpostgresql/orders"})
    void shouldRejectHostWhenItIsAUnixDomainSocket(String raw) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PostgresUri.parse(raw));

        assertTrue(error.getMessage().contains("unix-domain socket"), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "postgresql://app:pw@db:0/orders, 0",
        "postgresql://app:pw@db:70000/orders, 70000",
        "'postgresql://app:pw@h1:5433,h2:99999/orders', 99999"})
    void shouldRejectPortNamingItWhenPortIsNotBetween1And65535(String raw, String badPort) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PostgresUri.parse(raw));

        assertEquals("port must be between 1 and 65535, but was " + badPort, error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgresql://app:pw@db:abc/orders",
        "postgresql://app:pw@db/orders?port=abc"})
    void shouldRejectPortWithoutEchoingItWhenPortIsNotANumber(String raw) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PostgresUri.parse(raw));

        assertTrue(error.getMessage().startsWith("port is not a number"), error.getMessage());
        assertTrue(error.getMessage().contains("percent-encode"), error.getMessage());
        assertFalse(error.getMessage().contains("abc"), error.getMessage());
    }

    @Test
    void shouldRejectWithoutRepeatingPasswordWhenSchemeIsUnknown() {
        String raw = "mysql://u:secret@h/d";

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PostgresUri.parse(raw));

        assertFalse(error.getMessage().contains("secret"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void shouldRejectUriWhenItIsEmpty(String raw) {
        assertThrows(IllegalArgumentException.class, () -> PostgresUri.parse(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "mysql://app:" + SECRET + "@db/orders",
        "postgresql:/app:" + SECRET + "@db/orders",
        "postgresql//app:" + SECRET + "@db/orders",
        "postgresql://app:" + SECRET + "@db:abc/orders",
        "postgresql://app:" + SECRET + "@db/orders?target_session_attrs=fastest",
        "postgresql://app:" + SECRET + "%zz@db/orders",
        "postgresql://app:" + SECRET + "/x@db/orders",
        "postgresql://app:" + SECRET + "?x@db/orders",
        "postgresql://db/orders?password=" + SECRET + "&port=abc",
        "mysql://db/orders?password=" + SECRET})
    void shouldNotRepeatPasswordWhenUriIsMalformed(String raw) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PostgresUri.parse(raw));

        assertFalse(error.getMessage().contains(SECRET), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgresql://app:" + SECRET + "@db/orders?sslmode=require",
        "postgresql://app@db/orders?password=" + SECRET + "&sslmode=require",
        "postgresql://db/orders?user=app&password=" + SECRET})
    void shouldMaskPasswordAndShowUserWhenPrinted(String raw) {
        PostgresUri uri = PostgresUri.parse(raw);

        String printed = uri.toString();
        String redacted = uri.redacted();

        for (String text : new String[] {printed, redacted}) {
            assertFalse(text.contains(SECRET), text);
            assertTrue(text.contains("app"), text);
            assertTrue(text.contains("****"), text);
            assertTrue(text.contains("db:5432/orders"), text);
        }
    }

    @Test
    void shouldNotPrintPasswordWhenQueryGivesPasswordWithoutUser() {
        PostgresUri uri = PostgresUri.parse("postgresql://db/orders?password=" + SECRET);

        String printed = uri.toString();

        assertFalse(printed.contains(SECRET), printed);
        assertFalse(uri.jdbcUrl().contains(SECRET), uri.jdbcUrl());
        assertEquals(SECRET, uri.connectionProperties().getProperty("password"));
    }

    @Test
    void shouldKeepEverythingButTheDatabaseWhenDatabaseIsReplaced() {
        PostgresUri original = PostgresUri.parse(
                "postgresql://app:" + SECRET + "@h1:5433,h2/orders?sslmode=require&application_name=cutover");

        PostgresUri other = original.withDatabase("billing");

        assertEquals("billing", other.database());
        assertEquals(original.hosts(), other.hosts());
        assertEquals(original.connectionProperties(), other.connectionProperties());
        assertEquals(original.parameters(), other.parameters());
        Properties seenByDriver = driverView(other.jdbcUrl());
        assertEquals("billing", seenByDriver.getProperty("PGDBNAME"));
        assertEquals("require", seenByDriver.getProperty("sslmode"));
        assertEquals("cutover", seenByDriver.getProperty("ApplicationName"));
        assertEquals("orders", original.database());
    }

    @Test
    void shouldAddParameterWhenUriDoesNotSetIt() {
        PostgresUri original = PostgresUri.parse("postgresql://app:pw@db/orders?sslmode=require");

        PostgresUri withDefault = original.withDefaultParameter("connectTimeout", "5");

        Properties seenByDriver = driverView(withDefault.jdbcUrl());
        assertEquals("5", seenByDriver.getProperty("connectTimeout"));
        assertEquals("require", seenByDriver.getProperty("sslmode"));
        assertEquals(original.connectionProperties(), withDefault.connectionProperties());
        assertFalse(original.parameters().containsKey("connectTimeout"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgresql://app:pw@db/orders?connectTimeout=30",
        "postgresql://app:pw@db/orders?connect_timeout=30"})
    void shouldKeepUrisValueWhenUriAlreadySetsTheParameter(String raw) {
        PostgresUri original = PostgresUri.parse(raw);

        PostgresUri withDefault = original.withDefaultParameter("connectTimeout", "5");

        assertEquals("30", driverView(withDefault.jdbcUrl()).getProperty("connectTimeout"));
    }

    @ParameterizedTest
    @CsvSource({
        "postgresql://app:" + SECRET + "@db/orders, postgresql://****@db/orders",
        "mongodb://app:" + SECRET + "@db:27017/?replicaSet=rs0, mongodb://****@db:27017/?replicaSet=rs0",
        "postgresql://db/orders?password=" + SECRET + "&sslmode=require, postgresql://db/orders?password=****&sslmode=require",
        "postgresql://db/orders?sslmode=require&password=" + SECRET + ", postgresql://db/orders?sslmode=require&password=****",
        "postgresql://db/orders?sslmode=require, postgresql://db/orders?sslmode=require"})
    void shouldMaskUserInfoAndPasswordParameterWhenMaskingRawString(String raw, String expected) {
        String masked = PostgresUri.maskCredentials(raw);

        assertEquals(expected, masked);
    }

    /** What pgjdbc itself reads from a JDBC URL, with no defaults mixed in. */
    private static Properties driverView(String jdbcUrl) {
        Properties parsed = org.postgresql.Driver.parseURL(jdbcUrl, new Properties());
        assertNotNull(parsed, "pgjdbc rejected " + jdbcUrl);
        return parsed;
    }
}
