CREATE TABLE event_state (
    event_id TEXT PRIMARY KEY,
    start_at TIMESTAMPTZ NOT NULL,
    cancelled INTEGER NOT NULL CHECK (cancelled IN (0, 1))
);
CREATE TABLE event_answered (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    PRIMARY KEY (user_id, event_id)
);
CREATE TABLE event_outcomes (
    event_id TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'cancelled')),
    count INTEGER NOT NULL,
    PRIMARY KEY (event_id, answer)
);
