package dev.cutover.state;

import dev.cutover.document.CollectionSpec;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

/** The status source until the router provides one: nothing is known. */
@Singleton
@Secondary
final class UnknownCollectionStatus implements CollectionStatusSource {

    @Override
    public CollectionStatus statusOf(CollectionSpec collection) {
        return CollectionStatus.UNKNOWN;
    }
}
