-- What the bot last knew of each event (to tell subscribers once when one moves or is
-- cancelled), and the answers to "Did you go?": who answered is kept only to count each
-- person once and is erased with them; the counts carry no names.

CREATE TABLE event_state (
    event_id TEXT PRIMARY KEY,
    start_at TEXT NOT NULL,              -- UTC, ISO 8601
    cancelled INTEGER NOT NULL CHECK (cancelled IN (0, 1))
);

CREATE TABLE event_answered (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    PRIMARY KEY (user_id, event_id)
);

CREATE TABLE event_outcomes (
    event_id TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'cancelled')),
    count INTEGER NOT NULL,
    PRIMARY KEY (event_id, answer)
);
