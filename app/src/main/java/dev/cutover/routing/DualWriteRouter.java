package dev.cutover.routing;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.ListQuery;
import dev.cutover.document.Page;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * One collection's repository over both stores, routed by the collection's stage, read at every
 * call, so a flip applies to the very next operation. Writes go to the source of truth first: its
 * failure is the client's error and the other store is not touched. Then the other store gets a
 * copy through {@link SecondaryWrites}, whose failure the client never sees. Reads come from the
 * stage's read store.
 */
public final class DualWriteRouter implements DocumentRepository {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DualWriteRouter.class);

    private final CollectionSpec spec;
    private final Map<Store, DocumentRepository> stores;
    private final Supplier<Stage> stage;
    private final SecondaryWrites secondaryWrites;

    /**
     * @param stores the collection's repository in each configured store; MongoDB may be absent
     *               when it is switched off
     * @param stage  the collection's current stage
     */
    public DualWriteRouter(CollectionSpec spec, Map<Store, DocumentRepository> stores, Supplier<Stage> stage,
            SecondaryWrites secondaryWrites) {
        this.spec = spec;
        this.stores = Map.copyOf(stores);
        this.stage = stage;
        this.secondaryWrites = secondaryWrites;
    }

    @Override
    public CollectionSpec spec() {
        return spec;
    }

    @Override
    public Optional<Document> get(String id) {
        return reads().get(id);
    }

    @Override
    public Optional<Document> getFromSourceOfTruth(String id) {
        return store(stage.get().primary()).get(id);
    }

    @Override
    public Page list(ListQuery query) {
        return reads().list(query);
    }

    @Override
    public long count(Map<String, Object> filters) {
        return reads().count(filters);
    }

    @Override
    public List<Document> scan(String afterId, int limit) {
        return reads().scan(afterId, limit);
    }

    @Override
    public Optional<Document> findByUnique(CollectionSpec.UniqueKey key, List<Object> values) {
        return reads().findByUnique(key, values);
    }

    @Override
    public Document insert(Document document) {
        Stage current = stage.get();
        DocumentRepository primary = store(current.primary());
        // An id deleted before comes back one version past its deletion, so the copy of the
        // delete cannot outrank the new document in the other store.
        OptionalLong deletedAt = spec.isEventLog() ? OptionalLong.empty() : primary.tombstone(document.id());
        Document numbered = deletedAt.isPresent() && document.version() <= deletedAt.getAsLong()
                ? document.withVersion(deletedAt.getAsLong() + 1) : document;
        return insertAt(current, numbered);
    }

    @Override
    public Document insertFresh(Document document) {
        return insertAt(stage.get(), document);
    }

    private Document insertAt(Stage current, Document document) {
        Document stored = store(current.primary()).insert(document);
        copy(current, "insert", stored);
        return stored;
    }

    @Override
    public Document replace(Document document, long expectedVersion) {
        Stage current = stage.get();
        Document stored = store(current.primary()).replace(document, expectedVersion);
        copy(current, "replace", stored);
        return stored;
    }

    @Override
    public boolean delete(String id, long expectedVersion) {
        Stage current = stage.get();
        DocumentRepository primary = store(current.primary());
        boolean deleted = primary.delete(id, expectedVersion);
        if (deleted) {
            current.secondary().ifPresent(secondary -> secondaryWrites.delete(spec, current.primary(), secondary,
                    store(secondary), id, primary.tombstone(id).orElseThrow()));
        }
        return deleted;
    }

    @Override
    public boolean applyIfNewer(Document document) {
        Stage current = stage.get();
        boolean applied = store(current.primary()).applyIfNewer(document);
        if (applied) {
            copy(current, "apply", document);
        }
        return applied;
    }

    @Override
    public boolean applyDelete(String id, long version) {
        Stage current = stage.get();
        boolean changed = store(current.primary()).applyDelete(id, version);
        current.secondary().ifPresent(secondary ->
                secondaryWrites.delete(spec, current.primary(), secondary, store(secondary), id, version));
        return changed;
    }

    @Override
    public OptionalLong tombstone(String id) {
        return store(stage.get().primary()).tombstone(id);
    }

    @Override
    public int deleteExpired(Instant now) {
        Stage current = stage.get();
        int removed = store(current.primary()).deleteExpired(now);
        // Expiry is a rule of time, not a write: each store applies it on its own, and the copy's
        // store being down is no reason to fail the client.
        current.secondary().ifPresent(secondary -> {
            try {
                store(secondary).deleteExpired(now);
            } catch (RuntimeException e) {
                LOG.debug("Expired {} not cleaned in {} now: {}", spec.name(), secondary.label(), e.toString());
            }
        });
        return removed;
    }

    /** The store reads come from now. */
    @Override
    public String storeName() {
        return stage.get().reads().label();
    }

    /** The source of truth now. */
    @Override
    public String writeStoreName() {
        return stage.get().primary().label();
    }

    private void copy(Stage current, String operation, Document stored) {
        current.secondary().ifPresent(secondary ->
                secondaryWrites.copy(spec, operation, current.primary(), secondary, store(secondary), stored));
    }

    private DocumentRepository reads() {
        return store(stage.get().reads());
    }

    private DocumentRepository store(Store store) {
        DocumentRepository repository = stores.get(store);
        if (repository == null) {
            throw new dev.cutover.CutoverException(dev.cutover.ExitCode.MONGO, spec.name() + " is at stage "
                    + stage.get() + ", which needs " + store.label() + ", but no " + store.label()
                    + " is configured. Fix: set " + (store == Store.MONGO ? "MONGO_URI" : "POSTGRES_URI")
                    + ", or move " + spec.name() + " to a stage without it.");
        }
        return repository;
    }
}
