-- What keeps the two stores converging while both are live: the deletes PostgreSQL has seen
-- (tombstones) and the ids whose copy in the other store may be behind (the repair queue).
-- An applied migration is never edited: add a new one instead.

-- One row per deleted document: the version at which it was deleted here. A delete is a write
-- with a version of its own (the deleted document's version plus one, or the version the source
-- of truth gave it), so a copy of an older write arriving late, out of order, is recognised and
-- skipped instead of bringing the document back. Keyed like the collection tables (id in byte
-- order); deleted_at says when the version was last raised, for pruning old tombstones.
CREATE TABLE tombstones (
    collection TEXT             NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    version    BIGINT           NOT NULL,
    deleted_at TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (collection, id)
);

-- The ids whose copy in MongoDB may be behind because a secondary write failed or was skipped,
-- kept here, in the store that was written, so that a replica dying loses none. One entry per
-- (collection, id) however often it is added; a worker claims due entries for a lease and copies
-- the current state of each.
--   reason       why it was added last (timeout, circuit open, ...), for metrics and the admin API
--   attempts     failed repairs so far
--   enqueued_at  when the entry was first added; the queue is drained oldest first
--   due_at       when the entry may next be claimed (later after a failed repair)
--   lease_token  the claim holding the entry, until lease_until; an expired lease is free again
--   generation   grows with every add, so a repair that finishes after the id was added again
--                leaves the entry in place (the claim remembers the generation it saw)
--   last_error   what the last failed repair said
CREATE TABLE repair_queue (
    collection  TEXT             NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    reason      TEXT             NOT NULL,
    attempts    INTEGER          NOT NULL DEFAULT 0,
    enqueued_at TIMESTAMPTZ      NOT NULL,
    due_at      TIMESTAMPTZ      NOT NULL,
    lease_token TEXT,
    lease_until TIMESTAMPTZ,
    generation  BIGINT           NOT NULL DEFAULT 1,
    last_error  TEXT,
    PRIMARY KEY (collection, id)
);
-- Claiming finds the due entries; depth and age (the oldest entry) are exported as metrics.
CREATE INDEX repair_queue_due_at_idx ON repair_queue (due_at);
CREATE INDEX repair_queue_enqueued_at_idx ON repair_queue (enqueued_at);
