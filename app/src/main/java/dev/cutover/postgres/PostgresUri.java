package dev.cutover.postgres;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * A PostgreSQL location parsed from any of the URI forms operators meet: {@code postgresql://},
 * {@code postgres://}, SQLAlchemy's {@code postgresql+<driver>://} and {@code jdbc:postgresql://},
 * with or without credentials, port, database and query parameters.
 *
 * <p>pgjdbc does not accept credentials inside a URL, so they are kept apart: {@link #jdbcUrl()}
 * never contains them and {@link #connectionProperties()} carries them. {@link #toString()} masks
 * the password, so a {@code PostgresUri} is safe to log.
 */
public final class PostgresUri {

    private static final String MASK = "****";
    private static final int DEFAULT_PORT = 5432;

    /** libpq parameter names that pgjdbc spells differently. */
    private static final Map<String, String> LIBPQ_TO_PGJDBC = Map.of(
            "connect_timeout", "connectTimeout",
            "application_name", "ApplicationName",
            "target_session_attrs", "targetServerType");

    private static final Map<String, String> TARGET_SESSION_ATTRS = Map.of(
            "any", "any",
            "read-write", "primary",
            "primary", "primary",
            "read-only", "secondary",
            "standby", "secondary",
            "prefer-standby", "preferSecondary");

    private final String hosts;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> parameters;

    private PostgresUri(String hosts, String database, String user, String password,
            Map<String, String> parameters) {
        this.hosts = hosts;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses a URI.
     *
     * @throws IllegalArgumentException naming what is wrong; the message never repeats a password
     */
    public static PostgresUri parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String rest = stripScheme(raw.trim());

        int pathStart = indexOfAny(rest, '/', '?');
        String authority = pathStart < 0 ? rest : rest.substring(0, pathStart);
        String afterAuthority = pathStart < 0 ? "" : rest.substring(pathStart);

        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user name");
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "password");
        }

        String database = null;
        String query = "";
        int questionMark = afterAuthority.indexOf('?');
        String path = questionMark < 0 ? afterAuthority : afterAuthority.substring(0, questionMark);
        if (questionMark >= 0) {
            query = afterAuthority.substring(questionMark + 1);
        }
        if (path.startsWith("/") && path.length() > 1) {
            database = decode(path.substring(1), "database name");
        }

        Map<String, String> parameters = new LinkedHashMap<>();
        String host = authority;
        String port = null;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), "query parameter name");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "value of " + key);
            switch (key) {
                case "user" -> user = value;
                case "password" -> password = value;
                case "dbname" -> database = value;
                case "host" -> host = value;
                case "port" -> port = value;
                default -> putParameter(parameters, key, value);
            }
        }
        if (user != null && user.isEmpty()) {
            user = null;
        }
        return new PostgresUri(normalizeHosts(host, port), database == null ? defaultDatabase(user) : database,
                user, password, parameters);
    }

    private static String stripScheme(String raw) {
        String lower = raw.toLowerCase(java.util.Locale.ROOT);
        for (String scheme : new String[] {"jdbc:postgresql://", "postgresql://", "postgres://"}) {
            if (lower.startsWith(scheme)) {
                return raw.substring(scheme.length());
            }
        }
        if (lower.startsWith("postgresql+")) {
            int separator = raw.indexOf("://");
            if (separator > "postgresql+".length()) {
                return raw.substring(separator + 3);
            }
        }
        int colon = raw.indexOf(':');
        String start = colon < 0 ? "no scheme" : "'" + raw.substring(0, colon + 1) + "'";
        throw new IllegalArgumentException("must start with postgresql://, postgres://, "
                + "postgresql+<driver>:// or jdbc:postgresql://, but starts with " + start);
    }

    private static void putParameter(Map<String, String> parameters, String key, String value) {
        String pgjdbcKey = LIBPQ_TO_PGJDBC.getOrDefault(key, key);
        if (pgjdbcKey.equals("targetServerType")) {
            String mapped = TARGET_SESSION_ATTRS.get(value);
            if (mapped == null) {
                throw new IllegalArgumentException("target_session_attrs must be one of "
                        + new java.util.TreeSet<>(TARGET_SESSION_ATTRS.keySet()) + ", but was '" + value + "'");
            }
            value = mapped;
        }
        parameters.put(pgjdbcKey, value);
    }

    private static String normalizeHosts(String rawHosts, String port) {
        String hosts = decode(rawHosts, "host");
        if (hosts.isEmpty()) {
            hosts = "localhost";
        }
        if (hosts.startsWith("/")) {
            throw new IllegalArgumentException("names a unix-domain socket (" + hosts
                    + "), which the JDBC driver cannot use; give a TCP host such as localhost");
        }
        StringJoiner joined = new StringJoiner(",");
        for (String host : hosts.split(",")) {
            joined.add(withPort(host, port));
        }
        return joined.toString();
    }

    private static String withPort(String host, String port) {
        boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
        if (hasPort) {
            String portText = host.substring(host.lastIndexOf(':') + 1);
            checkPort(portText);
            return host;
        }
        String effectivePort = port == null ? Integer.toString(DEFAULT_PORT) : port;
        checkPort(effectivePort);
        return host + ":" + effectivePort;
    }

    private static void checkPort(String port) {
        if (!port.matches("\\d{1,9}")) {
            // Not echoed: a "port" that is no number is most often the tail of a password with an
            // unencoded / ? # or @ in it.
            throw new IllegalArgumentException("port is not a number; if the password contains / ? # @ or :, "
                    + "percent-encode them (%2F %3F %23 %40 %3A)");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, but was " + number);
        }
    }

    private static String defaultDatabase(String user) {
        // libpq's rule: without a database name, the database is named after the user.
        return user == null ? "postgres" : user;
    }

    private static String decode(String text, String what) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a malformed percent-escape in the " + what);
        }
    }

    private static int indexOfAny(String text, char first, char second) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == first || c == second) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Masks the credentials of a raw URI string that may not parse: whatever stands between
     * {@code ://} and the last {@code @}, and any {@code password=} query parameter.
     */
    public static String maskCredentials(String raw) {
        String masked = raw.replaceAll("(?i)([?&][a-z_]*password=)[^&]*", "$1" + MASK);
        int schemeEnd = masked.indexOf("://");
        int at = masked.lastIndexOf('@');
        if (schemeEnd < 0 || at < schemeEnd) {
            return masked;
        }
        return masked.substring(0, schemeEnd + 3) + MASK + masked.substring(at);
    }

    /** The same server and credentials, another database. */
    public PostgresUri withDatabase(String otherDatabase) {
        return new PostgresUri(hosts, otherDatabase, user, password, parameters);
    }

    /** The same server and database, other credentials. */
    public PostgresUri withCredentials(String otherUser, String otherPassword) {
        return new PostgresUri(hosts, database, otherUser, otherPassword, parameters);
    }

    /** The same location with one more connection parameter, unless the URI already sets it. */
    public PostgresUri withDefaultParameter(String key, String value) {
        if (parameters.containsKey(key)) {
            return this;
        }
        Map<String, String> more = new LinkedHashMap<>(parameters);
        more.put(key, value);
        return new PostgresUri(hosts, database, user, password, more);
    }

    /** The JDBC URL for pgjdbc: hosts, database and parameters, never credentials. */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hosts).append('/')
                .append(URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20"));
        appendQuery(url);
        return url.toString();
    }

    /** The properties to hand pgjdbc beside {@link #jdbcUrl()}: the credentials. */
    public Properties connectionProperties() {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return properties;
    }

    private void appendQuery(StringBuilder url) {
        char separator = '?';
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            url.append(separator)
                    .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
    }

    public String hosts() {
        return hosts;
    }

    public String database() {
        return database;
    }

    /** The role name, or {@code null} when the URI names none (the driver's default applies). */
    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Map<String, String> parameters() {
        return parameters;
    }

    /** A {@code postgresql://} form with the password masked: safe for logs, errors and health. */
    public String redacted() {
        StringBuilder text = new StringBuilder("postgresql://");
        if (user != null) {
            text.append(user);
            if (password != null) {
                text.append(':').append(MASK);
            }
            text.append('@');
        }
        text.append(hosts).append('/').append(database);
        char separator = '?';
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            boolean secret = parameter.getKey().toLowerCase(java.util.Locale.ROOT).contains("password");
            text.append(separator).append(parameter.getKey()).append('=')
                    .append(secret ? MASK : parameter.getValue());
            separator = '&';
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return redacted();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PostgresUri that
                && hosts.equals(that.hosts)
                && database.equals(that.database)
                && java.util.Objects.equals(user, that.user)
                && java.util.Objects.equals(password, that.password)
                && parameters.equals(that.parameters);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(hosts, database, user, password, parameters);
    }
}
