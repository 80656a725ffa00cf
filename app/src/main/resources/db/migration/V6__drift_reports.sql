-- The latest comparison of each collection between the two stores, one row per collection and
-- source: the service's scheduled reconciler ('reconciler') or the verify command ('verify').
-- Every replica reads these rows, so GET /admin/status and the exported drift figures are the same
-- whichever replica ran the comparison. An applied migration is never edited: add a new one.
--   checked_at           when the comparison finished
--   seconds              how long it took
--   mongo_documents      documents MongoDB held (expired ones left out); postgres_documents alike
--   missing_in_postgres  ids MongoDB held and PostgreSQL did not, still so when read again;
--                        missing_in_mongo and differing (both held, with other content) alike
--   sample_ids           the first few of those ids, in id order: ids only, never a stored value
CREATE TABLE drift_reports (
    collection          TEXT             NOT NULL,
    source              TEXT             NOT NULL CHECK (source IN ('reconciler', 'verify')),
    checked_at          TIMESTAMPTZ      NOT NULL,
    seconds             DOUBLE PRECISION NOT NULL,
    mongo_documents     BIGINT           NOT NULL,
    postgres_documents  BIGINT           NOT NULL,
    missing_in_postgres BIGINT           NOT NULL,
    missing_in_mongo    BIGINT           NOT NULL,
    differing           BIGINT           NOT NULL,
    sample_ids          TEXT[]           NOT NULL,
    PRIMARY KEY (collection, source)
);
