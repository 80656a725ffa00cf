package dev.cutover.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.Document;
import dev.cutover.document.DocumentIds;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.SampleDocuments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The comparison on real stores: each kind of difference, canonical form, in-flight writes, expiry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreComparisonTest {

    private static final Instant CREATED = Instant.parse("2025-02-03T04:05:06.789Z");

    private final VerifyStores stores = new VerifyStores();
    private final SampleDocuments samples = new SampleDocuments(5);

    @AfterEach
    void emptyStores() {
        stores.mongoDatabase.drop();
        stores.sql("TRUNCATE " + String.join(", ", Collections.ALL.stream().map(CollectionSpec::name).toList())
                + ", tombstones CASCADE");
    }

    @AfterAll
    void closeStores() {
        stores.close();
    }

    private CollectionReport compare(CollectionSpec spec, Sleeper sleeper, List<Finding> confirmed) {
        StoreComparison comparison = new StoreComparison(stores.mongo(spec), stores.postgres(spec),
                new StoreComparison.Options(4, Duration.ZERO, 10, 2), Clock.systemUTC(), sleeper);
        return comparison.run(confirmed::add);
    }

    private CollectionReport compare(CollectionSpec spec) {
        return compare(spec, due -> { }, new CopyOnWriteArrayList<>());
    }

    private static Finding only(CollectionReport report, Drift kind) {
        assertEquals(1, report.count(kind), report.toString());
        return report.samples().get(kind).get(0);
    }

    @Test
    void shouldAgreeAndCountBothSidesWhenTheStoresHoldTheSameDocuments() {
        for (int i = 0; i < 25; i++) {
            stores.both(Collections.CONVERSATIONS, samples.next(Collections.CONVERSATIONS));
        }
        List<Finding> confirmed = new CopyOnWriteArrayList<>();

        CollectionReport report = compare(Collections.CONVERSATIONS, due -> { }, confirmed);

        assertTrue(report.agrees(), report.toString());
        assertEquals(25, report.mongo());
        assertEquals(25, report.postgres());
        assertEquals(0, report.inFlight());
        assertEquals(List.of(), confirmed);
    }

    @Test
    void shouldFindIdsMissingOnEitherSideWithTheVersionTheOtherHolds() {
        for (int i = 0; i < 3; i++) {
            stores.both(Collections.PROMPTS, samples.next(Collections.PROMPTS));
        }
        Document onlyInMongo = stores.mongo(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS));
        Document onlyInPostgres = stores.postgres(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS).withVersion(4));
        List<Finding> confirmed = new CopyOnWriteArrayList<>();

        CollectionReport report = compare(Collections.PROMPTS, due -> { }, confirmed);

        assertEquals(new Finding(onlyInMongo.id(), Drift.MISSING_IN_POSTGRES,
                List.of(new Difference("version", 1L, Difference.ABSENT))), only(report, Drift.MISSING_IN_POSTGRES));
        assertEquals(new Finding(onlyInPostgres.id(), Drift.MISSING_IN_MONGO,
                List.of(new Difference("version", Difference.ABSENT, 4L))), only(report, Drift.MISSING_IN_MONGO));
        assertEquals(0, report.count(Drift.DIFFERS));
        assertEquals(4, report.mongo());
        assertEquals(4, report.postgres());
        assertEquals(2, confirmed.size());
    }

    @Test
    void shouldNameTheTypedFieldThatDiffers() {
        Document prompt = stores.both(Collections.PROMPTS, samples.next(Collections.PROMPTS).with("name", "weekly report"));
        stores.postgres(Collections.PROMPTS).replace(prompt.with("name", "weekly summary"), prompt.version());

        CollectionReport report = compare(Collections.PROMPTS);

        assertEquals(new Finding(prompt.id(), Drift.DIFFERS,
                List.of(new Difference("name", "weekly report", "weekly summary"))), only(report, Drift.DIFFERS));
    }

    @Test
    void shouldNameTheUnknownFieldsThatDifferOrAreAbsent() {
        Document prompt = stores.both(Collections.PROMPTS, new Document(DocumentIds.next(), 1,
                samples.next(Collections.PROMPTS).fields(), Map.of("color", "red", "tags", List.of("a", "b"))));
        stores.postgres(Collections.PROMPTS).replace(new Document(prompt.id(), 1, prompt.fields(),
                Map.of("color", "blue", "tags", List.of("a"), "size", 3L)), 1);

        CollectionReport report = compare(Collections.PROMPTS);

        assertEquals(List.of(new Difference("extra.color", "red", "blue"),
                new Difference("extra.size", Difference.ABSENT, 3L),
                new Difference("extra.tags[1]", "b", Difference.ABSENT)), only(report, Drift.DIFFERS).differences());
    }

    @Test
    void shouldNameTheEmbeddedElementAndFieldThatDiffer() {
        CollectionSpec.ChildSpec queries = Collections.CONVERSATIONS.children().orElseThrow();
        List<Document.Element> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(samples.element(queries));
        }
        Document conversation = stores.both(Collections.CONVERSATIONS,
                samples.next(Collections.CONVERSATIONS).with("queries", three));
        Map<String, Object> changed = new LinkedHashMap<>(three.get(1).fields());
        changed.put("response", "a different answer");
        List<Document.Element> inPostgres = List.of(three.get(0),
                new Document.Element(changed, Map.of("client_tag", "other")), three.get(2), samples.element(queries));
        stores.postgres(Collections.CONVERSATIONS).replace(conversation.with("queries", inPostgres), 1);

        CollectionReport report = compare(Collections.CONVERSATIONS);

        List<Difference> differences = only(report, Drift.DIFFERS).differences();
        assertEquals(List.of("queries[1].response", "queries[1].extra.client_tag", "queries[3]"),
                differences.stream().map(Difference::path).toList());
        assertEquals(new Difference("queries[1].response", three.get(1).fields().get("response"), "a different answer"),
                differences.get(0));
        assertEquals(Difference.ABSENT, differences.get(2).mongo());
        assertEquals(inPostgres.get(3).fields().get("prompt"), ((Map<?, ?>) differences.get(2).postgres()).get("prompt"));
    }

    @Test
    void shouldReportAVersionDifferenceEvenWhenTheContentIsTheSame() {
        Document prompt = stores.both(Collections.PROMPTS, samples.next(Collections.PROMPTS));
        stores.postgres(Collections.PROMPTS).replace(prompt.withVersion(2), 1);

        CollectionReport report = compare(Collections.PROMPTS);

        assertEquals(List.of(new Difference("version", 1L, 2L)), only(report, Drift.DIFFERS).differences());
    }

    @Test
    void shouldAgreeWhenMongoHoldsKeysInAnotherOrderAndNumbersAsInt32() {
        String id = new ObjectId().toHexString();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("user_id", "u-1");
        fields.put("name", "search");
        fields.put("display_name", null);
        fields.put("custom_name", null);
        fields.put("description", null);
        fields.put("config", Map.of("retries", 3L, "endpoint", Map.of("url", "https://example.org", "secure", true)));
        fields.put("actions", List.of(Map.of("name", "find", "active", false)));
        fields.put("status", true);
        fields.put("created_at", CREATED);
        fields.put("updated_at", CREATED);
        stores.postgres(Collections.USER_TOOLS).insert(new Document(id, 3, fields,
                Map.of("zeta", 1L, "alpha", Map.of("x", 1L, "y", "two"))));
        stores.raw(Collections.USER_TOOLS).insertOne(new org.bson.Document("alpha",
                new org.bson.Document("y", "two").append("x", 1))
                .append("updated_at", Date.from(CREATED))
                .append("actions", List.of(new org.bson.Document("active", false).append("name", "find")))
                .append("config", new org.bson.Document("endpoint",
                        new org.bson.Document("secure", true).append("url", "https://example.org")).append("retries", 3))
                .append("zeta", 1)
                .append("status", true).append("name", "search").append("created_at", Date.from(CREATED))
                .append("user_id", "u-1").append("_version", 3).append("_id", new ObjectId(id)));

        CollectionReport report = compare(Collections.USER_TOOLS);

        assertTrue(report.agrees(), report.toString());
        assertEquals(1, report.mongo());
    }

    @Test
    void shouldCompareTimestampsAtMillisecondsWhenPostgresHoldsMicroseconds() {
        Document finer = stores.both(Collections.PROMPTS, samples.next(Collections.PROMPTS).with("created_at", CREATED));
        Document later = stores.both(Collections.PROMPTS, samples.next(Collections.PROMPTS).with("created_at", CREATED));
        stores.sql("UPDATE prompts SET created_at = created_at + interval '400 microseconds' WHERE id = ?", finer.id());
        stores.sql("UPDATE prompts SET created_at = created_at + interval '1 millisecond' WHERE id = ?", later.id());

        CollectionReport report = compare(Collections.PROMPTS);

        assertEquals(new Finding(later.id(), Drift.DIFFERS,
                List.of(new Difference("created_at", CREATED, CREATED.plusMillis(1)))), only(report, Drift.DIFFERS));
    }

    @Test
    void shouldTreatATypedFieldMissingOrNullAsItsDefaultButNotAnUnknownOne() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("user_id", "u-1");
        fields.put("name", "search");
        fields.put("display_name", null);
        fields.put("custom_name", null);
        fields.put("description", null);
        fields.put("config", Map.of());
        fields.put("actions", List.of());
        fields.put("status", true);
        fields.put("created_at", CREATED);
        fields.put("updated_at", CREATED);
        org.bson.Document common = new org.bson.Document("user_id", "u-1").append("name", "search")
                .append("created_at", Date.from(CREATED)).append("updated_at", Date.from(CREATED));
        // Written before cutover: no version, the defaulted fields missing in one, null in the other.
        stores.raw(Collections.USER_TOOLS).insertOne(new org.bson.Document(common).append("_id", "missing"));
        stores.raw(Collections.USER_TOOLS).insertOne(new org.bson.Document(common).append("_id", "null")
                .append("display_name", null).append("config", null).append("actions", null).append("status", null));
        stores.raw(Collections.USER_TOOLS).insertOne(new org.bson.Document(common).append("_id", "unknown-null")
                .append("legacy", null));
        for (String id : List.of("missing", "null", "unknown-null")) {
            stores.postgres(Collections.USER_TOOLS).insert(new Document(id, 0, fields, Map.of()));
        }

        CollectionReport report = compare(Collections.USER_TOOLS);

        assertEquals(new Finding("unknown-null", Drift.DIFFERS,
                List.of(new Difference("extra.legacy", null, Difference.ABSENT))), only(report, Drift.DIFFERS));
        assertEquals(3, report.mongo());
    }

    @Test
    void shouldNotReportAnIdWhoseCopyLandsBeforeItIsReadAgain() {
        Document written = stores.mongo(Collections.PROMPTS).insert(samples.next(Collections.PROMPTS));
        DocumentRepository postgres = stores.postgres(Collections.PROMPTS);
        List<Instant> waitedUntil = new CopyOnWriteArrayList<>();
        // The secondary write of a request in flight lands while the comparison waits to read again.
        Sleeper secondaryWriteLands = due -> {
            waitedUntil.add(due);
            postgres.applyIfNewer(written);
        };
        List<Finding> confirmed = new CopyOnWriteArrayList<>();

        CollectionReport report = compare(Collections.PROMPTS, secondaryWriteLands, confirmed);

        assertTrue(report.agrees(), report.toString());
        assertEquals(1, report.inFlight());
        assertEquals(1, waitedUntil.size());
        assertEquals(List.of(), confirmed);
    }

    @Test
    void shouldLeaveOutDocumentsPastTheirExpiryOnBothSides() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        stores.mongo(Collections.PENDING_TOOL_STATE).insert(
                samples.next(Collections.PENDING_TOOL_STATE).with("expires_at", now.minusSeconds(5)));
        Document live = stores.both(Collections.PENDING_TOOL_STATE,
                samples.next(Collections.PENDING_TOOL_STATE).with("expires_at", now.plusSeconds(3600)));

        CollectionReport report = compare(Collections.PENDING_TOOL_STATE);

        assertTrue(report.agrees(), report.toString());
        assertEquals(1, report.mongo());
        assertEquals(1, report.postgres());
        assertEquals(List.of(), report.sampleIds(), live.id());
    }
}
