-- Broadcasts (issue 15): news from a coordinator to a segment of the district's young people,
-- sent through the outbox (one row per recipient, made when sending starts), never twice.

CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    district TEXT NOT NULL,
    created_by TEXT NOT NULL,             -- 'staff:<id>' (who composed it)
    author_channel TEXT NOT NULL,         -- where progress and the report go
    author_id TEXT NOT NULL,
    segment TEXT NOT NULL,                -- JSON: places, age bands, papers, levels, ...
    base_language TEXT NOT NULL,
    texts TEXT NOT NULL,                  -- JSON {language: text}; never logged
    link TEXT NOT NULL DEFAULT '',        -- 'offer:HE-001' or 'event:EV-HE-002'
    status TEXT NOT NULL CHECK (
        status IN ('draft', 'scheduled', 'sending', 'paused', 'cancelled', 'done', 'withdrawn')
    ),
    send_at TEXT,                         -- UTC; NULL: not scheduled
    expires_hours INTEGER NOT NULL DEFAULT 48,
    started_at TEXT,
    finished_at TEXT,
    progress_message TEXT,                -- the author's progress message (edited live)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX broadcasts_district ON broadcasts (district, created_at);
CREATE INDEX broadcasts_due ON broadcasts (status, send_at);

-- The outbox learns broadcasts: the broadcast a row belongs to, when it expires, the
-- Telegram message id (to withdraw it), and the statuses 'paused', 'expired', 'skipped'.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    due_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (
        status IN ('pending', 'sending', 'sent', 'unknown', 'missed', 'cancelled', 'blocked',
                   'failed', 'paused', 'expired', 'skipped')
    ),
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    broadcast_id INTEGER REFERENCES broadcasts (id) ON DELETE CASCADE,
    expires_at TEXT,
    message_id TEXT,
    UNIQUE (user_id, key)
);
INSERT INTO outbox_new (id, user_id, key, topic, kind, payload, due_at, status, attempts,
                        updated_at)
SELECT id, user_id, key, topic, kind, payload, due_at, status, attempts, updated_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_topic ON outbox (user_id, topic, status);
CREATE INDEX outbox_broadcast ON outbox (broadcast_id, status);

-- "News from your district" in /profile: on unless the person turns it off.
ALTER TABLE users ADD COLUMN news INTEGER NOT NULL DEFAULT 1;
