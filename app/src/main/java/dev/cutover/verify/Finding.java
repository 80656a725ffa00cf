package dev.cutover.verify;

import java.util.List;

/**
 * One id the stores disagree on, as confirmed by reading it again.
 *
 * @param id          the document
 * @param kind        how they disagree
 * @param differences what differs; for a missing document, the version the other store holds
 */
public record Finding(String id, Drift kind, List<Difference> differences) {

    public Finding {
        differences = List.copyOf(differences);
    }
}
