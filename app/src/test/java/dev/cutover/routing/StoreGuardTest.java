package dev.cutover.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.flags.Store;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's time limit and its threads, with writes that hang on a latch the test releases:
 * what a store that never answers looks like to the guard. (Through the router and a real
 * stalled store: {@link DualWriteRouterTest}.)
 */
class StoreGuardTest {

    private static final Duration TIME_LIMIT = Duration.ofMillis(200);

    private final CountDownLatch hung = new CountDownLatch(1);
    private StoreGuard guard;

    @AfterEach
    void release() {
        hung.countDown();
        guard.close();
    }

    private StoreGuard guard(int maxConcurrent) {
        guard = new StoreGuard(Store.POSTGRES, new GuardSettings(TIME_LIMIT, maxConcurrent, 50, Duration.ofSeconds(1)),
                CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults());
        return guard;
    }

    /** Blocks until the test releases it; like a blocked socket read, deaf to interrupts. */
    private Boolean hang() {
        boolean interrupted = false;
        while (true) {
            try {
                boolean released = hung.await(1, TimeUnit.MINUTES);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return released;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    @Test
    void shouldGiveUpAtTheTimeLimitWhenAWriteHangs() {
        StoreGuard guard = guard(4);

        long started = System.nanoTime();
        StoreGuard.Result<Boolean> result = guard.run(this::hang);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(Optional.of("timeout"), result.failure());
        assertTrue(waitedMillis >= TIME_LIMIT.toMillis() && waitedMillis < 2_000,
                "waited " + waitedMillis + " ms for a time limit of " + TIME_LIMIT.toMillis() + " ms");
    }

    @Test
    void shouldSkipAWriteAsBulkheadFullWhileEveryThreadIsStillInAWriteThatTimedOut() throws Exception {
        StoreGuard guard = guard(1);
        AtomicBoolean secondRan = new AtomicBoolean();
        StoreGuard.Result<Boolean> first = guard.run(this::hang);

        StoreGuard.Result<Boolean> second = guard.run(() -> secondRan.getAndSet(true));

        assertEquals(Optional.of("timeout"), first.failure());
        assertEquals(Optional.of("bulkhead-full"), second.failure());
        assertFalse(secondRan.get());
        hung.countDown();
        assertEquals(Optional.of(true), awaitSuccess(guard).value(), "the thread freed by the hung write took no more");
    }

    /** Runs a write until one succeeds, as a freed thread becomes available again. */
    private static StoreGuard.Result<Boolean> awaitSuccess(StoreGuard guard) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        StoreGuard.Result<Boolean> result = guard.run(() -> true);
        while (!result.succeeded() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            result = guard.run(() -> true);
        }
        return result;
    }
}
