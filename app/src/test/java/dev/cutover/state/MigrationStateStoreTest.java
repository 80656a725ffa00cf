package dev.cutover.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.CutoverException;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.DocumentException;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.FlagState;
import dev.cutover.flags.MigrationState;
import dev.cutover.flags.Phase;
import dev.cutover.flags.Stage;
import dev.cutover.postgres.PostgresBootstrap;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import dev.cutover.service.CutoverService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.togglz.core.manager.FeatureManager;
import org.togglz.core.repository.FeatureState;

/** The stored migration state on real stores: first-boot seeding, validated atomic changes, Togglz's view. */
class MigrationStateStoreTest {

    @Test
    void shouldStoreTheEnvironmentDefaultsAtTheFirstBootOnlyEachWithAnAuditRow() {
        PostgresUri database = TestStores.freshDatabase();
        String mongo = TestStores.mongo();

        MigrationState first;
        try (CutoverService service = CutoverService.start(TestStores.settings(database, mongo,
                Map.of("USE_POSTGRES", "true", "MIGRATION_PHASE", "2")), "test")) {
            first = store(service).current();
        }
        MigrationState second;
        long revision;
        try (CutoverService service = CutoverService.start(TestStores.settings(database, mongo,
                Map.of("USE_POSTGRES", "false", "MIGRATION_PHASE", "3")), "test")) {
            second = store(service).current();
            revision = store(service).snapshot().revision();
        }

        MigrationState expected = new MigrationState(FlagState.ALL_OFF.with(CutoverFeature.USE_POSTGRES, true),
                Phase.of(2), Map.of());
        assertEquals(expected, first);
        assertEquals(expected, second);
        assertEquals(1L, revision);
        assertEquals(5L, TestStores.adminQuery(database.database(), "SELECT count(*) FROM flag_audit "
                + "WHERE actor = 'environment' AND reason = 'default at first boot' AND old_value IS NULL"));
        assertEquals(5L, TestStores.adminQuery(database.database(), "SELECT count(*) FROM flag_audit"));
    }

