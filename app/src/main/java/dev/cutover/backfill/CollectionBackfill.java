package dev.cutover.backfill;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.BulkMerge;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.bson.RawBsonDocument;
import org.bson.codecs.Decoder;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Copies one collection: a reader thread streams MongoDB from the last committed position,
 * decodes each document and sets aside those PostgreSQL cannot hold; the calling thread merges
 * each batch into PostgreSQL ({@link BulkMerge}) and records its rejects and the position after
 * it in the same transaction. The reader stays at most two batches ahead, so memory does not
 * grow with the collection.
 */
final class CollectionBackfill {

    private static final int EXCERPT = 10_000;
    private static final String OUT_OF_SHARED_MEMORY = "53200";
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    /** A batch read from MongoDB, or the end of the collection, or the reader's failure. */
    private record Batch(List<Document> storable, List<Checkpoints.Reject> rejects, MongoSource.Position after,
            int seen, RuntimeException failure) {

        static final Batch END = new Batch(List.of(), List.of(), null, 0, null);

        boolean isEnd() {
            return after == null && failure == null;
        }
    }

    private final CollectionSpec spec;
    private final MongoDatabase mongo;
    private final DataSource postgres;
    private final BackfillOptions options;
    private final Clock clock;
    private final Consumer<Checkpoints.Reject> dryRunRejects;

    CollectionBackfill(CollectionSpec spec, MongoDatabase mongo, DataSource postgres, BackfillOptions options,
            Clock clock, Consumer<Checkpoints.Reject> dryRunRejects) {
        this.spec = spec;
        this.mongo = mongo;
        this.postgres = postgres;
        this.options = options;
        this.clock = clock;
        this.dryRunRejects = dryRunRejects;
    }

    /** Runs the copy from {@code from}; {@code tracker} follows it. Returns what this run did. */
    Counts run(MongoSource.Position from, ProgressBoard.Tracker tracker) {
        MongoCollection<RawBsonDocument> collection = mongo.getCollection(spec.name(), RawBsonDocument.class);
        BlockingQueue<Batch> batches = new ArrayBlockingQueue<>(2);
        Thread reader = new Thread(() -> read(collection, from, batches), "backfill-read-" + spec.name());
        reader.setDaemon(true);
        reader.start();
        BulkMerge merge = new BulkMerge(spec);
        Counts total = Counts.ZERO;
        try (Connection connection = postgres.getConnection()) {
            connection.setAutoCommit(false);
            while (true) {
                Batch batch = take(batches);
                if (batch.failure() != null) {
                    throw batch.failure();
                }
                if (batch.isEnd()) {
                    break;
                }
                Counts counts = write(connection, merge, batch);
                total = total.plus(counts);
                tracker.advance(counts);
            }
            return total;
        } catch (SQLException e) {
            // Each batch holds a lock per document until it commits, in PostgreSQL's shared lock table.
            String fix = OUT_OF_SHARED_MEMORY.equals(e.getSQLState())
                    ? "lower --batch-size or --parallel (each batch locks each of its documents; PostgreSQL holds "
                    + "max_locks_per_transaction x max_connections locks in all)"
                    : "check PostgreSQL";
            throw new CutoverException(ExitCode.POSTGRES, "backfill of " + spec.name() + " stopped: PostgreSQL said: "
                    + e.getMessage() + ". Fix: " + fix + ", then run 'cutover backfill --resume' to continue "
                    + "from the last committed batch", e);
        } finally {
            reader.interrupt();
        }
    }

    private Counts write(Connection connection, BulkMerge merge, Batch batch) throws SQLException {
        long started = System.nanoTime();
        try {
            BulkMerge.Outcome outcome = merge.merge(connection, batch.storable());
            List<Checkpoints.Reject> rejects = new ArrayList<>(batch.rejects());
            Map<String, Document> byId = new LinkedHashMap<>();
            batch.storable().forEach(document -> byId.put(document.id(), document));
            outcome.rejected().forEach((id, reason) -> rejects.add(new Checkpoints.Reject(spec.name(), id, reason,
                    excerpt(byId.get(id)))));
            Counts counts = new Counts(batch.seen(), outcome.inserted(), outcome.updated(), outcome.unchanged(),
                    rejects.size());
            if (options.dryRun()) {
                connection.rollback();
                rejects.forEach(dryRunRejects);
            } else {
                Checkpoints.advance(connection, spec.name(), batch.after(), counts, rejects,
                        (System.nanoTime() - started) / 1e9, clock.instant());
                connection.commit();
            }
            return counts;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    private void read(MongoCollection<RawBsonDocument> collection, MongoSource.Position from, BlockingQueue<Batch> out) {
        MongoDocumentRepository decoder = new MongoDocumentRepository(spec, mongo);
        Decoder<org.bson.Document> bson = collection.getCodecRegistry().get(org.bson.Document.class);
        try (MongoSource source = new MongoSource(collection, from, Math.min(options.batchSize(), 10_000))) {
            List<Document> storable = new ArrayList<>();
            List<Checkpoints.Reject> rejects = new ArrayList<>();
            long bytes = 0;
            MongoSource.Item item;
            while ((item = source.next()) != null) {
                RawBsonDocument raw = item.document();
                bytes += raw.getByteBuffer().remaining();
                org.bson.Document stored = raw.decode(bson);
                Optional<String> problem = Storable.idProblem(stored.get("_id"));
                if (problem.isEmpty()) {
                    try {
                        Document document = decoder.decode(stored);
                        problem = Storable.problem(spec, document);
                        if (problem.isEmpty()) {
                            storable.add(document);
                        }
                    } catch (RuntimeException unreadable) {
                        problem = Optional.of("could not be read: " + unreadable.getMessage());
                    }
                }
                if (problem.isPresent()) {
                    rejects.add(new Checkpoints.Reject(spec.name(), String.valueOf(stored.get("_id")), problem.get(),
                            excerpt(raw)));
                }
                if (storable.size() + rejects.size() >= options.batchSize() || bytes >= BackfillOptions.MAX_BATCH_BYTES) {
                    out.put(new Batch(storable, rejects, item.after(), storable.size() + rejects.size(), null));
                    storable = new ArrayList<>();
                    rejects = new ArrayList<>();
                    bytes = 0;
                }
                from = item.after();
            }
            if (!storable.isEmpty() || !rejects.isEmpty()) {
                out.put(new Batch(storable, rejects, from, storable.size() + rejects.size(), null));
            }
            out.put(Batch.END);
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (MongoException e) {
            offer(out, new CutoverException(ExitCode.MONGO, "backfill of " + spec.name() + " stopped: MongoDB said: "
                    + e.getMessage() + ". Fix: check MongoDB, then run 'cutover backfill --resume' to continue from "
                    + "the last committed batch", e));
        } catch (RuntimeException e) {
            offer(out, e);
        }
    }

    private static void offer(BlockingQueue<Batch> out, RuntimeException failure) {
        try {
            out.put(new Batch(List.of(), List.of(), null, 0, failure));
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private static Batch take(BlockingQueue<Batch> batches) {
        try {
            return batches.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ExitCode.INTERNAL, "backfill was interrupted", e);
        }
    }

    private static String excerpt(RawBsonDocument raw) {
        return cut(raw.toJson(RELAXED));
    }

    private String excerpt(Document document) {
        return cut(new dev.cutover.document.DocumentCodec(spec).toJson(document).toString());
    }

    private static String cut(String json) {
        String printable = json.replace("\u0000", "\\u0000");
        return printable.length() <= EXCERPT ? printable : printable.substring(0, EXCERPT) + "...";
    }
}
