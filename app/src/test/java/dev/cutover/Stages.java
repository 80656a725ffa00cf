package dev.cutover;

import dev.cutover.collections.Collections;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.Phase;
import dev.cutover.flags.Stage;
import dev.cutover.service.CutoverService;
import dev.cutover.state.MigrationStateStore;

/** Moves a running service's collections through the stages, as an operator would. */
public final class Stages {

    private Stages() {
    }

    /** Every collection to POSTGRES_ONLY: all phases active, every flag on in order. */
    public static void postgresOnly(CutoverService service) {
        MigrationStateStore state = service.context().getBean(MigrationStateStore.class);
        state.setActivePhase(Phase.of(Phase.LAST), "test", "every phase moves");
        for (CutoverFeature feature : CutoverFeature.values()) {
            state.setFlag(feature, true, "test", "move every collection to PostgreSQL only");
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (state.stageOf(Collections.CONVERSATIONS) != Stage.POSTGRES_ONLY) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the service did not reach POSTGRES_ONLY");
            }
            Thread.onSpinWait();
        }
    }
}
