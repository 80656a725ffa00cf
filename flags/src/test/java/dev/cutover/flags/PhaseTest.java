package dev.cutover.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhaseTest {

    @Test
    void shouldActivateCollectionsAtOrBelowTheActivePhase() {
        Phase active = Phase.of(2);

        assertTrue(Phase.of(1).isActiveUnder(active));
        assertTrue(Phase.of(2).isActiveUnder(active));
        assertFalse(Phase.of(3).isActiveUnder(active));
        assertFalse(Phase.of(1).isActiveUnder(Phase.of(0)));
    }

    @Test
    void shouldRejectAPhaseOutOfRangeNamingWhatCame() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> Phase.of(4));

        assertEquals("phase must be between 0 and 3, but was 4", error.getMessage());
    }
}
