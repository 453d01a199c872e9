-- Volunteers bring people in, and a young person can reach a counsellor (issue 16).

-- A district's volunteer code may be used by many (self-registration); other invitations
-- stay single use.
ALTER TABLE invitations ADD COLUMN reusable INTEGER NOT NULL DEFAULT 0;

-- A personal invite: a random code with presets. No name, no user id of whoever opens it;
-- the owner is the volunteer (or coordinator) who made it, '' after they erased their data.
-- `started` and `finished` are bare counts.
CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    owner_channel TEXT NOT NULL,
    owner_external_id TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'volunteer',   -- volunteer, counselling (a coordinator's referral)
    language TEXT NOT NULL DEFAULT '',
    district TEXT NOT NULL DEFAULT '',
    service TEXT NOT NULL DEFAULT '',         -- counselling: the service's offer id
    created_at TEXT NOT NULL,
    started INTEGER NOT NULL DEFAULT 0,
    finished INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX referrals_owner ON referrals (owner_channel, owner_external_id);

-- "Tell my mentor that I am here": only when the young person chose it, with the first name
-- they typed for it. Gone with the person's data, or when they withdraw it in /privacy.
CREATE TABLE mentor_links (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A counselling service's inbox: a forum supergroup a coordinator registered.
CREATE TABLE inboxes (
    service TEXT PRIMARY KEY,                 -- the service's offer id
    district TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    title TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX inboxes_chat ON inboxes (chat_id);

-- A case: who (the user id, NULL once they erased their data), which service, its pseudonym
-- and topic. Never the message texts. Deleted when its topic is gone; the outcome is kept
-- only as an anonymous count.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    service TEXT NOT NULL,
    district TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',           -- the interest it is about
    age_band TEXT NOT NULL DEFAULT '',
    chat_id TEXT NOT NULL DEFAULT '',         -- the inbox group ('': the coordinators' chats)
    thread_id INTEGER,                        -- its forum topic
    state TEXT NOT NULL DEFAULT 'open',       -- open, closed, erased
    outcome TEXT NOT NULL DEFAULT '',
    opened_at TEXT NOT NULL,
    last_message_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX cases_user ON cases (user_id);
CREATE INDEX cases_topic ON cases (chat_id, thread_id);
