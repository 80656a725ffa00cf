package dev.cutover.routing;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.flags.Store;
import dev.cutover.observability.Metric;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a write that the source of truth accepted to the other store, guarded per store. It
 * never fails the client: a copy that fails, is skipped by a guard, or is refused because the
 * other store holds a version as new or newer, is logged in one line naming collection,
 * operation and id, counted, and its id recorded in the source of truth's repair queue, which
 * the {@link RepairWorker} drains.
 */
public final class SecondaryWrites {

    private static final Logger LOG = LoggerFactory.getLogger(SecondaryWrites.class);

    private final Map<Store, StoreGuard> guards;
    private final Function<Store, RepairQueue> queues;
    private final MeterRegistry meters;

    public SecondaryWrites(Map<Store, StoreGuard> guards, Function<Store, RepairQueue> queues, MeterRegistry meters) {
        this.guards = Map.copyOf(guards);
        this.queues = queues;
        this.meters = meters;
    }

    /** Copies a stored document from {@code primary} to {@code secondary}. */
    void copy(CollectionSpec spec, String operation, Store primary, Store secondary, DocumentRepository target,
            Document document) {
        attempt(spec, operation, primary, secondary, document.id(), () -> target.applyIfNewer(document));
    }

    /** Copies a delete, recorded at {@code version} in the source of truth, to {@code secondary}. */
    void delete(CollectionSpec spec, Store primary, Store secondary, DocumentRepository target, String id,
            long version) {
        attempt(spec, "delete", primary, secondary, id, () -> target.applyDelete(id, version));
    }

    private void attempt(CollectionSpec spec, String operation, Store primary, Store secondary, String id,
            Supplier<Boolean> write) {
        StoreGuard.Result<Boolean> result = guards.get(secondary).run(write);
        if (result.succeeded() && result.value().orElse(false)) {
            count(Metric.SECONDARY_WRITES, spec, operation, secondary, "applied");
            return;
        }
        // Skipped because the copy holds as new a version: usually a write that lost a race,
        // sometimes a copy that differs after a stage flip. The repair settles which.
        String reason = result.failure().orElse("not-newer");
        count(Metric.SECONDARY_WRITES, spec, operation, secondary, result.succeeded() ? "skipped" : "failed");
        if (!result.succeeded()) {
            count(Metric.SECONDARY_FAILURES, spec, operation, secondary, reason);
            LOG.warn("Secondary {} of {} id {} to {} failed ({}); queued for repair{}", operation, spec.name(), id,
                    secondary.label(), reason, result.cause() == null ? "" : ": " + describe(result.cause()));
        }
        enqueue(spec, primary, id, reason);
    }

    /** Records an id for repair in the source of truth's queue; logs and counts if even that fails. */
    void enqueue(CollectionSpec spec, Store primary, String id, String reason) {
        try {
            queues.apply(primary).add(spec.name(), id, reason);
        } catch (RuntimeException e) {
            Metric.REPAIR_ENQUEUE_FAILURES.counter(spec.name()).register(meters).increment();
            LOG.error("Could not queue {} id {} for repair in {} ({}); its copy may stay behind until this "
                    + "document is written again or the stores are compared", spec.name(), id, primary.label(),
                    describe(e));
        }
    }

    private void count(Metric metric, CollectionSpec spec, String operation, Store store, String outcomeOrReason) {
        metric.counter(spec.name(), operation, store.label(), outcomeOrReason).register(meters).increment();
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }
}
