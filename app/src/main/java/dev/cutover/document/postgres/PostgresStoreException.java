package dev.cutover.document.postgres;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A PostgreSQL failure that is not a verdict on the document (those are
 * {@link dev.cutover.document.DocumentException}s): the server unreachable, a statement
 * cancelled, a value its column cannot hold. The message names the operation, the collection,
 * the SQLSTATE and the schema objects involved, never a value: PostgreSQL's own messages quote
 * the offending values, so neither the driver's message nor its exception is carried along.
 */
public final class PostgresStoreException extends RuntimeException {

    private final String sqlState;

    /**
     * @param subject   the collection, or the table of a capability ({@code repair_queue}), operated on
     * @param operation the repository operation, as its method is named
     */
    public PostgresStoreException(String subject, String operation, SQLException error) {
        super("postgres " + operation + " on " + subject + " failed with SQLSTATE " + error.getSQLState()
                + objects(error));
        this.sqlState = error.getSQLState();
    }

    /** The SQLSTATE PostgreSQL or the driver gave, e.g. {@code 08006} for a lost connection. */
    public String sqlState() {
        return sqlState;
    }

    private static String objects(SQLException error) {
        ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        if (server == null) {
            return "";
        }
        List<String> named = new ArrayList<>();
        addNamed(named, "table", server.getTable());
        addNamed(named, "column", server.getColumn());
        addNamed(named, "constraint", server.getConstraint());
        addNamed(named, "type", server.getDatatype());
        return named.isEmpty() ? "" : " (" + String.join(", ", named) + ")";
    }

    private static void addNamed(List<String> named, String kind, String name) {
        if (name != null) {
            named.add(kind + " " + name);
        }
    }
}
