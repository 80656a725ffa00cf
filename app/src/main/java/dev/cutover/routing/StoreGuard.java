package dev.cutover.routing;

import dev.cutover.flags.Store;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The guard around secondary writes to one store: a bulkhead (no more than so many at once), a
 * circuit breaker (a store that keeps failing is skipped for a while instead of slowing every
 * request) and a time limit. Instances are named after the store, as are their metrics.
 */
public final class StoreGuard implements AutoCloseable {

    private final Bulkhead bulkhead;
    private final CircuitBreaker breaker;
    private final TimeLimiter timeLimiter;
    private final ExecutorService executor;

    /**
     * @param breakers  where the breaker is registered, so its metrics are exported with the rest
     * @param bulkheads likewise for the bulkhead
     */
    public StoreGuard(Store store, GuardSettings settings, CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads) {
        String name = store.label();
        this.bulkhead = bulkheads.bulkhead(name, BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrent())
                .maxWaitDuration(java.time.Duration.ZERO)
                .build());
        this.breaker = breakers.circuitBreaker(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRate())
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
        this.timeLimiter = TimeLimiter.of(name, TimeLimiterConfig.custom()
                .timeoutDuration(settings.timeout())
                .cancelRunningFuture(true)
                .build());
        this.executor = Executors.newFixedThreadPool(settings.maxConcurrent(), runnable -> {
            Thread thread = new Thread(runnable, "secondary-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs a secondary write under the guard.
     *
     * @return the write's result, or the low-cardinality reason it was not done or failed:
     *         {@code circuit-open}, {@code bulkhead-full}, {@code timeout} or {@code store-error}
     */
    public <T> Result<T> run(Supplier<T> write) {
        if (!breaker.tryAcquirePermission()) {
            return Result.failed("circuit-open", null);
        }
        if (!bulkhead.tryAcquirePermission()) {
            breaker.releasePermission();
            return Result.failed("bulkhead-full", null);
        }
        long started = System.nanoTime();
        try {
            T value = timeLimiter.executeFutureSupplier(() -> executor.submit(write::get));
            breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return Result.done(value);
        } catch (TimeoutException e) {
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            return Result.failed("timeout", e);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, cause);
            return Result.failed("store-error", cause);
        } finally {
            bulkhead.onComplete();
        }
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** What a guarded write came to. */
    public record Result<T>(Optional<T> value, Optional<String> failure, Throwable cause) {
        static <T> Result<T> done(T value) {
            return new Result<>(Optional.ofNullable(value), Optional.empty(), null);
        }

        static <T> Result<T> failed(String reason, Throwable cause) {
            return new Result<>(Optional.empty(), Optional.of(reason), cause);
        }

        public boolean succeeded() {
            return failure.isEmpty();
        }
    }
}
