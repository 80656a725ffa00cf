package dev.cutover.state;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of the audit trail: who changed what, when, from what to what, and why.
 *
 * @param subject  a flag name ({@code USE_POSTGRES}), {@code active_phase} or {@code pin:<collection>}
 * @param oldValue the value before; empty for a value stored for the first time
 */
public record AuditEntry(long id, Instant changedAt, String actor, String subject, Optional<String> oldValue,
        String newValue, String reason) {
}
