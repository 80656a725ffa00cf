-- The eighteen user-data collections as typed tables, one per collection of
-- dev.cutover.collections.Collections (table name = collection name, column name = field name),
-- plus the child table holding a conversation's messages. PostgresSchemaCatalogTest holds these
-- tables to the declarations. An applied migration is never edited: add a new one instead.
--
-- Every table follows the same layout:
--   id      TEXT COLLATE "C": the id shared with MongoDB. Byte order, so that PostgreSQL sorts
--           ids exactly as MongoDB sorts an ObjectId's hex form; backfill and verify merge both
--           stores in id order.
--   version the per-document version; a copy applies a write only if it is newer.
--   typed   columns, NOT NULL where the field is required or has a default.
--   extra   the fields the typed schema does not know, kept and returned ("nothing is dropped").
--
-- Indexes serve the API's lookups: one owner's items newest first (filter column, order column
-- DESC, id DESC, the id breaking ties the way the API's cursor does), the same unfiltered, and
-- the unique keys. References to other collections are plain indexed columns, never foreign
-- keys: while both stores are live a secondary write may arrive before the row it refers to.


-- Phase 1 ------------------------------------------------------------------------------------

-- Phase 1: one row per application user, keyed by the application's user id, with the agents
-- the user pinned or was given.
CREATE TABLE users (
    id                       TEXT COLLATE "C" PRIMARY KEY,
    version                  BIGINT      NOT NULL,
    user_id                  TEXT        NOT NULL,
    pinned_agent_ids         TEXT[]      NOT NULL,
    shared_with_me_agent_ids TEXT[]      NOT NULL,
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    extra                    JSONB       NOT NULL DEFAULT '{}',
    CONSTRAINT users_user_id_key UNIQUE (user_id)
);
CREATE INDEX users_user_id_created_at_idx ON users (user_id, created_at DESC, id DESC);
CREATE INDEX users_created_at_idx ON users (created_at DESC, id DESC);

-- Phase 1: a user's saved prompts.
CREATE TABLE prompts (
    id         TEXT COLLATE "C" PRIMARY KEY,
    version    BIGINT      NOT NULL,
    user_id    TEXT        NOT NULL,
    name       TEXT        NOT NULL,
    content    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    extra      JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX prompts_user_id_created_at_idx ON prompts (user_id, created_at DESC, id DESC);
CREATE INDEX prompts_created_at_idx ON prompts (created_at DESC, id DESC);

-- Phase 1: the tools a user configured; config and actions are nested payloads.
CREATE TABLE user_tools (
    id           TEXT COLLATE "C" PRIMARY KEY,
    version      BIGINT      NOT NULL,
    user_id      TEXT        NOT NULL,
    name         TEXT        NOT NULL,
    display_name TEXT,
    custom_name  TEXT,
    description  TEXT,
    config       JSONB       NOT NULL,
    actions      JSONB       NOT NULL,
    status       BOOLEAN     NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    extra        JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX user_tools_user_id_created_at_idx ON user_tools (user_id, created_at DESC, id DESC);
CREATE INDEX user_tools_created_at_idx ON user_tools (created_at DESC, id DESC);

-- Phase 1, event log: a like or dislike of one answer of a conversation.
CREATE TABLE feedback (
    id              TEXT COLLATE "C" PRIMARY KEY,
    version         BIGINT      NOT NULL,
    user_id         TEXT        NOT NULL,
    conversation_id TEXT        NOT NULL,
    question_index  INTEGER,
    question        TEXT,
    answer          TEXT,
    feedback        TEXT        NOT NULL,
    api_key         TEXT,
    timestamp       TIMESTAMPTZ NOT NULL,
    extra           JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX feedback_user_id_timestamp_idx ON feedback (user_id, timestamp DESC, id DESC);
CREATE INDEX feedback_conversation_id_timestamp_idx ON feedback (conversation_id, timestamp DESC, id DESC);
CREATE INDEX feedback_timestamp_idx ON feedback (timestamp DESC, id DESC);

-- Phase 1, event log: what happened during one request (activity), with its nested stacks.
CREATE TABLE stack_logs (
    id          TEXT COLLATE "C" PRIMARY KEY,
    version     BIGINT      NOT NULL,
    activity_id TEXT        NOT NULL,
    endpoint    TEXT,
    level       TEXT        NOT NULL,
    user_id     TEXT,
    api_key     TEXT,
    query       TEXT,
    stacks      JSONB       NOT NULL,
    timestamp   TIMESTAMPTZ NOT NULL,
    extra       JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX stack_logs_user_id_timestamp_idx ON stack_logs (user_id, timestamp DESC, id DESC);
CREATE INDEX stack_logs_activity_id_timestamp_idx ON stack_logs (activity_id, timestamp DESC, id DESC);
CREATE INDEX stack_logs_timestamp_idx ON stack_logs (timestamp DESC, id DESC);

-- Phase 1, event log: a user's actions, with free-form data.
CREATE TABLE user_logs (
    id        TEXT COLLATE "C" PRIMARY KEY,
    version   BIGINT      NOT NULL,
    user_id   TEXT        NOT NULL,
    action    TEXT        NOT NULL,
    data      JSONB,
    timestamp TIMESTAMPTZ NOT NULL,
    extra     JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX user_logs_user_id_timestamp_idx ON user_logs (user_id, timestamp DESC, id DESC);
CREATE INDEX user_logs_timestamp_idx ON user_logs (timestamp DESC, id DESC);

-- Phase 1, event log: tokens spent by a user or an API key, per agent.
CREATE TABLE token_usage (
    id               TEXT COLLATE "C" PRIMARY KEY,
    version          BIGINT      NOT NULL,
    user_id          TEXT,
    api_key          TEXT,
    agent_id         TEXT,
    prompt_tokens    INTEGER     NOT NULL,
    generated_tokens INTEGER     NOT NULL,
    timestamp        TIMESTAMPTZ NOT NULL,
    extra            JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX token_usage_user_id_timestamp_idx ON token_usage (user_id, timestamp DESC, id DESC);
CREATE INDEX token_usage_api_key_timestamp_idx ON token_usage (api_key, timestamp DESC, id DESC);
CREATE INDEX token_usage_agent_id_timestamp_idx ON token_usage (agent_id, timestamp DESC, id DESC);
CREATE INDEX token_usage_timestamp_idx ON token_usage (timestamp DESC, id DESC);


-- Phase 2 ------------------------------------------------------------------------------------

-- Phase 2: a user's agents. key and shared_token are CITEXT: two values differing only in case
-- clash, and a lookup finds either spelling. Any number of agents may have none (NULLs repeat).
CREATE TABLE agents (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    version              BIGINT      NOT NULL,
    user_id              TEXT        NOT NULL,
    name                 TEXT        NOT NULL,
    description          TEXT,
    image                TEXT,
    source_id            TEXT,
    source_ids           TEXT[]      NOT NULL,
    chunks               INTEGER     NOT NULL,
    retriever            TEXT        NOT NULL,
    prompt_id            TEXT        NOT NULL,
    tools                TEXT[]      NOT NULL,
    agent_type           TEXT        NOT NULL,
    status               TEXT        NOT NULL,
    key                  CITEXT,
    shared               BOOLEAN     NOT NULL,
    shared_token         CITEXT,
    shared_metadata      JSONB,
    json_schema          JSONB,
    model_id             TEXT,
    folder_id            TEXT,
    workflow_id          TEXT,
    limited_token_mode   BOOLEAN     NOT NULL,
    token_limit          INTEGER,
    limited_request_mode BOOLEAN     NOT NULL,
    request_limit        INTEGER,
    last_used_at         TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    extra                JSONB       NOT NULL DEFAULT '{}',
    CONSTRAINT agents_key_key UNIQUE (key),
    CONSTRAINT agents_shared_token_key UNIQUE (shared_token)
);
CREATE INDEX agents_user_id_created_at_idx ON agents (user_id, created_at DESC, id DESC);
CREATE INDEX agents_folder_id_created_at_idx ON agents (folder_id, created_at DESC, id DESC);
CREATE INDEX agents_created_at_idx ON agents (created_at DESC, id DESC);

-- Phase 2: a user's document sources, with their remote data and directory tree as payloads.
CREATE TABLE sources (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    version             BIGINT      NOT NULL,
    user_id             TEXT        NOT NULL,
    name                TEXT        NOT NULL,
    type                TEXT,
    language            TEXT,
    model               TEXT,
    retriever           TEXT        NOT NULL,
    sync_frequency      TEXT        NOT NULL,
    tokens              BIGINT,
    remote_data         JSONB,
    directory_structure JSONB,
    last_synced_at      TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    extra               JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX sources_user_id_created_at_idx ON sources (user_id, created_at DESC, id DESC);
CREATE INDEX sources_created_at_idx ON sources (created_at DESC, id DESC);

-- Phase 2: files a user uploaded, with their extracted content.
CREATE TABLE attachments (
    id          TEXT COLLATE "C" PRIMARY KEY,
    version     BIGINT      NOT NULL,
    user_id     TEXT        NOT NULL,
    filename    TEXT        NOT NULL,
    upload_path TEXT        NOT NULL,
    mime_type   TEXT,
    size        BIGINT,
    content     TEXT,
    token_count INTEGER,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    extra       JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX attachments_user_id_created_at_idx ON attachments (user_id, created_at DESC, id DESC);
CREATE INDEX attachments_created_at_idx ON attachments (created_at DESC, id DESC);

-- Phase 2: a tool's memory files, one per (user, tool, path).
CREATE TABLE memories (
    id         TEXT COLLATE "C" PRIMARY KEY,
    version    BIGINT      NOT NULL,
    user_id    TEXT        NOT NULL,
    tool_id    TEXT        NOT NULL,
    path       TEXT        NOT NULL,
    content    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    extra      JSONB       NOT NULL DEFAULT '{}',
    CONSTRAINT memories_user_id_tool_id_path_key UNIQUE (user_id, tool_id, path)
);
CREATE INDEX memories_user_id_created_at_idx ON memories (user_id, created_at DESC, id DESC);
CREATE INDEX memories_tool_id_created_at_idx ON memories (tool_id, created_at DESC, id DESC);
CREATE INDEX memories_created_at_idx ON memories (created_at DESC, id DESC);

-- Phase 2: a tool's to-do items, numbered per tool.
CREATE TABLE todos (
    id         TEXT COLLATE "C" PRIMARY KEY,
    version    BIGINT      NOT NULL,
    user_id    TEXT        NOT NULL,
    tool_id    TEXT        NOT NULL,
    todo_id    INTEGER     NOT NULL,
    title      TEXT        NOT NULL,
    completed  BOOLEAN     NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    extra      JSONB       NOT NULL DEFAULT '{}',
    CONSTRAINT todos_tool_id_todo_id_key UNIQUE (tool_id, todo_id)
);
CREATE INDEX todos_user_id_created_at_idx ON todos (user_id, created_at DESC, id DESC);
CREATE INDEX todos_tool_id_created_at_idx ON todos (tool_id, created_at DESC, id DESC);
CREATE INDEX todos_created_at_idx ON todos (created_at DESC, id DESC);

-- Phase 2: one note per (user, tool).
CREATE TABLE notes (
    id         TEXT COLLATE "C" PRIMARY KEY,
    version    BIGINT      NOT NULL,
    user_id    TEXT        NOT NULL,
    tool_id    TEXT        NOT NULL,
    note       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    extra      JSONB       NOT NULL DEFAULT '{}',
    CONSTRAINT notes_user_id_tool_id_key UNIQUE (user_id, tool_id)
);
CREATE INDEX notes_user_id_created_at_idx ON notes (user_id, created_at DESC, id DESC);
CREATE INDEX notes_tool_id_created_at_idx ON notes (tool_id, created_at DESC, id DESC);
CREATE INDEX notes_created_at_idx ON notes (created_at DESC, id DESC);

-- Phase 2: a user's sessions with external connectors, each with its own session token.
CREATE TABLE connector_sessions (
    id            TEXT COLLATE "C" PRIMARY KEY,
    version       BIGINT      NOT NULL,
    user_id       TEXT        NOT NULL,
    provider      TEXT        NOT NULL,
    server_url    TEXT,
    session_token TEXT        NOT NULL,
    token_info    JSONB,
    user_name     TEXT,
    expires_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    extra         JSONB       NOT NULL DEFAULT '{}',
    CONSTRAINT connector_sessions_session_token_key UNIQUE (session_token)
);
CREATE INDEX connector_sessions_user_id_created_at_idx ON connector_sessions (user_id, created_at DESC, id DESC);
CREATE INDEX connector_sessions_provider_created_at_idx ON connector_sessions (provider, created_at DESC, id DESC);
CREATE INDEX connector_sessions_created_at_idx ON connector_sessions (created_at DESC, id DESC);

-- Phase 2: the folders agents are sorted into, a tree through parent_id.
CREATE TABLE agent_folders (
    id         TEXT COLLATE "C" PRIMARY KEY,
    version    BIGINT      NOT NULL,
    user_id    TEXT        NOT NULL,
    name       TEXT        NOT NULL,
    parent_id  TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    extra      JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX agent_folders_user_id_created_at_idx ON agent_folders (user_id, created_at DESC, id DESC);
CREATE INDEX agent_folders_parent_id_created_at_idx ON agent_folders (parent_id, created_at DESC, id DESC);
CREATE INDEX agent_folders_created_at_idx ON agent_folders (created_at DESC, id DESC);


-- Phase 3 ------------------------------------------------------------------------------------

-- Phase 3: a user's conversations. Their messages (MongoDB's embedded queries[]) are rows of
-- conversation_messages below.
CREATE TABLE conversations (
    id              TEXT COLLATE "C" PRIMARY KEY,
    version         BIGINT      NOT NULL,
    user_id         TEXT        NOT NULL,
    name            TEXT,
    agent_id        TEXT,
    api_key         TEXT,
    is_shared_usage BOOLEAN     NOT NULL,
    shared_token    TEXT,
    shared_with     TEXT[]      NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    extra           JSONB       NOT NULL DEFAULT '{}',
    CONSTRAINT conversations_shared_token_key UNIQUE (shared_token)
);
CREATE INDEX conversations_user_id_created_at_idx ON conversations (user_id, created_at DESC, id DESC);
CREATE INDEX conversations_agent_id_created_at_idx ON conversations (agent_id, created_at DESC, id DESC);
CREATE INDEX conversations_created_at_idx ON conversations (created_at DESC, id DESC);

-- Phase 3: one message of a conversation per row, at its position in queries[] (from 0). The
-- messages are part of their conversation, so they go with it (the only foreign key here).
CREATE TABLE conversation_messages (
    conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position        INTEGER     NOT NULL CHECK (position >= 0),
    prompt          TEXT        NOT NULL,
    response        TEXT,
    thought         TEXT,
    sources         JSONB       NOT NULL,
    tool_calls      JSONB       NOT NULL,
    attachments     TEXT[]      NOT NULL,
    feedback        TEXT,
    model_id        TEXT,
    timestamp       TIMESTAMPTZ,
    extra           JSONB       NOT NULL DEFAULT '{}',
    PRIMARY KEY (conversation_id, position)
);

-- Phase 3: a tool call waiting for the user, one per (conversation, user); never served once
-- expires_at has passed, and removed by the expiry sweep (hence its index).
CREATE TABLE pending_tool_state (
    id              TEXT COLLATE "C" PRIMARY KEY,
    version         BIGINT      NOT NULL,
    conversation_id TEXT        NOT NULL,
    user_id         TEXT        NOT NULL,
    state           JSONB       NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    extra           JSONB       NOT NULL DEFAULT '{}',
    CONSTRAINT pending_tool_state_conversation_id_user_id_key UNIQUE (conversation_id, user_id)
);
CREATE INDEX pending_tool_state_user_id_created_at_idx ON pending_tool_state (user_id, created_at DESC, id DESC);
CREATE INDEX pending_tool_state_conversation_id_created_at_idx
    ON pending_tool_state (conversation_id, created_at DESC, id DESC);
CREATE INDEX pending_tool_state_created_at_idx ON pending_tool_state (created_at DESC, id DESC);
CREATE INDEX pending_tool_state_expires_at_idx ON pending_tool_state (expires_at);

-- Phase 3: a user's workflows: a versioned graph of nodes and edges.
CREATE TABLE workflows (
    id            TEXT COLLATE "C" PRIMARY KEY,
    version       BIGINT      NOT NULL,
    user_id       TEXT        NOT NULL,
    name          TEXT        NOT NULL,
    description   TEXT,
    graph_version INTEGER     NOT NULL,
    nodes         JSONB       NOT NULL,
    edges         JSONB       NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    extra         JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX workflows_user_id_created_at_idx ON workflows (user_id, created_at DESC, id DESC);
CREATE INDEX workflows_created_at_idx ON workflows (created_at DESC, id DESC);
