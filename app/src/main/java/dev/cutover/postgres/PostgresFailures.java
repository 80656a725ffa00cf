package dev.cutover.postgres;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Turns what PostgreSQL and pgjdbc say when a connection fails into one line for an operator,
 * naming the cause and the fix. Every message here is listed verbatim in
 * {@code docs/troubleshooting.md}.
 */
final class PostgresFailures {

    static final String INVALID_PASSWORD = "28P01";
    static final String INVALID_AUTHORIZATION = "28000";
    static final String INVALID_CATALOG = "3D000";
    static final String INSUFFICIENT_PRIVILEGE = "42501";
    static final String DUPLICATE_DATABASE = "42P04";
    static final String UNIQUE_VIOLATION = "23505";

    private PostgresFailures() {
    }

    /** A connection to {@code uri} failed with {@code error}. */
    static CutoverException connectionFailed(PostgresUri uri, SQLException error) {
        String state = String.valueOf(error.getSQLState());
        String message = String.valueOf(error.getMessage());
        String role = uri.user() == null ? "(default)" : uri.user();
        if (state.equals(INVALID_PASSWORD)) {
            // PostgreSQL gives this same answer for a role that does not exist, so as not to
            // reveal which roles do; the server log says which it was.
            return fail("password authentication failed for PostgreSQL role \"" + role + "\" at " + uri.hosts()
                    + " (a wrong password, or no such role: the server does not say which). Fix: correct the user "
                    + "and password in POSTGRES_URI (percent-encode @ : / ? # as %40 %3A %2F %3F %23); cutover "
                    + "never creates roles.", error);
        }
        if (state.equals(INVALID_AUTHORIZATION) && message.contains("does not exist")) {
            return fail("PostgreSQL role \"" + role + "\" does not exist at " + uri.hosts()
                    + ". Fix: create it as a superuser (CREATE ROLE \"" + role + "\" LOGIN PASSWORD '...';), "
                    + "or correct the user in POSTGRES_URI; cutover never creates roles.", error);
        }
        if (state.equals(INVALID_AUTHORIZATION) && message.contains("no encryption")) {
            // The server says only that no pg_hba.conf entry admits this connection without SSL:
            // it may require SSL (as managed providers do), or admit this role from nowhere here.
            return fail("PostgreSQL at " + uri.hosts() + " admits no connection without SSL for role \"" + role
                    + "\" to database \"" + uri.database() + "\" (no pg_hba.conf entry). Fix: if the server "
                    + "requires SSL, add ?sslmode=require to POSTGRES_URI (verify-full also checks the certificate); "
                    + "otherwise add a pg_hba.conf entry for this host, role and database.", error);
        }
        if (state.equals(INVALID_AUTHORIZATION) && message.contains("pg_hba.conf")) {
            return fail("PostgreSQL at " + uri.hosts() + " does not accept role \"" + role + "\" to database \""
                    + uri.database() + "\" from this host (no pg_hba.conf entry). Fix: add an entry for this host "
                    + "to pg_hba.conf, or connect as a role and database it allows.", error);
        }
        if (causedBy(error, javax.net.ssl.SSLException.class)) {
            return fail("the SSL connection to PostgreSQL at " + uri.hosts() + " failed: the server's certificate "
                    + "could not be verified, or a certificate file named in POSTGRES_URI could not be read. Fix: "
                    + "check sslmode, sslrootcert, sslcert and sslkey in POSTGRES_URI.", error);
        }
        if (state.equals(INSUFFICIENT_PRIVILEGE)) {
            return fail("PostgreSQL role \"" + role + "\" may not connect to database \"" + uri.database()
                    + "\". Fix: GRANT CONNECT ON DATABASE \"" + uri.database() + "\" TO \"" + role + "\";", error);
        }
        if (state.startsWith("08") || causedBy(error, ConnectException.class)
                || causedBy(error, UnknownHostException.class)) {
            return fail("cannot reach PostgreSQL at " + uri.hosts() + " (" + networkCause(error)
                    + "). Fix: check that the server is running and that the host and port in POSTGRES_URI "
                    + "are right and reachable from here.", error);
        }
        return fail("cannot connect to PostgreSQL at " + uri.hosts() + " as role \"" + role + "\": "
                + firstLine(message) + " (SQLSTATE " + state + "). Fix: check POSTGRES_URI and the server log.",
                error);
    }

    static CutoverException databaseMissing(PostgresUri uri) {
        return new CutoverException(ExitCode.POSTGRES, "database \"" + uri.database() + "\" does not exist at "
                + uri.hosts() + " and AUTO_CREATE_DB=false. Fix: create it (CREATE DATABASE " + quote(uri.database())
                + " OWNER " + quote(roleOf(uri)) + ";) or set AUTO_CREATE_DB=true.");
    }

    static CutoverException cannotCreateDatabase(PostgresUri uri, SQLException error) {
        if (INSUFFICIENT_PRIVILEGE.equals(error.getSQLState())) {
            return fail("cannot create database \"" + uri.database() + "\": PostgreSQL role \"" + roleOf(uri)
                    + "\" lacks the CREATEDB privilege. Fix: create the database as a superuser (CREATE DATABASE "
                    + quote(uri.database()) + " OWNER " + quote(roleOf(uri)) + ";), or ALTER ROLE "
                    + quote(roleOf(uri)) + " CREATEDB;, or set AUTO_CREATE_DB=false and name an existing database.",
                    error);
        }
        return fail("cannot create database \"" + uri.database() + "\" at " + uri.hosts() + ": "
                + firstLine(error.getMessage()) + " (SQLSTATE " + error.getSQLState()
                + "). Fix: create it yourself (CREATE DATABASE " + quote(uri.database()) + ";) and start again.",
                error);
    }

    static String roleOf(PostgresUri uri) {
        return uri.user() == null ? System.getProperty("user.name") : uri.user();
    }

    /** A double-quoted SQL identifier. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int newline = message.indexOf('\n');
        String line = (newline < 0 ? message : message.substring(0, newline)).strip();
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    private static String networkCause(SQLException error) {
        if (causedBy(error, UnknownHostException.class)) {
            return "unknown host";
        }
        if (causedBy(error, ConnectException.class)) {
            return "connection refused";
        }
        if (causedBy(error, SocketTimeoutException.class) || causedBy(error, NoRouteToHostException.class)) {
            return "no answer in time";
        }
        return firstLine(error.getMessage());
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static CutoverException fail(String message, SQLException cause) {
        return new CutoverException(ExitCode.POSTGRES, message, cause);
    }
}
