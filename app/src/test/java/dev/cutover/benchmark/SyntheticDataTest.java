package dev.cutover.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

    @Test
    void shouldSpreadEveryDocumentWhenTheTotalDoesNotDivideEvenly() {
        Map<CollectionSpec, Integer> counts = SyntheticData.counts(1_003);

        assertEquals(1_003, counts.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(30, counts.get(Collections.USERS));
        assertTrue(counts.values().stream().allMatch(count -> count > 0));
    }

    @Test
    void shouldRefuseWhenThereAreFewerDocumentsThanCollections() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SyntheticData.counts(3));

        assertEquals("the benchmark needs at least 7 documents, one per collection, but was asked for 3",
                error.getMessage());
    }

    @Test
    void shouldStoreOneInTenInThePreCutoverShapeWhenLoading() {
        long legacy = IntStream.range(0, 1_000).filter(SyntheticData::legacy).count();

        assertEquals(100, legacy);
    }
}
