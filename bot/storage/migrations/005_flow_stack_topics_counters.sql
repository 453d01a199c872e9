-- The dialogue engine keeps a stack of flow frames instead of one step; outbox rows get a
-- topic (what they are about, e.g. 'event:EV-HE-001') as a column instead of a JSON lookup,
-- and keys unique per person; anonymous counters of every kind share one table; feedback
-- comments are kept without any link to a person.

ALTER TABLE conversation_state ADD COLUMN stack TEXT NOT NULL DEFAULT '[]';
UPDATE conversation_state
SET stack = json_array(json_object(
        'flow', 'onboarding', 'step', step, 'history', json(history), 'pending', json(pending)
    ))
WHERE step IS NOT NULL;
ALTER TABLE conversation_state DROP COLUMN step;
ALTER TABLE conversation_state DROP COLUMN history;
ALTER TABLE conversation_state DROP COLUMN pending;
ALTER TABLE conversation_state DROP COLUMN return_to;

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,                   -- one row per thing to say to this person, ever
    topic TEXT NOT NULL DEFAULT '',      -- what it is about, e.g. 'event:EV-HE-001'
    kind TEXT NOT NULL,                  -- 'reminder', 'change', 'followup', ...
    payload TEXT NOT NULL,               -- JSON: what to render at sending time, never text
    due_at TEXT NOT NULL,                -- UTC, ISO 8601
    status TEXT NOT NULL DEFAULT 'pending' CHECK (
        status IN ('pending', 'sending', 'sent', 'unknown', 'missed', 'cancelled', 'blocked',
                   'failed')
    ),
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    UNIQUE (user_id, key)
);
INSERT INTO outbox_new (id, user_id, key, topic, kind, payload, due_at, status, attempts,
                        updated_at)
SELECT id, user_id, key, coalesce('event:' || json_extract(payload, '$.event'), ''), kind,
       payload, due_at, status, attempts, updated_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_topic ON outbox (user_id, topic, status);

-- Counts without people: search misses, feedback ratings, ... per district and day.
CREATE TABLE counters (
    name TEXT NOT NULL,                  -- 'search_miss', 'feedback_rating', ...
    district TEXT NOT NULL DEFAULT '',
    day TEXT NOT NULL,                   -- local date, ISO 8601
    key TEXT NOT NULL DEFAULT '',        -- e.g. the rating, or a concept
    count INTEGER NOT NULL,
    PRIMARY KEY (name, district, day, key)
);
INSERT INTO counters (name, district, day, key, count)
SELECT 'search_miss', district, day, '', count FROM search_misses;
DROP TABLE search_misses;

-- Feedback comments: deliberately without user id; erased 90 days after they were written.
CREATE TABLE feedback_comments (
    id INTEGER PRIMARY KEY,
    comment TEXT NOT NULL,
    language TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX feedback_comments_created ON feedback_comments (created_at);

-- Files people upload in a conversation (a catalogue spreadsheet), kept until the flow that
-- asked for them is done and at most a day.
CREATE TABLE uploads (
    key TEXT PRIMARY KEY,                -- a hash of the content
    name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
