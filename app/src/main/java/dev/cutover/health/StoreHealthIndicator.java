package dev.cutover.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;

/**
 * Readiness of one store: a cheap round trip, its latency, and where the store is (password
 * masked). A store that does not answer within the deadline is reported down at once, so a
 * readiness probe never hangs on a dead store; the process itself stays up.
 */
abstract class StoreHealthIndicator implements HealthIndicator {

    private final String name;
    private final String target;
    private final Duration deadline;
    private final ExecutorService executor;

    StoreHealthIndicator(String name, String target, Duration deadline, ExecutorService executor) {
        this.name = name;
        this.target = target;
        this.deadline = deadline;
        this.executor = executor;
    }

    /** One round trip to the store; throws if it fails. */
    protected abstract void probe() throws Exception;

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.fromCompletableFuture(() -> CompletableFuture
                .supplyAsync(this::check, executor)
                .completeOnTimeout(down("no answer within " + deadline.toMillis() + " ms"),
                        deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    private HealthResult check() {
        long started = System.nanoTime();
        try {
            probe();
        } catch (Exception e) {
            return down(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        Map<String, Object> details = baseDetails();
        details.put("latencyMs", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return HealthResult.builder(name, HealthStatus.UP).details(details).build();
    }

    private HealthResult down(String error) {
        Map<String, Object> details = baseDetails();
        details.put("error", error);
        return HealthResult.builder(name, HealthStatus.DOWN).details(details).build();
    }

    private Map<String, Object> baseDetails() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("target", target);
        return details;
    }

}
