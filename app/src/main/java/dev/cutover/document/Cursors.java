package dev.cutover.document;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** A list cursor as the API hands it out: opaque, URL-safe text. */
public final class Cursors {

    private Cursors() {
    }

    public static String encode(ListQuery.Cursor cursor) {
        String plain = cursor.orderValue().toEpochMilli() + ":" + cursor.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws DocumentException.Invalid naming the {@code cursor} parameter when the text is not
     *         a cursor this service handed out
     */
    public static ListQuery.Cursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = plain.indexOf(':');
            String id = plain.substring(colon + 1);
            if (colon < 1 || !DocumentIds.isValid(id)) {
                throw new IllegalArgumentException();
            }
            return new ListQuery.Cursor(Instant.ofEpochMilli(Long.parseLong(plain.substring(0, colon))), id);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new DocumentException.Invalid("cursor", "is not a cursor from a previous page");
        }
    }
}
