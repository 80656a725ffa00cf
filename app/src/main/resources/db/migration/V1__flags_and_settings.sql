-- cutover's first migration: the extensions the schema needs, and the state that every replica
-- shares (flags, migration settings, the audit trail of changes). Collection tables follow in
-- later migrations. An applied migration is never edited: add a new one instead.

-- pgcrypto: random bytes for ids and tokens; citext: case-insensitive unique keys.
-- Both are trusted extensions, so the database owner may create them without superuser rights.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext;

-- Flag state, in the layout Togglz's JDBCStateRepository reads and writes.
CREATE TABLE flag_state (
    feature_name    VARCHAR(100)  PRIMARY KEY,
    feature_enabled INTEGER       NOT NULL,
    strategy_id     VARCHAR(200),
    strategy_params VARCHAR(2000)
);

-- Migration settings shared by all replicas, one row a setting: the active phase, and a pin per
-- collection held back by an operator. The revision grows with every change, so a replica can
-- tell in one cheap query whether anything changed since it last looked.
CREATE TABLE migration_setting (
    name       TEXT        PRIMARY KEY,
    value      TEXT        NOT NULL,
    revision   BIGINT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every change of a flag, the active phase or a pin: who, when, from what, to what and why.
CREATE TABLE flag_audit (
    id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor      TEXT        NOT NULL,
    subject    TEXT        NOT NULL,
    old_value  TEXT,
    new_value  TEXT        NOT NULL,
    reason     TEXT        NOT NULL CHECK (length(trim(reason)) > 0)
);
CREATE INDEX flag_audit_changed_at_idx ON flag_audit (changed_at DESC);
