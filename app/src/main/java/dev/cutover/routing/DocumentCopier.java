package dev.cutover.routing;

import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentRepository;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes one id's copy in the other store equal to what the source of truth holds now: the
 * document, written by version when that settles it and by force when the copy holds a different
 * document at an equal or newer version; or, when the source of truth no longer holds it, its
 * deletion, leaving a tombstone so that a late, older write cannot bring it back. The repair
 * worker and {@code cutover verify --repair} both copy this way.
 *
 * <p>Event logs are never changed: a missing event is inserted, but an event the copy holds
 * differently, or holds while the source of truth does not, is left as it is.
 */
public final class DocumentCopier {

    /** What one copy did. */
    public enum Outcome {
        /** The copy already equalled the source of truth. */
        UNCHANGED,
        /** The copy was written or deleted. */
        REPAIRED;

        /** The lower-case name, for metrics and output. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private DocumentCopier() {
    }

    /**
     * Copies the current state of {@code id} from {@code truth} to {@code copy}, two repositories
     * of the same collection.
     */
    public static Outcome copy(DocumentRepository truth, DocumentRepository copy, String id) {
        CollectionSpec spec = truth.spec();
        Optional<Document> expected = truth.get(id);
        Optional<Document> actual = copy.get(id);
        if (expected.equals(actual)) {
            return Outcome.UNCHANGED;
        }
        if (expected.isPresent()) {
            Document document = expected.get();
            if (!copy.applyIfNewer(document) && !spec.isEventLog()) {
                try {
                    copy.replace(document, DocumentRepository.ANY_VERSION);
                } catch (DocumentException.NotFound gone) {
                    copy.insert(document);
                }
            }
        } else if (actual.isPresent() && !spec.isEventLog()) {
            long deletedAt = truth.tombstone(id).orElse(actual.get().version() + 1);
            copy.delete(id, DocumentRepository.ANY_VERSION);
            copy.applyDelete(id, Math.max(deletedAt, actual.get().version() + 1));
        }
        return Outcome.REPAIRED;
    }
}
