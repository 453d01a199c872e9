-- People who agreed to be stored, their answers and where they are in the conversation.
-- Nothing is stored before consent; erasing a user deletes every row through the cascade.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,               -- 'telegram' or 'console'
    external_id TEXT NOT NULL,           -- the channel's user id (never a name)
    language TEXT,
    consented_at TEXT NOT NULL,          -- UTC, ISO 8601
    created_at TEXT NOT NULL,
    UNIQUE (channel, external_id)
);

CREATE TABLE profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    age INTEGER,
    status TEXT,
    german_level TEXT,
    place TEXT,
    interests TEXT NOT NULL DEFAULT '[]',  -- JSON list of interest keys
    updated_at TEXT NOT NULL
);

CREATE TABLE conversation_state (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    step TEXT,                            -- NULL: no question open
    history TEXT NOT NULL DEFAULT '[]',   -- JSON list of step ids, for Back
    pending TEXT NOT NULL DEFAULT '{}',   -- JSON object: what the open step waits on
    return_to TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

-- Group chats told once that Lotse works in private chats only (a chat id, not a person).
CREATE TABLE group_notices (
    chat_id TEXT PRIMARY KEY,
    noticed_at TEXT NOT NULL
);
