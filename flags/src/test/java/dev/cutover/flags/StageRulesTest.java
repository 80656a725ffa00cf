package dev.cutover.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StageRulesTest {

    private static final Map<String, Phase> COLLECTIONS = Map.of(
            "users", Phase.of(1), "agents", Phase.of(2), "conversations", Phase.of(3));

    @ParameterizedTest
    @CsvSource({
        "false, false, false, false, MONGO_ONLY",
        "true,  false, false, false, DUAL_WRITE",
        "true,  true,  false, false, READ_POSTGRES",
        "true,  true,  true,  false, POSTGRES_PRIMARY",
        "true,  true,  true,  true,  POSTGRES_ONLY"})
    void shouldGiveEachAllowedFlagCombinationItsStage(boolean use, boolean read, boolean primary, boolean off,
            Stage expected) {
        FlagState flags = new FlagState(use, read, primary, off);

        assertEquals(Optional.empty(), flags.problem());
        assertEquals(expected, flags.stage());
    }

    @ParameterizedTest
    @CsvSource({
        "false, true,  false, false, READ_POSTGRES needs USE_POSTGRES",
        "true,  false, true,  false, POSTGRES_PRIMARY needs READ_POSTGRES",
        "true,  true,  false, true,  MONGO_OFF needs POSTGRES_PRIMARY"})
    void shouldRefuseAFlagWithoutTheOneBeforeItAndSayWhy(boolean use, boolean read, boolean primary, boolean off,
            String reason) {
        FlagState flags = new FlagState(use, read, primary, off);

        assertTrue(flags.problem().orElseThrow().startsWith(reason), flags.problem().orElseThrow());
    }

    @Test
    void shouldKeepCollectionsOfInactivePhasesOnMongoWhateverTheFlags() {
        MigrationState state = new MigrationState(new FlagState(true, true, false, false), Phase.of(2), Map.of());

        assertEquals(Stage.READ_POSTGRES, state.stageOf("users", Phase.of(1)));
        assertEquals(Stage.READ_POSTGRES, state.stageOf("agents", Phase.of(2)));
        assertEquals(Stage.MONGO_ONLY, state.stageOf("conversations", Phase.of(3)));
    }

    @Test
    void shouldHoldAPinnedCollectionBackWhileTheRestOfItsPhaseMovesOn() {
        MigrationState state = new MigrationState(new FlagState(true, true, true, false), Phase.of(3),
                Map.of("conversations", Stage.DUAL_WRITE));

        assertEquals(Stage.DUAL_WRITE, state.stageOf("conversations", Phase.of(3)));
        assertEquals(Stage.POSTGRES_PRIMARY, state.stageOf("users", Phase.of(1)));
        assertEquals(Stage.MONGO_ONLY, state.withActivePhase(Phase.of(0)).stageOf("conversations", Phase.of(3)));
    }

    @Test
    void shouldRefuseMongoOffWhileAnyCollectionStillNeedsMongo() {
        FlagState off = new FlagState(true, true, true, true);

        Optional<String> inactivePhase = new MigrationState(off, Phase.of(2), Map.of()).problem(COLLECTIONS);
        Optional<String> pinned = new MigrationState(off, Phase.of(3), Map.of("agents", Stage.READ_POSTGRES))
                .problem(COLLECTIONS);
        Optional<String> allMoved = new MigrationState(off, Phase.of(3), Map.of()).problem(COLLECTIONS);

        assertEquals("MONGO_OFF would strand conversations, which is at MONGO_ONLY and still needs MongoDB "
                + "(phase 3 is not active)", inactivePhase.orElseThrow());
        assertEquals("MONGO_OFF would strand agents, which is at READ_POSTGRES and still needs MongoDB (pinned)",
                pinned.orElseThrow());
        assertFalse(allMoved.isPresent());
    }

    @Test
    void shouldRefuseAPinOfAnUnknownCollection() {
        MigrationState state = new MigrationState(FlagState.ALL_OFF, Phase.of(1), Map.of("recipes", Stage.MONGO_ONLY));

        assertEquals("there is no collection named 'recipes' to pin; the collections are [agents, conversations, users]",
                state.problem(COLLECTIONS).orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({
        "MONGO_ONLY, MONGO, , MONGO",
        "DUAL_WRITE, MONGO, POSTGRES, MONGO",
        "READ_POSTGRES, MONGO, POSTGRES, POSTGRES",
        "POSTGRES_PRIMARY, POSTGRES, MONGO, POSTGRES",
        "POSTGRES_ONLY, POSTGRES, , POSTGRES"})
    void shouldWriteTheSourceOfTruthFirstAndReadFromTheDesignedStore(Stage stage, Store primary, Store secondary,
            Store reads) {
        assertEquals(primary, stage.primary());
        assertEquals(Optional.ofNullable(secondary), stage.secondary());
        assertEquals(reads, stage.reads());
    }
}
