package dev.cutover.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.document.CollectionSpec;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import dev.cutover.state.AuditEntry;
import dev.cutover.state.CollectionStatusSource;
import dev.cutover.state.Freshness;
import dev.cutover.state.StateSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON of the admin API's answers. Field names are snake_case, as in the data API. */
final class AdminViews {

    private AdminViews() {
    }

    /** The state this replica obeys, how fresh it is, and when it was read. */
    static ObjectNode state(StateSnapshot snapshot, Freshness freshness, Instant now) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        MigrationState state = snapshot.state();
        body.put("revision", snapshot.revision());
        ObjectNode flags = body.putObject("flags");
        for (CutoverFeature feature : CutoverFeature.values()) {
            flags.put(feature.name(), state.flags().isOn(feature));
        }
        body.put("active_phase", state.activePhase().number());
        ObjectNode pins = body.putObject("pins");
        state.pins().forEach((collection, stage) -> pins.put(collection, stage.name()));
        freshness(body, freshness, now);
        return body;
    }

    /** The state after a change, and whether the change changed anything. */
    static ObjectNode changed(StateSnapshot snapshot, boolean changed, Freshness freshness, Instant now) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("changed", changed);
        body.setAll(state(snapshot, freshness, now));
        return body;
    }

    static ObjectNode audit(List<AuditEntry> entries) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("items");
        for (AuditEntry entry : entries) {
            ObjectNode item = items.addObject();
            item.put("id", entry.id());
            item.put("changed_at", entry.changedAt().toString());
            item.put("actor", entry.actor());
            item.put("subject", entry.subject());
            item.put("old_value", entry.oldValue().orElse(null));
            item.put("new_value", entry.newValue());
            item.put("reason", entry.reason());
        }
        return body;
    }

    /** Each collection's stage and what the router knows of its copy. */
    static ObjectNode status(StateSnapshot snapshot, Freshness freshness, Instant now, List<CollectionSpec> collections,
            CollectionStatusSource source) {
        ObjectNode body = state(snapshot, freshness, now);
        ArrayNode items = body.putArray("collections");
        Map<String, Stage> pins = snapshot.state().pins();
        for (CollectionSpec collection : collections) {
            Stage stage = snapshot.state().stageOf(collection.name(), collection.phase());
            CollectionStatusSource.CollectionStatus status = source.statusOf(collection);
            ObjectNode item = items.addObject();
            item.put("name", collection.name());
            item.put("phase", collection.phase().number());
            item.put("stage", stage.name());
            item.put("pinned", pins.containsKey(collection.name()) ? pins.get(collection.name()).name() : null);
            item.put("primary", stage.primary().label());
            item.put("secondary", stage.secondary().map(Store::label).orElse(null));
            item.put("reads", stage.reads().label());
            if (status.repairQueueDepth().isPresent()) {
                item.put("repair_queue_depth", status.repairQueueDepth().getAsLong());
            } else {
                item.putNull("repair_queue_depth");
            }
            check(item, "last_drift", status.lastDrift());
            check(item, "last_verify", status.lastVerify());
        }
        return body;
    }

    /** A comparison of the stores under {@code name}, or null when there is none. */
    private static void check(ObjectNode item, String name, Optional<CollectionStatusSource.DriftCheck> found) {
        if (found.isEmpty()) {
            item.putNull(name);
            return;
        }
        CollectionStatusSource.DriftCheck check = found.get();
        ObjectNode node = item.putObject(name);
        node.put("checked_at", check.checkedAt().toString());
        node.put("seconds", check.took().toMillis() / 1000.0);
        node.put("agree", check.agrees());
        node.put("mongo", check.mongo());
        node.put("postgres", check.postgres());
        node.put("missing_in_postgres", check.missingInPostgres());
        node.put("missing_in_mongo", check.missingInMongo());
        node.put("differing", check.differing());
        ArrayNode ids = node.putArray("sample_ids");
        check.sampleIds().forEach(ids::add);
    }

    private static void freshness(ObjectNode body, Freshness freshness, Instant now) {
        body.put("stale", freshness.stale());
        body.put("stale_since", freshness.staleSince().map(Instant::toString).orElse(null));
        body.put("checked_at", freshness.checkedAt().toString());
        body.put("check_age_ms", freshness.age(now).toMillis());
        body.put("error", freshness.error().orElse(null));
    }
}
