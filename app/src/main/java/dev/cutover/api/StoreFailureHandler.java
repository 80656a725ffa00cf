package dev.cutover.api;

import dev.cutover.CutoverException;
import dev.cutover.document.postgres.PostgresStoreException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store that fails during a request (down, timed out, refusing) is the service's trouble, not
 * the client's: 503, with a message naming the store and operation but never a stored value, so
 * clients retry and load balancers look elsewhere. The log keeps one line per failure.
 */
final class StoreFailureHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StoreFailureHandler.class);

    static HttpResponse<?> unavailable(HttpRequest<?> request, RuntimeException failure) {
        LOG.warn("{} {} failed: {}", request.getMethod(), request.getPath(), failure.getMessage());
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable", failure.getMessage())
                .header("Retry-After", "1");
    }

    @Singleton
    static final class OnCutoverException implements ExceptionHandler<CutoverException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, CutoverException exception) {
            return unavailable(request, exception);
        }
    }

    /** The data beans are built at the first request; a store down then fails their creation. */
    @Singleton
    static final class OnBeanCreationFailure
            implements ExceptionHandler<io.micronaut.context.exceptions.BeanInstantiationException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request,
                io.micronaut.context.exceptions.BeanInstantiationException exception) {
            for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
                if (cause instanceof CutoverException || cause instanceof PostgresStoreException) {
                    return unavailable(request, (RuntimeException) cause);
                }
            }
            LOG.error("{} {} failed", request.getMethod(), request.getPath(), exception);
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                    "an internal error occurred; the service log has the details");
        }
    }

    @Singleton
    static final class OnPostgresFailure implements ExceptionHandler<PostgresStoreException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, PostgresStoreException exception) {
            return unavailable(request, exception);
        }
    }
}
