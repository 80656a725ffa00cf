package dev.cutover.collections;

import static dev.cutover.document.Field.bigint;
import static dev.cutover.document.Field.bool;
import static dev.cutover.document.Field.citext;
import static dev.cutover.document.Field.integer;
import static dev.cutover.document.Field.json;
import static dev.cutover.document.Field.text;
import static dev.cutover.document.Field.textArray;
import static dev.cutover.document.Field.timestamp;

import dev.cutover.document.CollectionSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The eighteen user-data collections, in the order an operator moves them. Each declaration is
 * the collection's whole typed schema: fields with their rules and legacy MongoDB names, unique
 * keys, the fields a list may filter on, and its particular traits. The PostgreSQL tables in
 * {@code db/migration} match these declarations, and a test holds them to it.
 */
public final class Collections {

    private static final int ID_LENGTH = 128;
    private static final int NAME_LENGTH = 256;

    private Collections() {
    }

    // Phase 1 -----------------------------------------------------------------------------------

    public static final CollectionSpec USERS = CollectionSpec.entity("users", 1)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("userId", "user"),
                    textArray("pinned_agent_ids").alias("agent_preferences.pinned"),
                    textArray("shared_with_me_agent_ids").alias("agent_preferences.shared_with_me"))
            .unique("user_id")
            .filterBy("user_id")
            .build();

    public static final CollectionSpec PROMPTS = CollectionSpec.entity("prompts", 1)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("name").required().maxLength(NAME_LENGTH),
                    text("content").required())
            .filterBy("user_id")
            .build();

    public static final CollectionSpec USER_TOOLS = CollectionSpec.entity("user_tools", 1)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("name").required().maxLength(NAME_LENGTH),
                    text("display_name").maxLength(NAME_LENGTH).alias("displayName"),
                    text("custom_name").maxLength(NAME_LENGTH).alias("customName"),
                    text("description"),
                    json("config").withDefault(Map.of()),
                    json("actions").withDefault(List.of()),
                    bool("status").withDefault(true))
            .filterBy("user_id")
            .build();

    public static final CollectionSpec FEEDBACK = CollectionSpec.eventLog("feedback", 1)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("conversation_id").required().maxLength(ID_LENGTH).alias("conversationId"),
                    integer("question_index").nonNegative().alias("questionIndex"),
                    text("question"),
                    text("answer"),
                    text("feedback").required().oneOf("like", "dislike"),
                    text("api_key").maxLength(NAME_LENGTH).alias("apiKey"))
            .filterBy("user_id", "conversation_id")
            .build();

    public static final CollectionSpec STACK_LOGS = CollectionSpec.eventLog("stack_logs", 1)
            .fields(
                    text("activity_id").required().maxLength(ID_LENGTH).alias("activityId"),
                    text("endpoint").maxLength(NAME_LENGTH),
                    text("level").oneOf("debug", "info", "warning", "error", "critical").withDefault("info"),
                    text("user_id").maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("api_key").maxLength(NAME_LENGTH).alias("apiKey"),
                    text("query"),
                    json("stacks").withDefault(List.of()))
            .filterBy("user_id", "activity_id")
            .build();

    public static final CollectionSpec USER_LOGS = CollectionSpec.eventLog("user_logs", 1)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("action").required().maxLength(NAME_LENGTH).alias("endpoint"),
                    json("data"))
            .filterBy("user_id")
            .build();

    public static final CollectionSpec TOKEN_USAGE = CollectionSpec.eventLog("token_usage", 1)
            .fields(
                    text("user_id").maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("api_key").maxLength(NAME_LENGTH).alias("apiKey"),
                    text("agent_id").maxLength(ID_LENGTH).alias("agentId"),
                    integer("prompt_tokens").nonNegative().withDefault(0L).alias("promptTokens"),
                    integer("generated_tokens").nonNegative().withDefault(0L).alias("generatedTokens"))
            .requireOneOf("user_id", "api_key")
            .filterBy("user_id", "api_key", "agent_id")
            .build();

    // Phase 2 -----------------------------------------------------------------------------------

    public static final CollectionSpec AGENTS = CollectionSpec.entity("agents", 2)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("name").required().maxLength(NAME_LENGTH),
                    text("description"),
                    text("image"),
                    text("source_id").maxLength(ID_LENGTH).alias("source"),
                    textArray("source_ids").alias("sources"),
                    integer("chunks").range(0, 1000).withDefault(2L),
                    text("retriever").maxLength(NAME_LENGTH).withDefault("classic"),
                    text("prompt_id").maxLength(ID_LENGTH).withDefault("default").alias("promptId"),
                    textArray("tools"),
                    text("agent_type").oneOf("classic", "react", "agentic", "research", "workflow")
                            .withDefault("classic").alias("agentType"),
                    text("status").oneOf("draft", "published").withDefault("draft"),
                    citext("key").maxLength(NAME_LENGTH),
                    bool("shared").withDefault(false).alias("shared_publicly"),
                    citext("shared_token").maxLength(NAME_LENGTH).alias("sharedToken"),
                    json("shared_metadata"),
                    json("json_schema"),
                    text("model_id").maxLength(NAME_LENGTH).alias("default_model_id"),
                    text("folder_id").maxLength(ID_LENGTH).alias("folderId"),
                    text("workflow_id").maxLength(ID_LENGTH).alias("workflowId", "workflow"),
                    bool("limited_token_mode").withDefault(false),
                    integer("token_limit").nonNegative(),
                    bool("limited_request_mode").withDefault(false),
                    integer("request_limit").nonNegative(),
                    timestamp("last_used_at").alias("lastUsedAt"))
            .unique("key")
            .unique("shared_token")
            .filterBy("user_id", "folder_id")
            .build();

    public static final CollectionSpec SOURCES = CollectionSpec.entity("sources", 2)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("name").required().maxLength(512),
                    text("type").maxLength(NAME_LENGTH),
                    text("language").maxLength(64),
                    text("model").maxLength(NAME_LENGTH),
                    text("retriever").maxLength(NAME_LENGTH).withDefault("classic"),
                    text("sync_frequency").oneOf("never", "daily", "weekly", "monthly").withDefault("never")
                            .alias("syncFrequency"),
                    bigint("tokens").nonNegative(),
                    json("remote_data").alias("remoteData"),
                    json("directory_structure"),
                    timestamp("last_synced_at").alias("date"))
            .filterBy("user_id")
            .build();

    public static final CollectionSpec ATTACHMENTS = CollectionSpec.entity("attachments", 2)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("filename").required().maxLength(1024),
                    text("upload_path").required().alias("path", "uploadPath"),
                    text("mime_type").maxLength(NAME_LENGTH).alias("mimeType"),
                    bigint("size").nonNegative(),
                    text("content"),
                    integer("token_count").nonNegative().alias("tokenCount"))
            .filterBy("user_id")
            .build();

    public static final CollectionSpec MEMORIES = CollectionSpec.entity("memories", 2)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("tool_id").required().maxLength(ID_LENGTH).alias("toolId"),
                    // Part of a unique key: kept well inside PostgreSQL's B-tree entry limit (about 2.7 kB).
                    text("path").required().maxLength(1024),
                    text("content").withDefault(""))
            .unique("user_id", "tool_id", "path")
            .filterBy("user_id", "tool_id")
            .build();

    public static final CollectionSpec TODOS = CollectionSpec.entity("todos", 2)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("tool_id").required().maxLength(ID_LENGTH).alias("toolId"),
                    integer("todo_id").required().nonNegative().alias("todoId"),
                    text("title").required(),
                    bool("completed").withDefault(false))
            .unique("tool_id", "todo_id")
            .filterBy("user_id", "tool_id")
            .build();

    public static final CollectionSpec NOTES = CollectionSpec.entity("notes", 2)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("tool_id").required().maxLength(ID_LENGTH).alias("toolId"),
                    text("note").required().alias("content"))
            .unique("user_id", "tool_id")
            .filterBy("user_id", "tool_id")
            .build();

    public static final CollectionSpec CONNECTOR_SESSIONS = CollectionSpec.entity("connector_sessions", 2)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("provider").required().maxLength(NAME_LENGTH),
                    text("server_url").alias("serverUrl"),
                    text("session_token").required().maxLength(512).alias("sessionToken"),
                    json("token_info").alias("tokenInfo"),
                    text("user_name").maxLength(NAME_LENGTH).alias("userName"),
                    timestamp("expires_at").alias("expiresAt"))
            .unique("session_token")
            .filterBy("user_id", "provider")
            .build();

    public static final CollectionSpec AGENT_FOLDERS = CollectionSpec.entity("agent_folders", 2)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("name").required().maxLength(NAME_LENGTH),
                    text("parent_id").maxLength(ID_LENGTH).alias("parentId", "parent"))
            .filterBy("user_id", "parent_id")
            .build();

    // Phase 3 -----------------------------------------------------------------------------------

    public static final CollectionSpec CONVERSATIONS = CollectionSpec.entity("conversations", 3)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("name").maxLength(1024).alias("title"),
                    text("agent_id").maxLength(ID_LENGTH).alias("agentId"),
                    text("api_key").maxLength(NAME_LENGTH).alias("apiKey"),
                    bool("is_shared_usage").withDefault(false).alias("isSharedUsage"),
                    text("shared_token").maxLength(NAME_LENGTH).alias("sharedToken"),
                    textArray("shared_with").alias("sharedWith"))
            .children("queries", "conversation_messages", "conversation_id",
                    text("prompt").required(),
                    text("response"),
                    text("thought"),
                    json("sources").withDefault(List.of()),
                    json("tool_calls").withDefault(List.of()).alias("toolCalls"),
                    textArray("attachments"),
                    text("feedback").oneOf("like", "dislike"),
                    text("model_id").maxLength(NAME_LENGTH).alias("modelId"),
                    timestamp("timestamp"))
            .unique("shared_token")
            .filterBy("user_id", "agent_id")
            .build();

    public static final CollectionSpec PENDING_TOOL_STATE = CollectionSpec.entity("pending_tool_state", 3)
            .fields(
                    text("conversation_id").required().maxLength(ID_LENGTH).alias("conversationId"),
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    json("state").required(),
                    timestamp("expires_at").required().alias("expiresAt"))
            .unique("conversation_id", "user_id")
            .expiresAt("expires_at")
            .filterBy("user_id", "conversation_id")
            .build();

    public static final CollectionSpec WORKFLOWS = CollectionSpec.entity("workflows", 3)
            .fields(
                    text("user_id").required().maxLength(NAME_LENGTH).alias("user", "userId"),
                    text("name").required().maxLength(NAME_LENGTH),
                    text("description"),
                    integer("graph_version").nonNegative().withDefault(1L).alias("graphVersion"),
                    json("nodes").withDefault(List.of()),
                    json("edges").withDefault(List.of()))
            .filterBy("user_id")
            .build();

    /** All eighteen, by phase. */
    public static final List<CollectionSpec> ALL = List.of(
            USERS, PROMPTS, USER_TOOLS, FEEDBACK, STACK_LOGS, USER_LOGS, TOKEN_USAGE,
            AGENTS, SOURCES, ATTACHMENTS, MEMORIES, TODOS, NOTES, CONNECTOR_SESSIONS, AGENT_FOLDERS,
            CONVERSATIONS, PENDING_TOOL_STATE, WORKFLOWS);

    public static Optional<CollectionSpec> named(String name) {
        return ALL.stream().filter(spec -> spec.name().equals(name)).findFirst();
    }
}
