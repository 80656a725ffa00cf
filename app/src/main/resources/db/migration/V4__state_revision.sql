-- The global revision of the migration state every replica shares: the flags (flag_state), the
-- active phase and the pins (migration_setting). One row, bumped in the same transaction as every
-- change and its flag_audit row. Replicas poll it (one cheap query) to learn that something
-- changed; a writer locks it (SELECT ... FOR UPDATE) before reading and validating the state, so
-- two changes never interleave and no combination of them is stored unvalidated.
-- An applied migration is never edited: add a new one instead.
CREATE TABLE state_revision (
    singleton  BOOLEAN     PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    revision   BIGINT      NOT NULL CHECK (revision >= 0),
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO state_revision (revision) VALUES (0);
