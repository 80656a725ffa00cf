package dev.cutover.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** The canonical form of values read from a store's driver, so both stores' documents compare equal. */
class JsonValuesTest {

    @Test
    void shouldWidenToLongWhenValueIsAnInteger() {
        Object value = Integer.valueOf(42);

        Object canonical = JsonValues.canonical(value);

        assertInstanceOf(Long.class, canonical);
        assertEquals(42L, canonical);
    }

    @Test
    void shouldWidenToLongWhenValueIsAShortOrAByte() {
        Object shortValue = Short.valueOf((short) -7);
        Object byteValue = Byte.valueOf((byte) 9);

        Object canonicalShort = JsonValues.canonical(shortValue);
        Object canonicalByte = JsonValues.canonical(byteValue);

        assertEquals(-7L, canonicalShort);
        assertEquals(9L, canonicalByte);
    }

    @Test
    void shouldGiveLongWhenBigDecimalIsWhole() {
        BigDecimal value = new BigDecimal("2");

        Object canonical = JsonValues.canonical(value);

        assertInstanceOf(Long.class, canonical);
        assertEquals(2L, canonical);
    }

    @Test
    void shouldGiveDoubleWhenBigDecimalHasAFraction() {
        BigDecimal value = new BigDecimal("2.5");

        Object canonical = JsonValues.canonical(value);

        assertInstanceOf(Double.class, canonical);
        assertEquals(2.5, canonical);
    }

    @Test
    void shouldGiveLongWhenBigIntegerFitsIn64Bits() {
        BigInteger value = BigInteger.valueOf(Long.MAX_VALUE);

        Object canonical = JsonValues.canonical(value);

        assertEquals(Long.MAX_VALUE, canonical);
    }

    @Test
    void shouldGiveDoubleWhenValueIsAFloat() {
        Object value = Float.valueOf(1.5f);

        Object canonical = JsonValues.canonical(value);

        assertInstanceOf(Double.class, canonical);
        assertEquals(1.5, canonical);
    }

    @Test
    void shouldKeepValueWhenItIsAlreadyCanonical() {
        List<Object> values = java.util.Arrays.asList("text", true, 5L, null);

        List<Object> canonical = values.stream().map(JsonValues::canonical).toList();

        assertEquals(values, canonical);
        assertNull(JsonValues.canonical(null));
    }

    @Test
    void shouldGiveIsoTextWithMillisecondsWhenValueIsADate() {
        Date date = Date.from(Instant.parse("2026-01-31T10:00:00.123Z"));

        Object canonical = JsonValues.canonical(date);

        assertEquals("2026-01-31T10:00:00.123Z", canonical);
    }

    @Test
    void shouldGiveThreeFractionDigitsWhenDateIsOnAWholeSecond() {
        Date date = Date.from(Instant.parse("2026-01-31T10:00:00Z"));

        Object canonical = JsonValues.canonical(date);

        assertEquals("2026-01-31T10:00:00.000Z", canonical);
    }

    @Test
    void shouldSortKeysAtEveryLevelWhenValueIsANestedMap() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("d", 1);
        inner.put("c", new BigDecimal("2.5"));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("b", List.of(inner, 3));
        outer.put("a", inner);

        Map<?, ?> canonical = (Map<?, ?>) JsonValues.canonical(outer);

        assertEquals(List.of("a", "b"), List.copyOf(canonical.keySet()));
        Map<?, ?> canonicalInner = (Map<?, ?>) canonical.get("a");
        assertEquals(List.of("c", "d"), List.copyOf(canonicalInner.keySet()));
        assertEquals(Map.of("a", Map.of("c", 2.5, "d", 1L), "b", List.of(Map.of("c", 2.5, "d", 1L), 3L)), canonical);
        Map<?, ?> insideList = (Map<?, ?>) ((List<?>) canonical.get("b")).get(0);
        assertEquals(List.of("c", "d"), List.copyOf(insideList.keySet()));
    }

    @Test
    void shouldGiveItsTextWhenValueIsAnUnknownObject() {
        ObjectId id = new ObjectId("65b9f0c2a1b2c3d4e5f60718");

        Object canonical = JsonValues.canonical(id);

        assertEquals("65b9f0c2a1b2c3d4e5f60718", canonical);
    }

    @Test
    void shouldGiveTextWhenUnknownObjectIsNestedInAMap() {
        Map<String, Object> value = Map.of("ref", new ObjectId("65b9f0c2a1b2c3d4e5f60718"), "n", 1);

        Object canonical = JsonValues.canonical(value);

        assertEquals(Map.of("ref", "65b9f0c2a1b2c3d4e5f60718", "n", 1L), canonical);
    }
}
