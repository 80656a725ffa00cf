package dev.cutover.verify;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What comparing one collection found.
 *
 * @param collection the collection
 * @param mongo      documents MongoDB holds (expired ones left out)
 * @param postgres   documents PostgreSQL holds (expired ones left out)
 * @param counts     ids found per kind of drift, confirmed by reading them again
 * @param inFlight   ids that differed during the scan but agreed when read again: writes in flight
 * @param samples    the first ids of each kind, by id, with what differs; at most as many as asked
 * @param elapsed    how long the comparison took
 */
public record CollectionReport(String collection, long mongo, long postgres, Map<Drift, Long> counts, long inFlight,
        Map<Drift, List<Finding>> samples, Duration elapsed) {

    public CollectionReport {
        Map<Drift, Long> allCounts = new EnumMap<>(Drift.class);
        Map<Drift, List<Finding>> allSamples = new EnumMap<>(Drift.class);
        for (Drift kind : Drift.values()) {
            allCounts.put(kind, counts.getOrDefault(kind, 0L));
            allSamples.put(kind, List.copyOf(samples.getOrDefault(kind, List.of())));
        }
        counts = java.util.Collections.unmodifiableMap(allCounts);
        samples = java.util.Collections.unmodifiableMap(allSamples);
    }

    public long count(Drift kind) {
        return counts.get(kind);
    }

    /** Ids of all kinds. */
    public long drifted() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether the stores agree on this collection. */
    public boolean agrees() {
        return drifted() == 0;
    }

    /** The sampled ids of every kind, by id. */
    public List<String> sampleIds() {
        return samples.values().stream().flatMap(List::stream).map(Finding::id).sorted().toList();
    }
}
