-- What `cutover backfill` keeps between runs: where each collection's copy got to, and the
-- documents it could not store. Both are written in the same transaction as the rows they
-- describe, so a backfill killed at any point resumes from exactly what was committed.
-- An applied migration is never edited: add a new one instead.

-- One row per collection: the last MongoDB _id committed, in the order the copy reads them
-- (string ids, then ObjectIds, then ids of other types), and the run's running totals.
--   id_kind      'string' or 'objectid': the range the last committed id belongs to
--   last_id      the last committed id's text form; NULL before the first batch
--   finished_at  NULL while the run is unfinished: `--resume` continues it
CREATE TABLE backfill_progress (
    collection  TEXT        PRIMARY KEY,
    id_kind     TEXT,
    last_id     TEXT COLLATE "C",
    seen        BIGINT      NOT NULL DEFAULT 0,
    inserted    BIGINT      NOT NULL DEFAULT 0,
    updated     BIGINT      NOT NULL DEFAULT 0,
    unchanged   BIGINT      NOT NULL DEFAULT 0,
    rejected    BIGINT      NOT NULL DEFAULT 0,
    seconds     DOUBLE PRECISION NOT NULL DEFAULT 0,
    started_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);

-- The documents of the current run that could not be stored, with the reason; the rejects file
-- is written from here at the end of a run. One row per (collection, id), so a batch replayed
-- after a crash lists each document once.
--   document  the MongoDB document as relaxed Extended JSON, cut to its first 10,000 characters
CREATE TABLE backfill_rejects (
    collection TEXT             NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    reason     TEXT             NOT NULL,
    document   TEXT             NOT NULL,
    PRIMARY KEY (collection, id)
);
