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
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The guard around secondary writes to one store: a bulkhead (no more than so many at once), a
 * circuit breaker (a store that keeps failing is skipped for a while instead of slowing every
 * request) and a time limit. Instances are named after the store, as are their metrics.
 *
 * <p>The time limit needs the write on a thread of the guard's own, which the caller stops
 * waiting for: a blocked socket read cannot be interrupted. The guard has at most as many
 * threads as the bulkhead allows writes, and hands each write to the thread that went idle last,
 * so that under light load one warm thread does the work instead of each write waking the
 * longest idle of many. A write finding every thread busy (some still stuck in writes that timed
 * out) is skipped like one the bulkhead refuses, instead of waiting in a queue behind them.
 */
public final class StoreGuard implements AutoCloseable {

    /** How long a thread with no write to do is kept before it ends. */
    private static final Duration IDLE_THREAD_KEPT = Duration.ofMinutes(1);

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
                .maxWaitDuration(Duration.ZERO)
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
        // A SynchronousQueue hands a task to a thread already waiting, the last one to wait first;
        // without one waiting, a new thread starts, up to the limit.
        this.executor = new ThreadPoolExecutor(0, settings.maxConcurrent(), IDLE_THREAD_KEPT.toSeconds(),
                TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
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
            Future<T> running;
            try {
                running = executor.submit(write::get);
            } catch (RejectedExecutionException e) {
                // Not the store's failure, so not the breaker's: the timeouts that hold the threads were.
                breaker.releasePermission();
                return Result.failed("bulkhead-full", null);
            }
            T value = timeLimiter.executeFutureSupplier(() -> running);
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
