package dev.cutover.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.flags.Phase;
import dev.cutover.postgres.PostgresUri;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    /** A password no other part of any URI or message here contains by accident. */
    private static final String SECRET = "Zq8vXk2Wm";

    /** Not the defaults, so a test can tell that the values come from the pool settings. */
    private static final PoolSettings POOLS = new PoolSettings(
            10, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(30), 33, Duration.ofMillis(7500));

    private static final Map<String, Function<Settings, Boolean>> BOOLEANS = Map.of(
            "AUTO_CREATE_DB", Settings::autoCreateDb,
            "AUTO_MIGRATE", Settings::autoMigrate,
            "USE_POSTGRES", Settings::usePostgres,
            "READ_POSTGRES", Settings::readPostgres);

    private static final Map<String, Function<PoolSettings, Duration>> DURATIONS = Map.of(
            "POSTGRES_CONNECT_TIMEOUT", PoolSettings::postgresConnectTimeout,
            "POSTGRES_STATEMENT_TIMEOUT", PoolSettings::postgresStatementTimeout,
            "POSTGRES_MAX_LIFETIME", PoolSettings::postgresMaxLifetime,
            "MONGO_TIMEOUT", PoolSettings::mongoTimeout);

    private static final Map<String, Function<PoolSettings, Integer>> POOL_SIZES = Map.of(
            "POSTGRES_POOL_SIZE", PoolSettings::postgresPoolSize,
            "MONGO_POOL_SIZE", PoolSettings::mongoPoolSize);

    @Test
    void shouldUseDocumentedDefaultsWhenEnvironmentIsEmpty() {
        Map<String, String> environment = Map.of();

        Settings settings = Settings.fromEnvironment(environment);

        assertTrue(settings.autoCreateDb());
        assertTrue(settings.autoMigrate());
        assertFalse(settings.usePostgres());
        assertFalse(settings.readPostgres());
        assertEquals(Phase.of(1), settings.migrationPhase());
        assertEquals(8080, settings.port());
        assertEquals("cutover", settings.mongoDbName());
        assertEquals(LogFormat.PLAIN, settings.logFormat());
        assertEquals(PoolSettings.DEFAULTS, settings.pools());
        assertEquals(Optional.empty(), settings.postgresUri());
        assertEquals(Optional.empty(), settings.mongoUri());
        assertEquals(Optional.empty(), settings.apiToken());
        assertEquals(Optional.empty(), settings.adminToken());
    }

    static Stream<Arguments> booleanSpellings() {
        List<String> trueSpellings = List.of("true", "TRUE", "True", "1", "yes", "YES", "on", "On");
        List<String> falseSpellings = List.of("false", "FALSE", "False", "0", "no", "NO", "off", "Off");
        return BOOLEANS.keySet().stream().sorted().flatMap(name -> Stream.concat(
                trueSpellings.stream().map(value -> Arguments.of(name, value, true)),
                falseSpellings.stream().map(value -> Arguments.of(name, value, false))));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("booleanSpellings")
    void shouldReadBooleanWhenSpelledAnyAcceptedWay(String name, String value, boolean expected) {
        Map<String, String> environment = Map.of(name, value);

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals(expected, BOOLEANS.get(name).apply(settings));
    }

    @Test
    void shouldSayWhatWasExpectedAndWhatCameWhenBooleanIsNeitherTrueNorFalse() {
        Map<String, String> environment = Map.of("USE_POSTGRES", "maybe");

        CutoverException error = configurationError(environment);

        assertEquals("USE_POSTGRES must be true or false, but was 'maybe'", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"AUTO_CREATE_DB", "AUTO_MIGRATE", "USE_POSTGRES", "READ_POSTGRES"})
    void shouldRejectBooleanNamingVariableAndValueWhenValueIsNotABoolean(String name) {
        Map<String, String> environment = Map.of(name, "enabled");

        CutoverException error = configurationError(environment);

        assertNamesVariableAndValue(error, name, "enabled");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void shouldReadMigrationPhaseWhenItIsBetween0And3(int phase) {
        Map<String, String> environment = Map.of("MIGRATION_PHASE", Integer.toString(phase));

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals(Phase.of(phase), settings.migrationPhase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "4", "10", "two", "1.5"})
    void shouldRejectMigrationPhaseWhenItIsNotAPhaseNumber(String value) {
        Map<String, String> environment = Map.of("MIGRATION_PHASE", value);

        CutoverException error = configurationError(environment);

        assertNamesVariableAndValue(error, "MIGRATION_PHASE", value);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9090, 65535})
    void shouldReadPortWhenItIsBetween0And65535(int port) {
        Map<String, String> environment = Map.of("PORT", Integer.toString(port));

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals(port, settings.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "100000", "http"})
    void shouldRejectPortWhenItIsOutOfRangeOrNotANumber(String value) {
        Map<String, String> environment = Map.of("PORT", value);

        CutoverException error = configurationError(environment);

        assertNamesVariableAndValue(error, "PORT", value);
    }

    static Stream<Arguments> durationSpellings() {
        return DURATIONS.keySet().stream().sorted().flatMap(name -> Stream.of(
                Arguments.of(name, "500ms", Duration.ofMillis(500)),
                Arguments.of(name, "30s", Duration.ofSeconds(30)),
                Arguments.of(name, "5m", Duration.ofMinutes(5)),
                Arguments.of(name, "1h", Duration.ofHours(1)),
                Arguments.of(name, "PT1M30S", Duration.ofSeconds(90)),
                Arguments.of(name, "pt0.5s", Duration.ofMillis(500))));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("durationSpellings")
    void shouldReadDurationWhenWrittenAsNumberAndUnit(String name, String value, Duration expected) {
        Map<String, String> environment = Map.of(name, value);

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals(expected, DURATIONS.get(name).apply(settings.pools()));
    }

    static Stream<Arguments> badDurations() {
        return DURATIONS.keySet().stream().sorted().flatMap(name -> Stream.of("30", "thirty seconds", "1d", "-5s", "s", "PT", "P1Y", "PT-5S", "-PT5S")
                .map(value -> Arguments.of(name, value)));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badDurations")
    void shouldRejectDurationNamingVariableAndValueWhenItHasNoKnownUnit(String name, String value) {
        Map<String, String> environment = Map.of(name, value);

        CutoverException error = configurationError(environment);

        assertNamesVariableAndValue(error, name, value);
    }

    @Test
    void shouldReconcileEveryTenMinutesWhenTheIntervalIsNotSet() {
        Map<String, String> environment = Map.of();

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals(Duration.ofMinutes(10), settings.reconcileInterval());
    }

    @ParameterizedTest
    @CsvSource({"0, PT0S", "15m, PT15M", "PT2H, PT2H", "1s, PT1S"})
    void shouldReadTheReconcileIntervalWhenItIsZeroOrAtLeastASecond(String value, Duration expected) {
        Map<String, String> environment = Map.of("RECONCILE_INTERVAL", value);

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals(expected, settings.reconcileInterval());
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "PT0.5S", "ten minutes", "-1m"})
    void shouldRejectTheReconcileIntervalNamingItWhenItIsBelowASecondOrMalformed(String value) {
        Map<String, String> environment = Map.of("RECONCILE_INTERVAL", value);

        CutoverException error = configurationError(environment);

        assertNamesVariableAndValue(error, "RECONCILE_INTERVAL", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRES_POOL_SIZE", "MONGO_POOL_SIZE"})
    void shouldReadPoolSizeWhenItIsAPositiveNumber(String name) {
        Map<String, String> environment = Map.of(name, "37");

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals(37, POOL_SIZES.get(name).apply(settings.pools()));
    }

    @ParameterizedTest
    @CsvSource({"POSTGRES_POOL_SIZE, 0", "POSTGRES_POOL_SIZE, many", "MONGO_POOL_SIZE, 0", "MONGO_POOL_SIZE, many"})
    void shouldRejectPoolSizeWhenItIsNotAPositiveNumber(String name, String value) {
        Map<String, String> environment = Map.of(name, value);

        CutoverException error = configurationError(environment);

        assertNamesVariableAndValue(error, name, value);
    }

    @ParameterizedTest
    @CsvSource({"plain, PLAIN", "json, JSON", "JSON, JSON", "Plain, PLAIN"})
    void shouldReadLogFormatWhenItIsPlainOrJson(String value, LogFormat expected) {
        Map<String, String> environment = Map.of("LOG_FORMAT", value);

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals(expected, settings.logFormat());
    }

    @Test
    void shouldRejectLogFormatWhenItIsUnknown() {
        Map<String, String> environment = Map.of("LOG_FORMAT", "xml");

        CutoverException error = configurationError(environment);

        assertNamesVariableAndValue(error, "LOG_FORMAT", "xml");
    }

    @Test
    void shouldReadNamesAndTokensWhenTheyAreSet() {
        Map<String, String> environment = Map.of(
                "MONGO_DB_NAME", "orders",
                "API_TOKEN", "api-token-0123456789",
                "ADMIN_TOKEN", "admin-token-0123456789");

        Settings settings = Settings.fromEnvironment(environment);

        assertEquals("orders", settings.mongoDbName());
        assertEquals(Optional.of("api-token-0123456789"), settings.apiToken());
        assertEquals(Optional.of("admin-token-0123456789"), settings.adminToken());
    }

    @Test
    void shouldRefuseATokenShorterThanSixteenCharactersWithoutEchoingIt() {
        Settings settings = Settings.fromEnvironment(Map.of("API_TOKEN", "short-secret",
                "ADMIN_TOKEN", "admin-token-0123456789"));

        CutoverException error = assertThrows(CutoverException.class, () -> settings.requireTokens("serve"));

        assertEquals("API_TOKEN must be at least 16 characters, but has 12. Fix: use a random secret, for example "
                + "from openssl rand -hex 32.", error.getMessage());
    }

    @Test
    void shouldRequireBothTokensAndRefuseOneTokenForBothApis() {
        Settings none = Settings.fromEnvironment(Map.of());
        Settings same = Settings.fromEnvironment(Map.of("API_TOKEN", "same-token-0123456789",
                "ADMIN_TOKEN", "same-token-0123456789"));

        CutoverException missing = assertThrows(CutoverException.class, () -> none.requireTokens("serve"));
        CutoverException shared = assertThrows(CutoverException.class, () -> same.requireTokens("serve"));

        assertTrue(missing.getMessage().startsWith("API_TOKEN is not set, and 'serve' never serves without it."),
                missing.getMessage());
        assertTrue(shared.getMessage().startsWith("API_TOKEN and ADMIN_TOKEN are the same"), shared.getMessage());
        assertEquals(ExitCode.CONFIGURATION, shared.exitCode());
    }

    @Test
    void shouldParseStoreUrisWhenTheyAreSet() {
        Map<String, String> environment = Map.of(
                "POSTGRES_URI", "postgres://app:" + SECRET + "@db.internal:6543/orders?sslmode=require",
                "MONGO_URI", "mongodb://mongo.internal:27017/?replicaSet=rs0");

        Settings settings = Settings.fromEnvironment(environment);

        PostgresUri postgres = settings.postgresUri().orElseThrow();
        assertEquals("db.internal:6543", postgres.hosts());
        assertEquals("orders", postgres.database());
        assertEquals("app", postgres.user());
        assertEquals(SECRET, postgres.password());
        assertEquals("require", postgres.parameters().get("sslmode"));
        assertEquals(Optional.of("mongodb://mongo.internal:27017/?replicaSet=rs0"), settings.mongoUri());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "mysql://app:" + SECRET + "@db/orders",
        "postgresql://app:" + SECRET + "@db:abc/orders",
        "postgresql://app:" + SECRET + "@db/orders?target_session_attrs=fastest",
        "postgresql://db/orders?password=" + SECRET + "&port=70000",
        "postgresql:/app:" + SECRET + "@db/orders",
        "postgresql://app:" + SECRET + "/x@db/orders"})
    void shouldNamePostgresUriWithoutItsPasswordWhenUriIsMalformed(String uri) {
        Map<String, String> environment = Map.of("POSTGRES_URI", uri);

        CutoverException error = configurationError(environment);

        assertTrue(error.getMessage().contains("POSTGRES_URI"), error.getMessage());
        assertFalse(error.getMessage().contains(SECRET), error.getMessage());
    }

    @Test
    void shouldNamePostgresUriAndItsBadPortWhenPortIsOutOfRange() {
        Map<String, String> environment = Map.of("POSTGRES_URI", "postgresql://db:70000/orders");

        CutoverException error = configurationError(environment);

        assertEquals("POSTGRES_URI port must be between 1 and 65535, but was 70000", error.getMessage());
    }

    @Test
    void shouldNameMongoUriWhenItIsNotAMongoConnectionString() {
        Map<String, String> environment = Map.of("MONGO_URI", "postgresql://db/orders");

        CutoverException error = configurationError(environment);

        assertNamesVariableAndValue(error, "MONGO_URI", "postgresql://db/orders");
    }

    @Test
    void shouldNamePostgresUriWhenPostgresIsRequiredButNotSet() {
        Settings settings = Settings.fromEnvironment(Map.of());

        CutoverException error = assertThrows(CutoverException.class, () -> settings.requirePostgres("migrate"));

        assertEquals(ExitCode.CONFIGURATION, error.exitCode());
        assertTrue(error.getMessage().contains("POSTGRES_URI"), error.getMessage());
    }

    @Test
    void shouldReturnConfiguredStoresWhenTheyAreRequiredAndSet() {
        Settings settings = Settings.fromEnvironment(Map.of(
                "POSTGRES_URI", "postgresql://app:pw@db/orders",
                "MONGO_URI", "mongodb://mongo:27017"));

        PostgresUri postgres = settings.requirePostgres("serve");

        assertSame(settings.postgresUri().orElseThrow(), postgres);
        assertEquals(java.util.Optional.of("mongodb://mongo:27017"), settings.mongoUri());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "mongodb://mongo:27017",
        "mongodb://mongo:27017/",
        "mongodb://mongo:27017/orders",
        "mongodb://app:pw@mongo1:27017,mongo2:27017"})
    void shouldAddTimeoutsAndPoolSizeWhenUriSetsNoOptions(String uri) {
        String withDefaults = MongoUris.withDefaults(uri, POOLS);

        ConnectionString parsed = new ConnectionString(withDefaults);
        ConnectionString original = new ConnectionString(uri);
        assertEquals(7500, parsed.getServerSelectionTimeout());
        assertEquals(7500, parsed.getConnectTimeout());
        assertEquals(33, parsed.getMaxConnectionPoolSize());
        assertEquals(original.getHosts(), parsed.getHosts());
        assertEquals(original.getDatabase(), parsed.getDatabase());
        assertEquals(original.getUsername(), parsed.getUsername());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mongodb://mongo:27017/?replicaSet=rs0", "mongodb://mongo:27017/orders?replicaSet=rs0"})
    void shouldKeepExistingOptionsWhenUriAlreadyHasAQuery(String uri) {
        String withDefaults = MongoUris.withDefaults(uri, POOLS);

        ConnectionString parsed = new ConnectionString(withDefaults);
        assertEquals("rs0", parsed.getRequiredReplicaSetName());
        assertEquals(new ConnectionString(uri).getDatabase(), parsed.getDatabase());
        assertEquals(7500, parsed.getServerSelectionTimeout());
        assertEquals(7500, parsed.getConnectTimeout());
        assertEquals(33, parsed.getMaxConnectionPoolSize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mongodb://mongo:27017/?maxPoolSize=50", "mongodb://mongo:27017/orders?maxpoolsize=50"})
    void shouldLeaveOptionAloneWhenUriAlreadySetsIt(String uri) {
        String withDefaults = MongoUris.withDefaults(uri, POOLS);

        ConnectionString parsed = new ConnectionString(withDefaults);
        assertEquals(50, parsed.getMaxConnectionPoolSize());
        assertEquals(1, occurrences(withDefaults, "maxpoolsize="), withDefaults);
        assertEquals(7500, parsed.getServerSelectionTimeout());
        assertEquals(7500, parsed.getConnectTimeout());
    }

    @Test
    void shouldReturnUriUnchangedWhenMongoAcceptsIt() {
        String uri = "mongodb://app:pw@mongo:27017/orders?replicaSet=rs0";

        String validated = MongoUris.validate(uri);

        assertEquals(uri, validated);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql://db/orders", "mongo.internal:27017", "not a uri"})
    void shouldRejectStringWhenItIsNotAMongoConnectionString(String uri) {
        assertThrows(IllegalArgumentException.class, () -> MongoUris.validate(uri));
    }

    @Test
    void shouldNotRepeatPasswordWhenMongoUriIsRejected() {
        String uri = "mongodb://app:" + SECRET + "@mongo:abc/orders";

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> MongoUris.validate(uri));

        assertFalse(error.getMessage().contains(SECRET), error.getMessage());
    }

    private static CutoverException configurationError(Map<String, String> environment) {
        CutoverException error =
                assertThrows(CutoverException.class, () -> Settings.fromEnvironment(environment));
        assertEquals(ExitCode.CONFIGURATION, error.exitCode(), error.getMessage());
        return error;
    }

    private static void assertNamesVariableAndValue(CutoverException error, String name, String value) {
        String message = error.getMessage();
        assertTrue(message.startsWith(name + " "), message);
        assertTrue(message.contains("'" + value + "'"), message);
    }

    private static int occurrences(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part), Pattern.CASE_INSENSITIVE).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
