-- Event subscriptions, and the outbox: every message that is not a direct reply (reminders
-- first) is a row here before it is sent, so a restart resumes and nothing is sent twice.

ALTER TABLE users ADD COLUMN blocked_at TEXT;  -- the person blocked the bot: send nothing more

CREATE TABLE subscriptions (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, event_id)
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL UNIQUE,            -- one row per thing to say, ever (idempotency)
    kind TEXT NOT NULL,                  -- 'reminder', ...
    payload TEXT NOT NULL,               -- JSON: what to render at sending time, never text
    due_at TEXT NOT NULL,                -- UTC, ISO 8601
    status TEXT NOT NULL DEFAULT 'pending' CHECK (
        status IN ('pending', 'sending', 'sent', 'unknown', 'missed', 'cancelled', 'blocked',
                   'failed')
    ),
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

CREATE INDEX outbox_due ON outbox (status, due_at);
