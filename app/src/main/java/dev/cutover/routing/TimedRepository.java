package dev.cutover.routing;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.ListQuery;
import dev.cutover.document.Page;
import dev.cutover.observability.Metric;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One store's repository of one collection, timed: every operation is recorded in
 * {@link Metric#STORE_OPERATIONS} by collection, store, operation and outcome
 * ({@code success}; {@code rejected} when the store answered with a document rule, such as not
 * found, a duplicate or a stale version; {@code error} when the store failed). Streams are not
 * timed: their cost is their reader's.
 */
public final class TimedRepository implements DocumentRepository {

    /** The histogram's buckets, in seconds: from a fast index read to a timed-out statement. */
    private static final Duration[] BUCKETS = Stream.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1.0, 2.5, 5.0, 30.0).map(seconds -> Duration.ofNanos((long) (seconds * 1e9))).toArray(Duration[]::new);

    private final DocumentRepository delegate;
    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public TimedRepository(DocumentRepository delegate, MeterRegistry meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long started = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "success";
            return result;
        } catch (DocumentException answered) {
            outcome = "rejected";
            throw answered;
        } finally {
            timer(operation, outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private Timer timer(String operation, String outcome) {
        return timers.computeIfAbsent(operation + '/' + outcome, key -> Metric.STORE_OPERATIONS
                .timer(delegate.spec().name(), delegate.storeName(), operation, outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(meters));
    }

    @Override
    public CollectionSpec spec() {
        return delegate.spec();
    }

    @Override
    public Optional<Document> get(String id) {
        return timed("get", () -> delegate.get(id));
    }

    @Override
    public Page list(ListQuery query) {
        return timed("list", () -> delegate.list(query));
    }

    @Override
    public long count(Map<String, Object> filters) {
        return timed("count", () -> delegate.count(filters));
    }

    @Override
    public List<Document> scan(String afterId, int limit) {
        return timed("scan", () -> delegate.scan(afterId, limit));
    }

    @Override
    public Stream<Document> scanAll(String afterId, int batchSize) {
        return delegate.scanAll(afterId, batchSize);
    }

    @Override
    public Optional<Document> findByUnique(CollectionSpec.UniqueKey key, List<Object> values) {
        return timed("find_by_unique", () -> delegate.findByUnique(key, values));
    }

    @Override
    public Document insert(Document document) {
        return timed("insert", () -> delegate.insert(document));
    }

    @Override
    public Document insertFresh(Document document) {
        return timed("insert", () -> delegate.insertFresh(document));
    }

    @Override
    public Document replace(Document document, long expectedVersion) {
        return timed("replace", () -> delegate.replace(document, expectedVersion));
    }

    @Override
    public boolean delete(String id, long expectedVersion) {
        return timed("delete", () -> delegate.delete(id, expectedVersion));
    }

    @Override
    public boolean applyIfNewer(Document document) {
        return timed("apply", () -> delegate.applyIfNewer(document));
    }

    @Override
    public boolean applyDelete(String id, long version) {
        return timed("apply_delete", () -> delegate.applyDelete(id, version));
    }

    @Override
    public OptionalLong tombstone(String id) {
        return timed("tombstone", () -> delegate.tombstone(id));
    }

    @Override
    public int deleteExpired(Instant now) {
        return timed("delete_expired", () -> delegate.deleteExpired(now));
    }

    @Override
    public String storeName() {
        return delegate.storeName();
    }

    @Override
    public String writeStoreName() {
        return delegate.writeStoreName();
    }

    @Override
    public Optional<Document> getFromSourceOfTruth(String id) {
        return timed("get", () -> delegate.getFromSourceOfTruth(id));
    }
}