    @Test
    void shouldStoreEachDefaultOnceWhenFourReplicasBootTogether() throws Exception {
        PostgresUri database = TestStores.freshDatabase();
        new PostgresBootstrap(Duration.ofSeconds(5)).ensureDatabase(database, true);
        new SchemaMigrator(database).migrate();
        String mongo = TestStores.mongo();
        ExecutorService boots = Executors.newFixedThreadPool(4);
        List<CutoverService> started = new ArrayList<>();
        try {
            List<Future<CutoverService>> replicas = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<CutoverService> boot = () -> CutoverService.start(
                        TestStores.settings(database, mongo, Map.of("USE_POSTGRES", "true")), "test");
                replicas.add(boots.submit(boot));
            }
            for (Future<CutoverService> replica : replicas) {
                started.add(replica.get());
            }

            for (CutoverService replica : started) {
                assertTrue(store(replica).current().flags().usePostgres());
                assertEquals(1L, store(replica).snapshot().revision());
            }
            assertEquals(5L, TestStores.adminQuery(database.database(), "SELECT count(*) FROM flag_audit"));
            assertEquals(4L, TestStores.adminQuery(database.database(), "SELECT count(*) FROM flag_state"));
        } finally {
            started.forEach(CutoverService::close);
            boots.shutdownNow();
        }
    }

    @Test
    void shouldRefuseToStartWhenTheFirstBootDefaultsBreakTheRules() {
        PostgresUri database = TestStores.freshDatabase();

        CutoverException error = assertThrows(CutoverException.class, () -> CutoverService.start(
                TestStores.settings(database, TestStores.mongo(), Map.of("READ_POSTGRES", "true")), "test"));

        assertTrue(error.getMessage().contains("READ_POSTGRES needs USE_POSTGRES"), error.getMessage());
        assertEquals(0L, TestStores.adminQuery(database.database(), "SELECT count(*) FROM flag_audit"));
    }

    @Test
    void shouldWriteAFlagItsAuditRowAndTheNextRevisionTogether() {
        PostgresUri database = TestStores.freshDatabase();
        try (CutoverService service = CutoverService.start(
                TestStores.settings(database, TestStores.mongo(), Map.of()), "test")) {
            MigrationStateStore store = store(service);

            ChangeResult result = store.setFlag(CutoverFeature.USE_POSTGRES, true, "ops", "dual-write phase 1");

            assertTrue(result.changed());
            assertEquals(2L, result.snapshot().revision());
            assertEquals(Stage.DUAL_WRITE, store.stageOf(Collections.USERS));
            assertEquals(Stage.MONGO_ONLY, store.stageOf(Collections.AGENTS));
            assertEquals(2L, TestStores.adminQuery(database.database(), "SELECT revision FROM state_revision"));
            assertEquals("ops USE_POSTGRES false true dual-write phase 1", TestStores.adminQuery(database.database(),
                    "SELECT concat_ws(' ', actor, subject, old_value, new_value, reason) FROM flag_audit "
                            + "ORDER BY id DESC LIMIT 1"));
        }
    }

    @Test
    void shouldRefuseABrokenCombinationOrABlankReasonAndWriteNothing() {
        PostgresUri database = TestStores.freshDatabase();
        try (CutoverService service = CutoverService.start(
                TestStores.settings(database, TestStores.mongo(), Map.of()), "test")) {
            MigrationStateStore store = store(service);

            ChangeRefusedException refused = assertThrows(ChangeRefusedException.class,
                    () -> store.setFlag(CutoverFeature.READ_POSTGRES, true, "ops", "read cutover"));
            ChangeRefusedException stranded = assertThrows(ChangeRefusedException.class,
                    () -> store.pin("nowhere", Optional.of(Stage.DUAL_WRITE), "ops", "typo"));
            assertThrows(DocumentException.Invalid.class,
                    () -> store.setActivePhase(Phase.of(2), "ops", " "));

            assertTrue(refused.getMessage().startsWith("READ_POSTGRES needs USE_POSTGRES"), refused.getMessage());
            assertEquals("READ_POSTGRES", refused.subject());
            assertTrue(stranded.getMessage().contains("no collection named 'nowhere'"), stranded.getMessage());
            assertEquals(1L, store.snapshot().revision());
            assertEquals(1L, TestStores.adminQuery(database.database(), "SELECT revision FROM state_revision"));
            assertEquals(5L, TestStores.adminQuery(database.database(), "SELECT count(*) FROM flag_audit"));
            assertEquals(0L, TestStores.adminQuery(database.database(),
                    "SELECT count(*) FROM flag_state WHERE feature_enabled <> 0"));
        }
    }

    /**
     * From USE_POSTGRES on, READ_POSTGRES off, one admin turns USE_POSTGRES off while another turns
     * READ_POSTGRES on, each on its own replica. Each change is valid alone; together they would
     * leave READ_POSTGRES without USE_POSTGRES. Exactly one must win, every time.
     */
    @Test
    void shouldNeverStoreABrokenCombinationWhenTwoReplicasChangeFlagsAtOnce() throws Exception {
        PostgresUri database = TestStores.freshDatabase();
        String mongo = TestStores.mongo();
        ExecutorService admins = Executors.newFixedThreadPool(2);
        try (CutoverService a = CutoverService.start(TestStores.settings(database, mongo, Map.of()), "test");
                CutoverService b = CutoverService.start(TestStores.settings(database, mongo, Map.of()), "test")) {
            for (int round = 0; round < 25; round++) {
                store(a).setFlag(CutoverFeature.READ_POSTGRES, false, "test", "reset round " + round);
                store(a).setFlag(CutoverFeature.USE_POSTGRES, true, "test", "reset round " + round);
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Boolean> dualWriteOff = admins.submit(() -> {
                    together.await();
                    return succeeds(() -> store(a).setFlag(CutoverFeature.USE_POSTGRES, false, "alice", "roll back"));
                });
                Future<Boolean> readOn = admins.submit(() -> {
                    together.await();
                    return succeeds(() -> store(b).setFlag(CutoverFeature.READ_POSTGRES, true, "bob", "read cutover"));
                });

                boolean first = dualWriteOff.get();
                boolean second = readOn.get();

                assertTrue(first ^ second, "round " + round + ": exactly one change must win, but "
                        + (first ? "both did" : "neither did"));
                Object broken = TestStores.adminQuery(database.database(), "SELECT count(*) FROM flag_state r "
                        + "JOIN flag_state u ON u.feature_name = 'USE_POSTGRES' "
                        + "WHERE r.feature_name = 'READ_POSTGRES' AND r.feature_enabled = 1 AND u.feature_enabled = 0");
                assertEquals(0L, broken, "round " + round);
            }
        } finally {
            admins.shutdownNow();
        }
    }

    @Test
    void shouldAnswerThroughTogglzExactlyAsTheStateHeld() {
        try (CutoverService service = CutoverService.start(
                TestStores.settings(TestStores.freshDatabase(), TestStores.mongo(), Map.of()), "test")) {
            MigrationStateStore store = store(service);
            FeatureManager features = service.context().getBean(FeatureManager.class);
            boolean before = features.isActive(CutoverFeature.USE_POSTGRES);

            store.setFlag(CutoverFeature.USE_POSTGRES, true, "ops", "dual-write");
            store.setFlag(CutoverFeature.READ_POSTGRES, true, "ops", "read cutover");

            assertFalse(before);
            for (CutoverFeature feature : CutoverFeature.values()) {
                assertEquals(store.current().flags().isOn(feature), features.isActive(feature), feature.name());
            }
            assertTrue(features.isActive(CutoverFeature.READ_POSTGRES));
            assertThrows(UnsupportedOperationException.class,
                    () -> features.setFeatureState(new FeatureState(CutoverFeature.MONGO_OFF, true)));
        }
    }

    private static boolean succeeds(Runnable change) {
        try {
            change.run();
            return true;
        } catch (ChangeRefusedException e) {
            return false;
        }
    }

    static MigrationStateStore store(CutoverService service) {
        return service.context().getBean(MigrationStateStore.class);
    }
}
