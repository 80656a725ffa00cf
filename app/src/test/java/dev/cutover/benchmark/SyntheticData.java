package dev.cutover.benchmark;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.StoredShape;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Documents shaped like an application's real ones, spread over the collections of phase 1 in the
 * proportions such data has (event logs far outnumber entities), one in ten stored the way the
 * application wrote before cutover ({@link LegacyShape}). Loading inserts them into MongoDB in
 * large unordered batches and, in the same pass, writes each table's rows as COPY text to a file,
 * so that the COPY baseline later times PostgreSQL alone.
 */
final class SyntheticData {

    /** Each collection's share of the documents, in percent. */
    private static final Map<CollectionSpec, Integer> SHARES = shares();
    private static final int INSERT_BATCH = 10_000;
    private static final int LEGACY_EVERY = 10;

    private SyntheticData() {
    }

    private static Map<CollectionSpec, Integer> shares() {
        Map<CollectionSpec, Integer> shares = new LinkedHashMap<>();
        shares.put(Collections.USERS, 3);
        shares.put(Collections.PROMPTS, 5);
        shares.put(Collections.USER_TOOLS, 4);
        shares.put(Collections.FEEDBACK, 10);
        shares.put(Collections.STACK_LOGS, 35);
        shares.put(Collections.USER_LOGS, 25);
        shares.put(Collections.TOKEN_USAGE, 18);
        return shares;
    }

    /** How many of {@code total} documents each collection gets; the rounding remainder goes to the largest share. */
    static Map<CollectionSpec, Integer> counts(int total) {
        if (total < SHARES.size()) {
            throw new IllegalArgumentException("the benchmark needs at least " + SHARES.size()
                    + " documents, one per collection, but was asked for " + total);
        }
        Map<CollectionSpec, Integer> counts = new LinkedHashMap<>();
        SHARES.forEach((spec, percent) -> counts.put(spec, Math.max(1, (int) ((long) total * percent / 100))));
        int assigned = counts.values().stream().mapToInt(Integer::intValue).sum();
        counts.merge(Collections.STACK_LOGS, total - assigned, Integer::sum);
        return counts;
    }

    /** Whether the {@code index}-th document of a collection is stored in its pre-cutover shape. */
    static boolean legacy(int index) {
        return index % LEGACY_EVERY == LEGACY_EVERY - 1;
    }

    /**
     * Inserts {@code counts} documents into {@code database} and writes each collection's rows, as
     * a correct copy would hold them, to {@code <directory>/<collection>.copy}.
     */
    static void load(MongoDatabase database, Map<CollectionSpec, Integer> counts, Path directory, long seed)
            throws IOException {
        SampleDocuments samples = new SampleDocuments(seed);
        InsertManyOptions unordered = new InsertManyOptions().ordered(false);
        for (Map.Entry<CollectionSpec, Integer> entry : counts.entrySet()) {
            CollectionSpec spec = entry.getKey();
            var collection = database.getCollection(spec.name());
            List<org.bson.Document> batch = new ArrayList<>(INSERT_BATCH);
            StringBuilder line = new StringBuilder();
            try (Writer rows = Files.newBufferedWriter(copyFile(directory, spec), StandardCharsets.UTF_8)) {
                for (int i = 0; i < entry.getValue(); i++) {
                    org.bson.Document stored = StoredShape.toBson(spec, samples.next(spec));
                    if (legacy(i)) {
                        stored = LegacyShape.of(spec, stored);
                    }
                    // The row as a correct copy holds it: what the stored document reads as.
                    Document row = StoredShape.fromBson(spec, stored);
                    line.setLength(0);
                    CopyText.append(line, spec, row);
                    rows.append(line);
                    batch.add(stored);
                    if (batch.size() == INSERT_BATCH) {
                        collection.insertMany(batch, unordered);
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                collection.insertMany(batch, unordered);
            }
        }
    }

    static Path copyFile(Path directory, CollectionSpec spec) {
        return directory.resolve(spec.name() + ".copy");
    }
}
