package dev.cutover.verify;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Compares one collection between MongoDB and PostgreSQL by streaming both in id order and
 * merging them, as a join: an id on one side only is missing from the other, an id on both is
 * compared in canonical form ({@link DocumentDiff}). Each side is read on a thread of its own, a
 * few batches ahead, so memory stays bounded by the batch size whatever the collection's size.
 * Documents past their expiry when the comparison starts are left out on both sides: they are
 * never served, and each store removes them on its own schedule.
 *
 * <p>While the service runs, an id may differ only because a write is between its two stores.
 * So every id found missing or different is read again from both stores once {@code recheckDelay}
 * has passed since it was found, and reported only if they still disagree then; ids that agree
 * by then are counted as in flight. The re-reads run on threads of their own, behind the scan.
 */
public final class StoreComparison {

    /** A batch that ends a side's stream; compared by identity. */
    private static final List<Document> END = new ArrayList<>(0);
    /** Tells a re-check thread to stop. */
    private static final Suspect DONE = new Suspect(null, null);
    private static final int BATCHES_AHEAD = 2;
    private static final int SUSPECTS_WAITING = 10_000;

    /**
     * How to compare.
     *
     * @param batchSize    documents read from a store at a time
     * @param recheckDelay how long after an id is found to differ it is read again
     * @param samples      how many ids of each kind the report keeps, with their differences
     * @param rechecks     threads re-reading suspect ids
     */
    public record Options(int batchSize, Duration recheckDelay, int samples, int rechecks) {

