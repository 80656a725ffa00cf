package dev.cutover.routing;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.nor;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.bson.conversions.Bson;

/**
 * The repair queue kept in MongoDB, for the collections whose source of truth is MongoDB.
 *
 * <p>One document per (collection, id) in {@value #COLLECTION}: {@code _id}
 * {@code "<collection>:<id>"}, {@code collection}, {@code id}, {@code reason} (the latest),
 * {@code attempts}, {@code enqueued_at} (the first add), {@code due_at}, {@code lease_token} and
 * {@code lease_until} (null when not leased), {@code generation} (Int64, raised by every add) and
 * {@code last_error}. Each step is a single-document atomic update, so replicas need no lock:
 * a claim takes an entry only while it is due and unleased, and its claim token carries the
 * generation it saw, so {@link #done} can tell whether the entry was added again meanwhile.
 * A claim also moves {@code due_at} to the lease's end, which is when an entry added again during
 * its lease becomes due, if the claimer never finishes it.
 *
 * <p>The indexes on {@code due_at} and {@code enqueued_at} are created on first use rather than
 * by the constructor, so that creating a queue never needs a reachable server; until they exist,
 * the queue works the same, only slower. Failures become a {@link CutoverException} naming the
 * operation and MongoDB's error code.
 */
public final class MongoRepairQueue implements RepairQueue {

    static final String COLLECTION = "cutover_repairs";

    private static final String ID = "_id";
    private static final String COLLECTION_FIELD = "collection";
    private static final String DOCUMENT_ID = "id";
    private static final String REASON = "reason";
    private static final String ATTEMPTS = "attempts";
    private static final String ENQUEUED_AT = "enqueued_at";
    private static final String DUE_AT = "due_at";
    private static final String LEASE_TOKEN = "lease_token";
    private static final String LEASE_UNTIL = "lease_until";
    private static final String GENERATION = "generation";
    private static final String LAST_ERROR = "last_error";

    private final MongoCollection<org.bson.Document> entries;
    private final Clock clock;
    private volatile boolean indexed;

    public MongoRepairQueue(MongoDatabase database, Clock clock) {
        this.entries = database.getCollection(COLLECTION);
        this.clock = clock;
    }

