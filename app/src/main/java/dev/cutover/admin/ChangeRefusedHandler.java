package dev.cutover.admin;

import dev.cutover.api.Problems;
import dev.cutover.state.ChangeRefusedException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * A change the stage rules refuse: 409, problem type {@code flag-refused}, the rule's words as the
 * detail. Nothing was written. (A store failure during a change is a 503, like any store failure.)
 */
@Singleton
final class ChangeRefusedHandler implements ExceptionHandler<ChangeRefusedException, HttpResponse<?>> {

    static final String TYPE = "flag-refused";

    @Override
    public HttpResponse<?> handle(HttpRequest request, ChangeRefusedException exception) {
        return Problems.of(HttpStatus.CONFLICT, TYPE, exception.getMessage());
    }
}
