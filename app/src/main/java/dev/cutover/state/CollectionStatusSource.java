package dev.cutover.state;

import dev.cutover.document.CollectionSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the admin status reports about one collection's copy besides its stage: how many of its
 * ids wait in the repair queue, and the latest comparisons of the two stores.
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
     * @param lastDrift        the scheduled reconciler's latest comparison; empty when there is none
     *                         or it is not known
     * @param lastVerify       the latest comparison by {@code cutover verify}; empty likewise
     */
    record CollectionStatus(OptionalLong repairQueueDepth, Optional<DriftCheck> lastDrift,
            Optional<DriftCheck> lastVerify) {

        public static final CollectionStatus UNKNOWN =
                new CollectionStatus(OptionalLong.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * One comparison of a collection between the two stores.
     *
     * @param checkedAt         when it finished
     * @param took              how long it took
     * @param mongo             documents MongoDB held
     * @param postgres          documents PostgreSQL held
     * @param missingInPostgres ids only MongoDB held
     * @param missingInMongo    ids only PostgreSQL held
     * @param differing         ids both held with other content or version
     * @param sampleIds         the first few of those ids (ids only, never a stored value)
     */
    record DriftCheck(Instant checkedAt, Duration took, long mongo, long postgres, long missingInPostgres,
            long missingInMongo, long differing, List<String> sampleIds) {

        public DriftCheck {
            sampleIds = List.copyOf(sampleIds);
        }

        /** Whether the stores agreed. */
        public boolean agrees() {
            return missingInPostgres == 0 && missingInMongo == 0 && differing == 0;
        }
    }
}