    @Override
    public void add(String collection, String id, String reason) {
        call("add an entry", () -> {
            Bson key = eq(ID, collection + ":" + id);
            Date now = now();
            while (true) {
                // Leased: the claim already set due_at to the lease's end; a new generation is enough.
                if (entries.updateOne(and(key, leasedAt(now)),
                        Updates.combine(Updates.set(REASON, reason), Updates.inc(GENERATION, 1L))).getMatchedCount() > 0) {
                    return null;
                }
                try {
                    entries.updateOne(and(key, nor(leasedAt(now))), Updates.combine(
                            Updates.setOnInsert(COLLECTION_FIELD, collection),
                            Updates.setOnInsert(DOCUMENT_ID, id),
                            Updates.setOnInsert(ENQUEUED_AT, now),
                            Updates.setOnInsert(ATTEMPTS, 0),
                            Updates.set(REASON, reason),
                            Updates.set(DUE_AT, now),
                            Updates.inc(GENERATION, 1L)), new UpdateOptions().upsert(true));
                    return null;
                } catch (MongoWriteException e) {
                    // Claimed, or added by another replica, since the first update: look again.
                    if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                        throw e;
                    }
                }
            }
        });
    }

    @Override
    public List<RepairTask> claim(int max, Duration lease) {
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, but was " + lease);
        }
        return call("claim entries", () -> {
            List<RepairTask> claimed = new ArrayList<>();
            while (claimed.size() < max) {
                Date now = now();
                Date until = Date.from(now.toInstant().plus(lease));
                String token = UUID.randomUUID().toString();
                org.bson.Document entry = entries.findOneAndUpdate(
                        and(lte(DUE_AT, now), nor(leasedAt(now))),
                        Updates.combine(Updates.set(LEASE_TOKEN, token), Updates.set(LEASE_UNTIL, until),
                                Updates.set(DUE_AT, until)),
                        new FindOneAndUpdateOptions().sort(Sorts.ascending(ENQUEUED_AT, ID))
                                .returnDocument(ReturnDocument.AFTER));
                if (entry == null) {
                    break;
                }
                claimed.add(new RepairTask(entry.getString(COLLECTION_FIELD), entry.getString(DOCUMENT_ID),
                        entry.getString(REASON), number(entry, ATTEMPTS).intValue(),
                        entry.getDate(ENQUEUED_AT).toInstant(), token + ":" + number(entry, GENERATION).longValue()));
            }
            return claimed;
        });
    }

    @Override
    public void done(RepairTask task) {
        Claim claim = Claim.of(task);
        call("finish an entry", () -> {
            Bson mine = and(eq(ID, key(task)), eq(LEASE_TOKEN, claim.token()));
            if (entries.deleteOne(and(mine, eq(GENERATION, claim.generation()))).getDeletedCount() == 0) {
                // Added again since the claim: what was repaired may already be stale.
                entries.updateOne(mine, Updates.combine(releaseLease(), Updates.set(DUE_AT, now())));
            }
            return null;
        });
    }

    @Override
    public void retryLater(RepairTask task, Duration delay, String error) {
        Claim claim = Claim.of(task);
        call("reschedule an entry", () -> entries.updateOne(and(eq(ID, key(task)), eq(LEASE_TOKEN, claim.token())),
                Updates.combine(releaseLease(), Updates.inc(ATTEMPTS, 1),
                        Updates.set(DUE_AT, Date.from(clock.instant().plus(delay))), Updates.set(LAST_ERROR, error))));
    }

    @Override
    public long depth() {
        return call("count entries", entries::countDocuments);
    }

    @Override
    public long depth(String collection) {
        return call("count entries", () -> entries.countDocuments(com.mongodb.client.model.Filters.eq(COLLECTION_FIELD,
                collection)));
    }

    @Override
    public Optional<Instant> oldest() {
        return call("find the oldest entry", () -> Optional.ofNullable(entries.find()
                .sort(Sorts.ascending(ENQUEUED_AT)).projection(Projections.include(ENQUEUED_AT)).limit(1).first())
                .map(entry -> entry.getDate(ENQUEUED_AT).toInstant()));
    }

    /** What a claim token says: the lease it holds and the generation the entry had when claimed. */
    private record Claim(String token, long generation) {
        static Claim of(RepairTask task) {
            String text = task.claimToken();
            int separator = text == null ? -1 : text.lastIndexOf(':');
            try {
                return new Claim(text.substring(0, separator), Long.parseLong(text.substring(separator + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("claim token must be <lease token>:<generation> as claim returned "
                        + "it, but was '" + text + "'", e);
            }
        }
    }

    private static String key(RepairTask task) {
        return task.collection() + ":" + task.id();
    }

    /** Held by a claimer whose lease has not run out. */
    private static Bson leasedAt(Date now) {
        return gt(LEASE_UNTIL, now);
    }

    private static Bson releaseLease() {
        return Updates.combine(Updates.set(LEASE_TOKEN, null), Updates.set(LEASE_UNTIL, null));
    }

    private static Number number(org.bson.Document entry, String field) {
        return entry.get(field, Number.class);
    }

    private Date now() {
        return Date.from(clock.instant());
    }

    private <T> T call(String operation, Supplier<T> action) {
        try {
            ensureIndexes();
            return action.get();
        } catch (MongoException e) {
            String message = "MongoDB failed to " + operation + " in the repair queue '" + COLLECTION
                    + "' (error code " + e.getCode() + "). Fix: check that MongoDB at MONGO_URI is reachable and "
                    + "healthy; its log has the details.";
            // As for documents: a server error's text may quote stored values, a client-side one does not.
            throw e instanceof MongoServerException
                    ? new CutoverException(ExitCode.MONGO, message)
                    : new CutoverException(ExitCode.MONGO, message, e);
        }
    }

    /** Creating an index that exists is a no-op, so replicas racing here do no harm. */
    private void ensureIndexes() {
        if (!indexed) {
            entries.createIndex(Indexes.ascending(DUE_AT), new IndexOptions().name(COLLECTION + "_due_at_idx"));
            entries.createIndex(Indexes.ascending(ENQUEUED_AT), new IndexOptions().name(COLLECTION + "_enqueued_at_idx"));
            indexed = true;
        }
    }
}