        public Options {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("batch size must be between 1 and 100000, but was " + batchSize);
            }
            if (recheckDelay.isNegative()) {
                throw new IllegalArgumentException("the re-check delay must not be negative, but was " + recheckDelay);
            }
            if (samples < 0) {
                throw new IllegalArgumentException("the number of samples must not be negative, but was " + samples);
            }
            if (rechecks < 1) {
                throw new IllegalArgumentException("re-check threads must be at least 1, but were " + rechecks);
            }
        }
    }

    private record Suspect(String id, Instant due) {
    }

    private final CollectionSpec spec;
    private final DocumentRepository mongo;
    private final DocumentRepository postgres;
    private final Options options;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * @param mongo    the collection's MongoDB repository
     * @param postgres the same collection's PostgreSQL repository
     */
    public StoreComparison(DocumentRepository mongo, DocumentRepository postgres, Options options, Clock clock,
            Sleeper sleeper) {
        if (!mongo.spec().name().equals(postgres.spec().name())) {
            throw new IllegalArgumentException("cannot compare " + mongo.spec().name() + " with "
                    + postgres.spec().name());
        }
        this.spec = mongo.spec();
        this.mongo = mongo;
        this.postgres = postgres;
        this.options = options;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Compares the whole collection.
     *
     * @param confirmed called with every id still drifting when read again, on a re-check thread,
     *                  as soon as it is confirmed (a repair, say); must be thread-safe
     * @throws dev.cutover.CutoverException when a store fails
     */
    public CollectionReport run(Consumer<Finding> confirmed) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        Tally tally = new Tally(options.samples());
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2 + options.rechecks(), runnable -> {
            Thread thread = new Thread(runnable, "verify-" + spec.name() + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            Side onMongo = new Side(mongo, now);
            Side onPostgres = new Side(postgres, now);
            List<Future<?>> running = new ArrayList<>();
            running.add(executor.submit(onMongo::read));
            running.add(executor.submit(onPostgres::read));
            BlockingQueue<Suspect> suspects = new ArrayBlockingQueue<>(SUSPECTS_WAITING);
            for (int i = 0; i < options.rechecks(); i++) {
                running.add(executor.submit(() -> recheck(suspects, tally, confirmed, failure)));
            }
            merge(onMongo, onPostgres, suspects, tally, failure);
            for (int i = 0; i < options.rechecks(); i++) {
                suspects.put(DONE);
            }
            for (Future<?> task : running) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("comparison of " + spec.name() + " interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } finally {
            executor.shutdownNow();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return tally.report(spec.name(), Duration.ofNanos(System.nanoTime() - started));
    }

    private void merge(Side onMongo, Side onPostgres, BlockingQueue<Suspect> suspects, Tally tally,
            AtomicReference<RuntimeException> failure) throws InterruptedException {
        Document left = onMongo.peek();
        Document right = onPostgres.peek();
        while ((left != null || right != null) && failure.get() == null) {
            int order = left == null ? 1 : right == null ? -1 : left.id().compareTo(right.id());
            String suspect = null;
            if (order <= 0) {
                tally.seenInMongo();
            }
            if (order >= 0) {
                tally.seenInPostgres();
            }
            if (order != 0 || !left.equals(right)) {
                suspect = order > 0 ? right.id() : left.id();
            }
            if (suspect != null) {
                suspects.put(new Suspect(suspect, clock.instant().plus(options.recheckDelay())));
            }
            if (order <= 0) {
                onMongo.advance();
                left = onMongo.peek();
            }
            if (order >= 0) {
                onPostgres.advance();
                right = onPostgres.peek();
            }
        }
    }

    /** Reads suspects again once their delay has passed; keeps those still drifting. */
    private void recheck(BlockingQueue<Suspect> suspects, Tally tally, Consumer<Finding> confirmed,
            AtomicReference<RuntimeException> failure) {
        try {
            for (Suspect suspect = suspects.take(); suspect != DONE; suspect = suspects.take()) {
                if (failure.get() != null) {
                    continue;
                }
                try {
                    sleeper.sleepUntil(suspect.due());
                    Optional<Finding> finding = classify(suspect.id(), mongo.get(suspect.id()), postgres.get(suspect.id()));
                    if (finding.isPresent()) {
                        tally.drift(finding.get());
                        confirmed.accept(finding.get());
                    } else {
                        tally.inFlight();
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How two copies of one id disagree, if they do. */
    Optional<Finding> classify(String id, Optional<Document> inMongo, Optional<Document> inPostgres) {
        if (inMongo.isPresent() && inPostgres.isPresent()) {
            List<Difference> differences = DocumentDiff.between(spec, inMongo.get(), inPostgres.get());
            return differences.isEmpty() ? Optional.empty() : Optional.of(new Finding(id, Drift.DIFFERS, differences));
        }
        if (inMongo.isPresent()) {
            return Optional.of(new Finding(id, Drift.MISSING_IN_POSTGRES,
                    List.of(new Difference("version", inMongo.get().version(), Difference.ABSENT))));
        }
        return inPostgres.map(document -> new Finding(id, Drift.MISSING_IN_MONGO,
                List.of(new Difference("version", Difference.ABSENT, document.version()))));
    }

    /** One store's documents in id order, read ahead on a thread of their own. */
    private final class Side {

        private final DocumentRepository repository;
        private final Instant now;
        private final BlockingQueue<List<Document>> batches = new ArrayBlockingQueue<>(BATCHES_AHEAD + 1);
        private volatile RuntimeException failure;
        private List<Document> batch = List.of();
        private int index;
        private boolean ended;

        Side(DocumentRepository repository, Instant now) {
            this.repository = repository;
            this.now = now;
        }

        /** Runs on the side's thread until the stream ends or the comparison stops. */
        void read() {
            try {
                try (Stream<Document> all = repository.scanAll(null, options.batchSize())) {
                    Iterator<Document> documents = all.iterator();
                    List<Document> next = new ArrayList<>(options.batchSize());
                    while (documents.hasNext()) {
                        next.add(documents.next());
                        if (next.size() == options.batchSize()) {
                            batches.put(next);
                            next = new ArrayList<>(options.batchSize());
                        }
                    }
                    if (!next.isEmpty()) {
                        batches.put(next);
                    }
                } catch (RuntimeException e) {
                    failure = e;
                }
                batches.put(END);
            } catch (InterruptedException e) {
                // The comparison stopped: nobody waits for the rest.
                Thread.currentThread().interrupt();
            }
        }

        /** The next live document, or null at the end. */
        Document peek() throws InterruptedException {
            while (true) {
                while (index == batch.size()) {
                    if (ended) {
                        return null;
                    }
                    batch = batches.take();
                    index = 0;
                    if (batch == END) {
                        ended = true;
                        batch = List.of();
                        if (failure != null) {
                            throw failure;
                        }
                    }
                }
                Document next = batch.get(index);
                if (!expired(next)) {
                    return next;
                }
                index++;
            }
        }

        void advance() {
            index++;
        }

        private boolean expired(Document document) {
            return spec.expiresField()
                    .map(field -> document.get(field) instanceof Instant at && !at.isAfter(now))
                    .orElse(false);
        }
    }

    /** Counts and samples, kept by the scan and the re-check threads together. */
    private static final class Tally {

        private final int samples;
        private long mongo;
        private long postgres;
        private long inFlight;
        private final Map<Drift, Long> counts = new EnumMap<>(Drift.class);
        private final Map<Drift, TreeMap<String, Finding>> firstIds = new EnumMap<>(Drift.class);

        Tally(int samples) {
            this.samples = samples;
            for (Drift kind : Drift.values()) {
                counts.put(kind, 0L);
                firstIds.put(kind, new TreeMap<>());
            }
        }

        synchronized void seenInMongo() {
            mongo++;
        }

        synchronized void seenInPostgres() {
            postgres++;
        }

        synchronized void inFlight() {
            inFlight++;
        }

        synchronized void drift(Finding finding) {
            counts.merge(finding.kind(), 1L, Long::sum);
            TreeMap<String, Finding> first = firstIds.get(finding.kind());
            first.put(finding.id(), finding);
            if (first.size() > samples) {
                first.pollLastEntry();
            }
        }

        synchronized CollectionReport report(String collection, Duration elapsed) {
            Map<Drift, List<Finding>> sampled = new EnumMap<>(Drift.class);
            firstIds.forEach((kind, first) -> sampled.put(kind, List.copyOf(first.values())));
            return new CollectionReport(collection, mongo, postgres, counts, inFlight, sampled, elapsed);
        }
    }
}
