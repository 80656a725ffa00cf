package dev.cutover.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentException;
import dev.cutover.document.DocumentService;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a conversation allows beyond the generic operations: appending a message, editing the
 * message at a position (which drops every later one, as a regenerated answer does), setting the
 * feedback on a message, and sharing. Each is one versioned write of the whole conversation, so
 * both stores see the same result.
 */
public final class ConversationService {

    private static final String MESSAGES = "queries";
    private static final String FEEDBACK = "feedback";
    private static final String SHARED_TOKEN = "shared_token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DocumentService conversations;

    public ConversationService(DocumentService conversations) {
        if (!conversations.spec().name().equals(Collections.CONVERSATIONS.name())) {
            throw new IllegalArgumentException("expected the conversations service, but got " + conversations.spec().name());
        }
        this.conversations = conversations;
    }

    public DocumentService documents() {
        return conversations;
    }

    /** Adds a message after the last one. */
    public Document append(String id, JsonNode message, long expectedVersion) {
        Document current = conversations.requireVersion(id, expectedVersion);
        List<Document.Element> messages = messages(current);
        messages.add(conversations.codec().elementFromJson(message, MESSAGES + "[" + messages.size() + "]"));
        return conversations.update(current, current.with(MESSAGES, messages));
    }

    /** Replaces the message at {@code position} and drops every message after it. */
    public Document edit(String id, int position, JsonNode message, long expectedVersion) {
        Document current = conversations.requireVersion(id, expectedVersion);
        List<Document.Element> messages = messages(current);
        requirePosition(current, messages, position);
        List<Document.Element> kept = new ArrayList<>(messages.subList(0, position));
        kept.add(conversations.codec().elementFromJson(message, MESSAGES + "[" + position + "]"));
        return conversations.update(current, current.with(MESSAGES, kept));
    }

    /** Sets (or, with JSON null, clears) the feedback on the message at {@code position}. */
    public Document setFeedback(String id, int position, JsonNode body, long expectedVersion) {
        if (body == null || !body.isObject() || !body.has(FEEDBACK)) {
            throw new DocumentException.Invalid(FEEDBACK, "is required: \"like\", \"dislike\" or null");
        }
        Document current = conversations.requireVersion(id, expectedVersion);
        List<Document.Element> messages = messages(current);
        requirePosition(current, messages, position);
        Document.Element message = messages.get(position);
        JsonNode edited = conversations.codec().elementToJson(spec().children().orElseThrow(), message)
                .set(FEEDBACK, body.get(FEEDBACK));
        messages.set(position, conversations.codec().elementFromJson(edited, MESSAGES + "[" + position + "]"));
        return conversations.update(current, current.with(MESSAGES, messages));
    }

    /** Gives the conversation a share token, unless it has one; returns it either way. */
    public Document share(String id, long expectedVersion) {
        Document current = conversations.requireVersion(id, expectedVersion);
        if (current.get(SHARED_TOKEN) != null) {
            return current;
        }
        byte[] token = new byte[24];
        RANDOM.nextBytes(token);
        Map<String, Object> unchanged = new LinkedHashMap<>(current.fields());
        unchanged.put(SHARED_TOKEN, HexFormat.of().formatHex(token));
        return conversations.update(current, new Document(id, current.version(), unchanged, current.extra()));
    }

    private CollectionSpec spec() {
        return conversations.spec();
    }

    @SuppressWarnings("unchecked")
    private static List<Document.Element> messages(Document conversation) {
        Object messages = conversation.get(MESSAGES);
        return messages == null ? new ArrayList<>() : new ArrayList<>((List<Document.Element>) messages);
    }

    private void requirePosition(Document conversation, List<Document.Element> messages, int position) {
        if (position < 0 || position >= messages.size()) {
            throw DocumentException.NotFound.element(spec().name(), conversation.id(), position, messages.size());
        }
    }
}
