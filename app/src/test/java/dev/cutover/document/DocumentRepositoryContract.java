package dev.cutover.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.collections.Collections;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link DocumentRepository}, run for every collection against each store by a
 * subclass that supplies the repository. A new collection gets both suites by being declared.
 */
public abstract class DocumentRepositoryContract {

    // One generator for the whole run: documents of different tests never share "unique" values.
    private static final SampleDocuments SAMPLES = new SampleDocuments(20261122L);
    private final SampleDocuments samples = SAMPLES;

    /** A repository of {@code spec} on a real store, shared by the tests of one class. */
    protected abstract DocumentRepository repository(CollectionSpec spec);

    static Stream<Named<CollectionSpec>> collections() {
        return Collections.ALL.stream().map(spec -> Named.of(spec.name(), spec));
    }

    static Stream<Named<CollectionSpec>> entities() {
        return collections().filter(named -> !named.getPayload().isEventLog());
    }

    static Stream<Named<CollectionSpec>> eventLogs() {
        return collections().filter(named -> named.getPayload().isEventLog());
    }

    static Stream<Named<CollectionSpec>> withUniqueKeys() {
        return collections().filter(named -> !named.getPayload().uniqueKeys().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldReturnExactlyWhatWasInsertedWhenGettingById(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document document = samples.next(spec);

        Document returned = repository.insert(document);
        Optional<Document> stored = repository.get(document.id());

        assertEquals(document, returned);
        assertEquals(Optional.of(document), stored);
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldKeepUnknownFieldsOfEveryShapeWhenRoundTripping(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("list_of_objects", List.of(Map.of("a", 1L), Map.of("b", List.of(Map.of()))));
        extra.put("mixed", List.of(-1L, 0.5, true, "x", java.util.Arrays.asList(null, "y")));
        extra.put("Ключ", "значение");
        extra.put("min_long", Long.MIN_VALUE);
        extra.put("tiny", 1.0E-300);
        extra.put("empty_list", List.of());
        Document base = samples.next(spec);
        Document document = new Document(base.id(), base.version(), base.fields(), extra);

        repository.insert(document);

        assertEquals(extra, repository.get(document.id()).orElseThrow().extra());
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldReturnNothingWhenTheIdIsUnknown(CollectionSpec spec) {
        assertEquals(Optional.empty(), repository(spec).get(DocumentIds.next()));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldRefuseADuplicateIdAndKeepTheStoredDocument(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document first = repository.insert(samples.next(spec));
        Document clash = samples.next(spec).withId(first.id());

        DocumentException.Duplicate error = assertThrows(DocumentException.Duplicate.class,
                () -> repository.insert(clash));

        assertEquals(List.of("id"), error.fields());
        assertEquals(Optional.of(first), repository.get(first.id()));
    }

    @ParameterizedTest
    @MethodSource("eventLogs")
    void shouldStoreARepeatedEventOnceAndReturnTheFirst(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document first = repository.insert(samples.next(spec));
        Document repeat = samples.next(spec).withId(first.id());

        Document returned = repository.insert(repeat);

        assertEquals(first, returned);
        assertEquals(Optional.of(first), repository.get(first.id()));
    }

    @ParameterizedTest
    @MethodSource("eventLogs")
    void shouldNeverChangeOrDeleteAnEvent(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document event = repository.insert(samples.next(spec));

        assertThrows(DocumentException.NotAllowed.class, () -> repository.replace(event.withVersion(2), 1));
        assertThrows(DocumentException.NotAllowed.class, () -> repository.delete(event.id(), 1));

        assertEquals(Optional.of(event), repository.get(event.id()));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldReplaceTheWholeDocumentWhenTheVersionMatches(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document original = repository.insert(samples.next(spec));
        Document changed = keepUniqueValues(spec, original, samples.next(spec).withId(original.id()).withVersion(2));

        Document returned = repository.replace(changed, 1);

        assertEquals(changed, returned);
        assertEquals(Optional.of(changed), repository.get(original.id()));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldRefuseAStaleReplaceAndDeleteAndChangeNothing(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document original = repository.insert(samples.next(spec).withVersion(3));
        Document changed = samples.next(spec).withId(original.id()).withVersion(4);

        assertThrows(DocumentException.StaleVersion.class, () -> repository.replace(changed, 2));
        assertThrows(DocumentException.StaleVersion.class, () -> repository.delete(original.id(), 2));

        assertEquals(Optional.of(original), repository.get(original.id()));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldSayNotFoundWhenReplacingAnUnknownId(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document absent = samples.next(spec);

        assertThrows(DocumentException.NotFound.class, () -> repository.replace(absent, DocumentRepository.ANY_VERSION));

        assertEquals(Optional.empty(), repository.get(absent.id()));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldDeleteOnceAndThenFindNothing(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document document = repository.insert(samples.next(spec));

        boolean first = repository.delete(document.id(), 1);
        boolean second = repository.delete(document.id(), DocumentRepository.ANY_VERSION);

        assertTrue(first);
        assertFalse(second);
        assertEquals(Optional.empty(), repository.get(document.id()));
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldListOneOwnersDocumentsNewestFirstAcrossPages(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Optional<String> shared = spec.filters().stream()
                .filter(f -> spec.uniqueKeys().stream().noneMatch(key -> key.fields().equals(List.of(f))))
                .findFirst();
        if (shared.isEmpty()) {
            // Its only filter is a unique key (users by user_id): a list finds the one document.
            Document only = repository.insert(samples.next(spec));
            String filter = spec.filters().get(0);
            assertEquals(List.of(only), repository.list(new ListQuery(Map.of(filter, only.get(filter)),
                    Optional.empty(), 10)).items());
            return;
        }
        String filter = shared.get();
        Object owner = samples.valueOf(spec.field(filter).orElseThrow());
        List<Document> mine = new ArrayList<>();
        Instant sameMoment = samples.timestamp();
        for (int i = 0; i < 5; i++) {
            // Two share one timestamp, so the id must break the tie the same way in both stores.
            Instant at = i < 2 ? sameMoment : samples.timestamp();
            mine.add(repository.insert(samples.next(spec).with(filter, owner).with(spec.orderField(), at)));
        }
        repository.insert(samples.next(spec));

        List<Document> listed = new ArrayList<>();
        Optional<ListQuery.Cursor> cursor = Optional.empty();
        int pages = 0;
        do {
            Page page = repository.list(new ListQuery(Map.of(filter, owner), cursor, 2));
            listed.addAll(page.items());
            cursor = page.next();
            pages++;
        } while (cursor.isPresent() && pages < 10);

        mine.sort(Comparator.comparing((Document d) -> (Instant) d.get(spec.orderField()))
                .thenComparing(Document::id).reversed());
        assertEquals(mine, listed);
        assertEquals(3, pages);
        assertEquals(5, repository.count(Map.of(filter, owner)));
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldScanStoredDocumentsInIdOrderFromAnyPoint(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        List<String> inserted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inserted.add(repository.insert(samples.next(spec)).id());
        }
        inserted.sort(Comparator.naturalOrder());

        List<String> scanned = new ArrayList<>();
        String after = null;
        List<Document> batch;
        do {
            batch = repository.scan(after, 3);
            batch.forEach(d -> scanned.add(d.id()));
            after = batch.isEmpty() ? after : batch.get(batch.size() - 1).id();
        } while (!batch.isEmpty());

        assertEquals(scanned.stream().sorted().toList(), scanned);
        assertTrue(scanned.containsAll(inserted));
        List<String> fromSecond = repository.scan(inserted.get(1), 1000).stream().map(Document::id).toList();
        assertFalse(fromSecond.contains(inserted.get(0)));
        assertFalse(fromSecond.contains(inserted.get(1)));
        assertTrue(fromSecond.containsAll(inserted.subList(2, 4)));
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldStreamWhatScanPagesInBatchesSmallerThanTheCollection(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        List<String> inserted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            inserted.add(repository.insert(samples.next(spec)).id());
        }
        inserted.sort(Comparator.naturalOrder());
        List<Document> paged = repository.scan(null, 100_000);

        List<Document> streamed;
        List<String> fromSecond;
        try (Stream<Document> all = repository.scanAll(null, 2);
                Stream<Document> rest = repository.scanAll(inserted.get(1), 2)) {
            streamed = all.toList();
            fromSecond = rest.map(Document::id).toList();
        }

        assertEquals(paged, streamed);
        assertEquals(paged.stream().map(Document::id).filter(id -> id.compareTo(inserted.get(1)) > 0).toList(),
                fromSecond);
        assertTrue(fromSecond.containsAll(inserted.subList(2, 5)));
    }

    @ParameterizedTest
    @MethodSource("withUniqueKeys")
    void shouldRefuseASecondDocumentWithTheSameUniqueValues(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        for (CollectionSpec.UniqueKey key : spec.uniqueKeys()) {
            Document first = repository.insert(withAllKeyValues(spec, key, samples.next(spec)));
            Document second = samples.next(spec);
            for (String field : key.fields()) {
                Object value = first.get(field);
                boolean caseInsensitive = spec.field(field).orElseThrow().type() == FieldType.CITEXT;
                second = second.with(field, caseInsensitive ? value.toString().toUpperCase(java.util.Locale.ROOT) : value);
            }
            Document clash = second;

            DocumentException.Duplicate error = assertThrows(DocumentException.Duplicate.class,
                    () -> repository.insert(clash));

            assertEquals(key.fields(), error.fields());
            assertEquals(Optional.empty(), repository.get(clash.id()));
            List<Object> lookup = key.fields().stream().map(clash::get).toList();
            assertEquals(Optional.of(first), repository.findByUnique(key, lookup));
        }
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldKeepEmbeddedElementsInOrderAndTruncateThemOnReplace(CollectionSpec spec) {
        if (spec.children().isEmpty()) {
            return;
        }
        CollectionSpec.ChildSpec children = spec.children().get();
        DocumentRepository repository = repository(spec);
        List<Document.Element> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(samples.element(children));
        }
        Document original = repository.insert(samples.next(spec).with(children.field(), four));

        Document truncated = original.with(children.field(), List.of(four.get(0), samples.element(children)))
                .withVersion(2);
        repository.replace(truncated, 1);
        Document afterTruncate = repository.get(original.id()).orElseThrow();
        Document grown = truncated.with(children.field(), four).withVersion(3);
        repository.replace(grown, 2);

        assertEquals(four, repository.get(original.id()).orElseThrow().get(children.field()));
        assertEquals(truncated, afterTruncate);
    }

    @ParameterizedTest
    @MethodSource("collections")
    void shouldNeverServeAnExpiredDocumentAndCleanItUp(CollectionSpec spec) {
        if (spec.expiresField().isEmpty()) {
            return;
        }
        String expires = spec.expiresField().get();
        DocumentRepository repository = repository(spec);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String filter = spec.filters().get(0);
        Object owner = samples.valueOf(spec.field(filter).orElseThrow());
        Document expired = repository.insert(samples.next(spec).with(filter, owner).with(expires, now.minusSeconds(60)));
        Document live = repository.insert(samples.next(spec).with(filter, owner).with(expires, now.plusSeconds(3600)));

        assertEquals(Optional.empty(), repository.get(expired.id()));
        assertEquals(Optional.of(live), repository.get(live.id()));
        assertEquals(List.of(live), repository.list(new ListQuery(Map.of(filter, owner), Optional.empty(), 10)).items());
        assertEquals(1, repository.count(Map.of(filter, owner)));
        for (CollectionSpec.UniqueKey key : spec.uniqueKeys()) {
            assertEquals(Optional.empty(), repository.findByUnique(key, key.fields().stream().map(expired::get).toList()));
        }

        int removed = repository.deleteExpired(now);

        assertTrue(removed >= 1);
        assertTrue(repository.scan(null, 100_000).stream().noneMatch(d -> d.id().equals(expired.id())));
        assertEquals(Optional.of(live), repository.get(live.id()));
    }

    /** The document with the unique-key values of {@code source}, so a replace does not clash. */
    private static Document keepUniqueValues(CollectionSpec spec, Document source, Document target) {
        Document result = target;
        for (CollectionSpec.UniqueKey key : spec.uniqueKeys()) {
            for (String field : key.fields()) {
                result = result.with(field, source.get(field));
            }
        }
        return result;
    }

    /** The document with a value for every field of {@code key}, so uniqueness applies. */
    private Document withAllKeyValues(CollectionSpec spec, CollectionSpec.UniqueKey key, Document document) {
        Document result = document;
        for (String field : key.fields()) {
            if (result.get(field) == null) {
                result = result.with(field, samples.valueOf(spec.field(field).orElseThrow()));
            }
        }
        return result;
    }

    // The secondary's writes: versions decide, tombstones keep deletes -----------------------

    @ParameterizedTest
    @MethodSource("entities")
    void shouldApplyANewerVersionAndSkipAnOlderOrEqualOne(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document first = samples.next(spec);
        Document third = keepUniqueValues(spec, first, samples.next(spec).withId(first.id()).withVersion(3));
        Document second = keepUniqueValues(spec, first, samples.next(spec).withId(first.id()).withVersion(2));
        Document thirdAgain = keepUniqueValues(spec, first, samples.next(spec).withId(first.id()).withVersion(3));

        boolean appliedFirst = repository.applyIfNewer(first);
        boolean appliedThird = repository.applyIfNewer(third);
        boolean appliedSecond = repository.applyIfNewer(second);
        boolean appliedThirdAgain = repository.applyIfNewer(thirdAgain);

        assertTrue(appliedFirst);
        assertTrue(appliedThird);
        assertFalse(appliedSecond);
        assertFalse(appliedThirdAgain);
        assertEquals(Optional.of(third), repository.get(first.id()));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldNotLetALateOlderWriteUndoADelete(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document original = samples.next(spec);
        repository.applyIfNewer(original);

        boolean deleted = repository.applyDelete(original.id(), 3);
        boolean lateWrite = repository.applyIfNewer(original.withVersion(2));
        Optional<Document> afterLateWrite = repository.get(original.id());
        boolean recreated = repository.applyIfNewer(original.withVersion(4));

        assertTrue(deleted);
        assertFalse(lateWrite);
        assertEquals(Optional.empty(), afterLateWrite);
        assertEquals(java.util.OptionalLong.of(3), repository.tombstone(original.id()));
        assertTrue(recreated);
        assertEquals(Optional.of(original.withVersion(4)), repository.get(original.id()));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldLeaveANewerDocumentAloneWhenAnOlderDeleteArrives(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document newer = samples.next(spec).withVersion(5);
        repository.applyIfNewer(newer);

        repository.applyDelete(newer.id(), 3);

        assertEquals(Optional.of(newer), repository.get(newer.id()));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldRecordADeleteAsATombstoneOneVersionOnAndKnowNoneForOtherIds(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document document = repository.insert(samples.next(spec).withVersion(2));

        repository.delete(document.id(), DocumentRepository.ANY_VERSION);

        assertEquals(java.util.OptionalLong.of(3), repository.tombstone(document.id()));
        assertEquals(java.util.OptionalLong.empty(), repository.tombstone(DocumentIds.next()));
        assertFalse(repository.applyIfNewer(document));
    }

    @ParameterizedTest
    @MethodSource("eventLogs")
    void shouldCopyAnEventOnceAndRefuseToDeleteIt(CollectionSpec spec) {
        DocumentRepository repository = repository(spec);
        Document event = samples.next(spec);
        Document repeat = samples.next(spec).withId(event.id());

        boolean first = repository.applyIfNewer(event);
        boolean second = repository.applyIfNewer(repeat);

        assertTrue(first);
        assertFalse(second);
        assertEquals(Optional.of(event), repository.get(event.id()));
        assertThrows(DocumentException.NotAllowed.class, () -> repository.applyDelete(event.id(), 2));
    }

    @ParameterizedTest
    @MethodSource("entities")
    void shouldEndAtTheNewestWriteWhateverOrderConcurrentCopiesArriveIn(CollectionSpec spec) throws Exception {
        DocumentRepository repository = repository(spec);
        Document base = samples.next(spec);
        List<Document> versions = new ArrayList<>();
        for (int version = 1; version <= 12; version++) {
            versions.add(keepUniqueValues(spec, base, samples.next(spec).withId(base.id()).withVersion(version)));
        }
        List<Document> shuffled = new ArrayList<>(versions);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        Document deletedLater = samples.next(spec);

        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> writes = new ArrayList<>();
            for (Document version : shuffled) {
                writes.add(threads.submit(() -> repository.applyIfNewer(version)));
            }
            repository.applyIfNewer(deletedLater);
            writes.add(threads.submit(() -> repository.applyDelete(deletedLater.id(), 9)));
            writes.add(threads.submit(() -> repository.applyIfNewer(deletedLater.withVersion(8))));
            writes.add(threads.submit(() -> repository.applyIfNewer(deletedLater.withVersion(2))));
            for (java.util.concurrent.Future<?> write : writes) {
                write.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertEquals(Optional.of(versions.get(11)), repository.get(base.id()));
        assertEquals(Optional.empty(), repository.get(deletedLater.id()));
        assertEquals(java.util.OptionalLong.of(9), repository.tombstone(deletedLater.id()));
    }
}
