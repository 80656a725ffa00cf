package dev.cutover.document;

import java.util.regex.Pattern;
import org.bson.types.ObjectId;

/**
 * Ids. cutover creates the text form of a MongoDB ObjectId (24 lowercase hexadecimal
 * characters); documents that came from MongoDB keep the {@code _id} they had, so an id may also
 * be a legacy string of letters, digits and {@code _ . : -}.
 */
public final class DocumentIds {

    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");

    /** What {@link #isValid} accepts, in words, for error messages. */
    public static final String DESCRIPTION = "1 to 128 letters, digits, '_', '.', ':' or '-'";

    private DocumentIds() {
    }

    /** A new id: a MongoDB ObjectId, so new ids sort roughly by creation time in both stores. */
    public static String next() {
        return new ObjectId().toHexString();
    }

    public static boolean isValid(String id) {
        return id != null && FORM.matcher(id).matches();
    }

    /** Whether MongoDB holds this id as an ObjectId rather than a string. */
    public static boolean isObjectId(String id) {
        return OBJECT_ID.matcher(id).matches();
    }
}
