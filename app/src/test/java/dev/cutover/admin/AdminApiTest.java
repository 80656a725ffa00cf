package dev.cutover.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.ApiClient;
import dev.cutover.TestStores;
import dev.cutover.api.Problems;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.service.CutoverService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API on real stores: changes and their audit rows, refusals that write nothing, the views. */
class AdminApiTest {

    private PostgresUri database;
    private CutoverService service;
    private AdminClient admin;

    @BeforeEach
    void start() {
        database = TestStores.freshDatabase();
        service = CutoverService.start(TestStores.settings(database, TestStores.mongo(), Map.of()), "test");
        admin = new AdminClient(service);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void shouldShowTheStoredFlagsPhasePinsAndRevision() {
        ApiClient.Response response = admin.get("/admin/flags");

        assertEquals(200, response.status(), response.text());
        JsonNode body = response.json();
        assertEquals(false, body.path("flags").path("USE_POSTGRES").booleanValue());
        assertEquals(false, body.path("flags").path("READ_POSTGRES").booleanValue());
        assertEquals(false, body.path("flags").path("POSTGRES_PRIMARY").booleanValue());
        assertEquals(false, body.path("flags").path("MONGO_OFF").booleanValue());
        assertEquals(1, body.path("active_phase").intValue());
        assertEquals(0, body.path("pins").size());
        assertEquals(1, body.path("revision").longValue());
        assertEquals(false, body.path("stale").booleanValue());
        assertTrue(body.path("stale_since").isNull());
    }

    @Test
    void shouldFlipAFlagAndAuditWhoWhatAndWhy() {
        ApiClient.Response flipped = admin.put("/admin/flags/USE_POSTGRES",
                Map.of("enabled", true, "reason", "start dual-writing phase 1"), "alice");
        ApiClient.Response audit = admin.get("/admin/audit?limit=1");

        assertEquals(200, flipped.status(), flipped.text());
        assertEquals(true, flipped.json().path("changed").booleanValue());
        assertEquals(true, flipped.json().path("flags").path("USE_POSTGRES").booleanValue());
        assertEquals(2, flipped.json().path("revision").longValue());
        JsonNode entry = audit.json().path("items").path(0);
        assertEquals(1, audit.json().path("items").size());
        assertEquals("admin:alice", entry.path("actor").asText());
        assertEquals("USE_POSTGRES", entry.path("subject").asText());
        assertEquals("false", entry.path("old_value").asText());
        assertEquals("true", entry.path("new_value").asText());
        assertEquals("start dual-writing phase 1", entry.path("reason").asText());
        assertEquals(1, TestStores.adminQuery(database.database(),
                "SELECT feature_enabled FROM flag_state WHERE feature_name = 'USE_POSTGRES'"));
    }

    @Test
    void shouldRefuseReadPostgresWithoutUsePostgresWithTheReasonAndWriteNothing() {
        long auditRows = auditRows();

        ApiClient.Response refused = admin.put("/admin/flags/READ_POSTGRES",
                Map.of("enabled", true, "reason", "read cutover"));

        assertEquals(409, refused.status(), refused.text());
        assertEquals(Problems.CONTENT_TYPE, refused.contentType());
        assertEquals("urn:cutover:problem:flag-refused", refused.json().path("type").asText());
        assertTrue(refused.json().path("detail").asText().startsWith("READ_POSTGRES needs USE_POSTGRES"),
                refused.text());
        assertNothingWritten(auditRows);
    }

    @Test
    void shouldRefuseAChangeWithoutAReasonAndWriteNothing() {
        long auditRows = auditRows();

        ApiClient.Response missing = admin.put("/admin/flags/USE_POSTGRES", Map.of("enabled", true));
        ApiClient.Response blank = admin.put("/admin/phase", Map.of("phase", 2, "reason", "  "));
        ApiClient.Response unpin = admin.delete("/admin/pins/conversations", Map.of());

        for (ApiClient.Response response : List.of(missing, blank, unpin)) {
            assertEquals(400, response.status(), response.text());
            assertEquals(Problems.CONTENT_TYPE, response.contentType());
            assertEquals("reason", response.json().path("errors").path(0).path("field").asText(), response.text());
        }
        assertNothingWritten(auditRows);
    }

    @Test
    void shouldNameEveryFieldAtFaultInOneRefusal() {
        ApiClient.Response response = admin.put("/admin/flags/USE_POSTGRES",
                "{\"enabled\": \"yes\", \"enable\": true}");

        assertEquals(400, response.status(), response.text());
        List<String> fields = response.json().path("errors").findValuesAsText("field");
        assertEquals(List.of("enable", "enabled", "reason"), fields);
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownFlagOrCollection() {
        ApiClient.Response flag = admin.put("/admin/flags/USE_MYSQL", Map.of("enabled", true, "reason", "x"));
        ApiClient.Response pin = admin.put("/admin/pins/chats", Map.of("stage", "DUAL_WRITE", "reason", "x"));

        assertEquals(404, flag.status(), flag.text());
        assertTrue(flag.json().path("detail").asText().contains("USE_POSTGRES"), flag.text());
        assertEquals(404, pin.status(), pin.text());
        assertTrue(pin.json().path("detail").asText().contains("conversations"), pin.text());
    }

    @Test
    void shouldWriteNothingWhenTheValueIsAlreadyStored() {
        long auditRows = auditRows();

        ApiClient.Response response = admin.put("/admin/flags/USE_POSTGRES",
                Map.of("enabled", false, "reason", "make sure it is off"));

        assertEquals(200, response.status(), response.text());
        assertEquals(false, response.json().path("changed").booleanValue());
        assertNothingWritten(auditRows);
    }

    @Test
    void shouldMoveThePhaseAndPinACollectionAndShowEachCollectionsStage() {
        admin.put("/admin/flags/USE_POSTGRES", Map.of("enabled", true, "reason", "dual-write"));
        admin.put("/admin/flags/READ_POSTGRES", Map.of("enabled", true, "reason", "read cutover"));
        ApiClient.Response phase = admin.put("/admin/phase", Map.of("phase", 3, "reason", "all phases"));
        ApiClient.Response pin = admin.put("/admin/pins/conversations",
                Map.of("stage", "DUAL_WRITE", "reason", "messages still drift"));

        JsonNode status = admin.get("/admin/status").json();

        assertEquals(200, phase.status(), phase.text());
        assertEquals(200, pin.status(), pin.text());
        assertEquals("DUAL_WRITE", pin.json().path("pins").path("conversations").asText());
        assertEquals(18, status.path("collections").size());
        JsonNode users = collection(status, "users");
        JsonNode conversations = collection(status, "conversations");
        assertEquals("READ_POSTGRES", users.path("stage").asText());
        assertTrue(users.path("pinned").isNull());
        assertEquals("postgres", users.path("reads").asText());
        assertEquals("DUAL_WRITE", conversations.path("stage").asText());
        assertEquals("DUAL_WRITE", conversations.path("pinned").asText());
        assertEquals("mongo", conversations.path("reads").asText());
        assertEquals("postgres", conversations.path("secondary").asText());
        assertTrue(conversations.path("repair_queue_depth").isIntegralNumber(), conversations.toString());
        assertEquals(0, conversations.path("repair_queue_depth").asLong());
        assertTrue(conversations.path("last_drift").isNull());
    }

    @Test
    void shouldUnpinACollectionAndAuditTheOldAndNewValue() {
        admin.put("/admin/pins/workflows", Map.of("stage", "MONGO_ONLY", "reason", "hold workflows back"));

        ApiClient.Response unpinned = admin.delete("/admin/pins/workflows", Map.of("reason", "workflows are fine"));
        JsonNode audit = admin.get("/admin/audit?limit=2").json().path("items");

        assertEquals(200, unpinned.status(), unpinned.text());
        assertEquals(0, unpinned.json().path("pins").size());
        assertEquals("pin:workflows", audit.path(0).path("subject").asText());
        assertEquals("MONGO_ONLY", audit.path(0).path("old_value").asText());
        assertEquals("unpinned", audit.path(0).path("new_value").asText());
        assertEquals("admin", audit.path(0).path("actor").asText());
        assertEquals("unpinned", audit.path(1).path("old_value").asText());
        assertEquals("MONGO_ONLY", audit.path(1).path("new_value").asText());
    }

    @Test
    void shouldListTheAuditTrailNewestFirstIncludingTheFirstBootDefaults() {
        admin.put("/admin/phase", Map.of("phase", 2, "reason", "phase 2 begins"));

        JsonNode items = admin.get("/admin/audit").json().path("items");

        assertEquals(6, items.size());
        assertEquals("active_phase", items.path(0).path("subject").asText());
        assertEquals("1", items.path(0).path("old_value").asText());
        assertEquals("2", items.path(0).path("new_value").asText());
        for (int i = 1; i < 6; i++) {
            assertEquals("environment", items.path(i).path("actor").asText());
            assertEquals("default at first boot", items.path(i).path("reason").asText());
            assertTrue(items.path(i).path("old_value").isNull());
            assertTrue(items.path(i - 1).path("id").longValue() > items.path(i).path("id").longValue());
        }
    }

    @Test
    void shouldRefuseAnAuditLimitOutOfRange() {
        ApiClient.Response response = admin.get("/admin/audit?limit=0");

        assertEquals(400, response.status(), response.text());
        assertEquals("limit", response.json().path("errors").path(0).path("field").asText());
    }

    @Test
    void shouldRefuseEveryAdminRouteWithoutTheAdminToken() {
        AdminClient anonymous = new AdminClient(service, null);
        AdminClient dataToken = new AdminClient(service, TestStores.API_TOKEN);

        for (AdminClient client : List.of(anonymous, dataToken)) {
            assertEquals(401, client.get("/admin/flags").status());
            assertEquals(401, client.get("/admin/status").status());
            assertEquals(401, client.get("/admin/audit").status());
            assertEquals(401, client.put("/admin/flags/USE_POSTGRES", Map.of("enabled", true, "reason", "x")).status());
        }
        assertEquals(false, admin.get("/admin/flags").json().path("flags").path("USE_POSTGRES").booleanValue());
    }

    private long auditRows() {
        return (Long) TestStores.adminQuery(database.database(), "SELECT count(*) FROM flag_audit");
    }

    /** Only the first boot's rows exist: every flag off, phase 1, no pin, revision 1. */
    private void assertNothingWritten(long auditRowsBefore) {
        assertEquals(auditRowsBefore, auditRows());
        assertEquals(1L, TestStores.adminQuery(database.database(), "SELECT revision FROM state_revision"));
        assertEquals(0L, TestStores.adminQuery(database.database(),
                "SELECT count(*) FROM flag_state WHERE feature_enabled <> 0"));
        assertEquals(0L, TestStores.adminQuery(database.database(),
                "SELECT count(*) FROM migration_setting WHERE name <> 'active_phase' OR value <> '1'"));
        assertEquals(1, admin.get("/admin/flags").json().path("revision").intValue());
    }

    private static JsonNode collection(JsonNode status, String name) {
        for (JsonNode collection : status.path("collections")) {
            if (collection.path("name").asText().equals(name)) {
                return collection;
            }
        }
        throw new AssertionError("no collection " + name + " in " + status);
    }

    @Test
    void shouldRefuseToMoveTheSourceOfTruthWhileIdsWaitForRepairAndAllowItOnceDrained() throws Exception {
        admin.put("/admin/flags/USE_POSTGRES", Map.of("enabled", true, "reason", "dual-write phase 1"));
        admin.put("/admin/flags/READ_POSTGRES", Map.of("enabled", true, "reason", "read cutover phase 1"));
        com.mongodb.client.MongoDatabase mongo = service.context().getBean(com.mongodb.client.MongoDatabase.class);
        dev.cutover.routing.MongoRepairQueue queue = new dev.cutover.routing.MongoRepairQueue(mongo,
                java.time.Clock.systemUTC());
        queue.add("prompts", "waiting-id", "timeout");
        // Held as another replica's worker would hold it, so this replica's worker cannot drain it
        // before the first flip is tried, however slow the machine.
        assertEquals(1, queue.claim(10, java.time.Duration.ofSeconds(3)).size());

        ApiClient.Response refused = admin.put("/admin/flags/POSTGRES_PRIMARY",
                Map.of("enabled", true, "reason", "write cutover"));
        long deadline = System.currentTimeMillis() + 20_000;
        while (admin.get("/admin/status").json().path("collections").get(1).path("repair_queue_depth").asLong() > 0
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        ApiClient.Response allowed = admin.put("/admin/flags/POSTGRES_PRIMARY",
                Map.of("enabled", true, "reason", "write cutover"));

        assertEquals(409, refused.status(), refused.text());
        assertTrue(refused.text().contains("cannot move the source of truth of prompts from mongo to postgres while 1 "
                + "of its ids wait for repair"), refused.text());
        assertEquals(200, allowed.status(), allowed.text());
        assertEquals(true, allowed.json().path("changed").booleanValue());
    }
}
