package dev.cutover.state;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that hands out the one connection of a transaction already open, so that code
 * which gets and closes its own connections, Togglz's {@code JDBCStateRepository} here, works
 * inside that transaction. Closing a handed-out connection does nothing: the transaction's owner
 * commits or rolls back and closes it.
 */
final class TransactionDataSource implements DataSource {

    private final Connection borrowed;

    TransactionDataSource(Connection transaction) {
        this.borrowed = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return null;
                    }
                    try {
                        return method.invoke(transaction, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection() {
        return borrowed;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("a transaction's connection has the credentials it was opened with");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // Nothing is logged through a writer.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // The connection is already open.
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("TransactionDataSource wraps nothing but a connection");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
