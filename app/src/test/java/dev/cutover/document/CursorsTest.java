package dev.cutover.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** List cursors as the API hands them out and takes them back. */
class CursorsTest {

    private static String base64(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource({
            "2026-01-31T10:00:00.123Z, 65b9f0c2a1b2c3d4e5f60718",
            "1969-07-20T20:17:40.000Z, legacy-id_1.2",
            "0001-01-01T00:00:00.000Z, a",
            "9999-12-31T23:59:59.999Z, urn:legacy:42"})
    void shouldDecodeTheSameCursorWhenItWasEncoded(String orderValue, String id) {
        ListQuery.Cursor cursor = new ListQuery.Cursor(Instant.parse(orderValue), id);

        ListQuery.Cursor decoded = Cursors.decode(Cursors.encode(cursor));

        assertEquals(cursor, decoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"65b9f0c2a1b2c3d4e5f60718", "urn:legacy:42", "x.y-z_1"})
    void shouldGiveUrlSafeTextWhenEncoding(String id) {
        ListQuery.Cursor cursor = new ListQuery.Cursor(Instant.parse("2026-01-31T10:00:00.123Z"), id);

        String text = Cursors.encode(cursor);

        assertTrue(text.matches("[A-Za-z0-9_-]+"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "", "AAAA"})
    void shouldRejectCursorWhenTextDecodesToSomethingElse(String text) {
        DocumentException.Invalid invalid = assertThrows(DocumentException.Invalid.class, () -> Cursors.decode(text));

        assertEquals(List.of("cursor"), invalid.errors().stream().map(DocumentException.FieldError::field).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1769853600000:bad id!", "1769853600000:", "1769853600000:id/with/slashes"})
    void shouldRejectCursorWhenItsIdIsNotAValidId(String plain) {
        String text = base64(plain);

        DocumentException.Invalid invalid = assertThrows(DocumentException.Invalid.class, () -> Cursors.decode(text));

        assertEquals(List.of("cursor"), invalid.errors().stream().map(DocumentException.FieldError::field).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday:65b9f0c2a1b2c3d4e5f60718", ":65b9f0c2a1b2c3d4e5f60718", "65b9f0c2a1b2c3d4e5f60718"})
    void shouldRejectCursorWhenItsOrderValueIsNotEpochMillis(String plain) {
        String text = base64(plain);

        DocumentException.Invalid invalid = assertThrows(DocumentException.Invalid.class, () -> Cursors.decode(text));

        assertEquals(List.of("cursor"), invalid.errors().stream().map(DocumentException.FieldError::field).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64!", "%%%%", "abc=def", "a"})
    void shouldRejectCursorWhenTextIsNotBase64(String text) {
        DocumentException.Invalid invalid = assertThrows(DocumentException.Invalid.class, () -> Cursors.decode(text));

        assertEquals(List.of("cursor"), invalid.errors().stream().map(DocumentException.FieldError::field).toList());
        assertTrue(invalid.getMessage().startsWith("cursor "), invalid.getMessage());
    }
}
