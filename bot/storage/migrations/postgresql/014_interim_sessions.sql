-- Conversations that are not saved to a profile (issue 17): before the consent question, and
-- "Use without saving". They live here, not in one process's memory, so that every process
-- behind the webhook continues them. No user id and no link to anything else; a row is deleted
-- 24 hours after its last input, when the person agrees to saving, or on "Forget everything".
-- UNLOGGED: not written to the WAL, so not in replicas or WAL archives, and emptied after a
-- crash; what is in it was never meant to last.
CREATE UNLOGGED TABLE interim_sessions (
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    session TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX interim_sessions_updated ON interim_sessions (updated_at);
