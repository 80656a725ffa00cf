package dev.cutover.backfill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rejects file: one JSON object per line, {@code collection}, {@code id}, {@code reason} and
 * {@code document} (the MongoDB document as relaxed Extended JSON, cut to 10,000 characters).
 */
final class RejectsFile implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final BufferedWriter writer;

    private RejectsFile(Path path, BufferedWriter writer) {
        this.path = path;
        this.writer = writer;
    }

    static RejectsFile open(Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new RejectsFile(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw Backfill.rejectsFailure(path, e);
        }
    }

    synchronized void add(Checkpoints.Reject reject) {
        ObjectNode line = JSON.createObjectNode()
                .put("collection", reject.collection())
                .put("id", reject.id())
                .put("reason", reject.reason())
                .put("document", reject.document());
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(Backfill.rejectsFailure(path, e).getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw Backfill.rejectsFailure(path, e);
        }
    }
}
