package dev.cutover.state;

import dev.cutover.document.CollectionSpec;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the admin status reports about one collection's copy besides its stage: how many of its
 * ids wait in the repair queue, and the latest drift found between the two stores.
 *
 * <p>The router provides the real source as a bean implementing this interface; until one exists,
 * a {@link io.micronaut.context.annotation.Secondary} default answers "not known" for every
 * collection. Implementations answer from memory or one cheap query: the status page asks for all
 * eighteen collections at once.
 */
public interface CollectionStatusSource {

    CollectionStatus statusOf(CollectionSpec collection);

    /**
     * @param repairQueueDepth how many ids of the collection wait to be re-copied; empty when not known
     * @param lastDrift        the latest difference found between the stores; empty when none or not known
     */
    record CollectionStatus(OptionalLong repairQueueDepth, Optional<Drift> lastDrift) {

        public static final CollectionStatus UNKNOWN = new CollectionStatus(OptionalLong.empty(), Optional.empty());
    }

    /**
     * One difference found between the two stores.
     *
     * @param at     when it was found
     * @param id     the document
     * @param detail what differed (never a stored value)
     */
    record Drift(Instant at, String id, String detail) {
    }
}
