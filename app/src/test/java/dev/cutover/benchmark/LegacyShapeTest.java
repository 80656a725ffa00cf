package dev.cutover.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.SampleDocuments;
import dev.cutover.document.mongo.StoredShape;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LegacyShapeTest {

    private final SampleDocuments samples = new SampleDocuments(11);

    static Stream<CollectionSpec> phaseOne() {
        return SyntheticData.counts(100).keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("phaseOne")
    void shouldReadAsTheSameDocumentAtVersionZeroWhenStoredInThePreCutoverShape(CollectionSpec spec) {
        Document document = samples.next(spec);

        org.bson.Document legacy = LegacyShape.of(spec, StoredShape.toBson(spec, document));

        assertFalse(legacy.containsKey("_version"));
        assertEquals(document.withVersion(0), StoredShape.fromBson(spec, legacy));
    }

    @ParameterizedTest
    @MethodSource("phaseOne")
    void shouldStoreNoFieldUnderItsNameWhenTheFieldHasLegacyNames(CollectionSpec spec) {
        Document document = samples.next(spec);

        org.bson.Document legacy = LegacyShape.of(spec, StoredShape.toBson(spec, document));

        spec.fields().stream()
                .filter(field -> !field.aliases().isEmpty())
                .forEach(field -> assertFalse(legacy.containsKey(field.name()), field.name()));
    }

    @org.junit.jupiter.api.Test
    void shouldNestValuesWhenTheLegacyNameIsDotted() {
        CollectionSpec users = Collections.USERS;
        Document document = samples.next(users).with("pinned_agent_ids", List.of("a1", "a2"));

        org.bson.Document legacy = LegacyShape.of(users, StoredShape.toBson(users, document));

        assertEquals(List.of("a1", "a2"), legacy.get("agent_preferences", org.bson.Document.class).get("pinned"));
        assertTrue(legacy.containsKey("userId"));
    }
}
