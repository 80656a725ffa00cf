package dev.cutover.service;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The clock the service stamps documents with; tests register their own. */
@Factory
class ClockConfiguration {

    @Singleton
    @Secondary
    Clock clock() {
        return Clock.systemUTC();
    }
}
