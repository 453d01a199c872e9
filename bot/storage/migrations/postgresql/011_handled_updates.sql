-- Webhook mode (issue 17): Telegram posts an update again when our answer was late; the ids of
-- the last day's updates are kept so that each is handled once. Nothing else about them.
CREATE TABLE handled_updates (
    update_id BIGINT PRIMARY KEY,
    handled_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX handled_updates_at ON handled_updates (handled_at);
