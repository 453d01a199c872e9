-- The coordinators' side (issue 13): staff with roles per district, one-time invitations,
-- and the live catalogue held as versions of its files (data/ is only the seed).

-- A staff member is separate from a young person's profile: their Telegram id, role and
-- district, who granted it and when. One row per grant.
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    role TEXT NOT NULL,                   -- admin, coordinator, provider, volunteer
    district TEXT NOT NULL DEFAULT '',    -- '' for admin: every district
    provider TEXT NOT NULL DEFAULT '',    -- role provider: whose rows
    granted_by TEXT NOT NULL,             -- 'cli', 'env' or 'staff:<id>'
    created_at TEXT NOT NULL,
    UNIQUE (channel, external_id, role, district, provider)
);
CREATE INDEX staff_person ON staff (channel, external_id);

-- A one-time code, stored only as its hash.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    district TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by INTEGER REFERENCES staff (id) ON DELETE SET NULL
);

-- Every change of the catalogue is a version: who, when, what.
CREATE TABLE catalogue_versions (
    version INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL,                  -- 'seed', 'cli', 'staff:<id>'
    summary TEXT NOT NULL
);

-- The files a version changed (copy on write): the live catalogue is, for every path, the
-- content of the latest version that touched it. NULL content: the file was removed.
CREATE TABLE catalogue_files (
    version INTEGER NOT NULL REFERENCES catalogue_versions (version),
    path TEXT NOT NULL,
    content TEXT,
    PRIMARY KEY (version, path)
);

-- A change checked and shown as a preview, waiting for Confirm (kept a day at most).
CREATE TABLE staged_changes (
    id INTEGER PRIMARY KEY,
    actor TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    files TEXT NOT NULL,                  -- JSON {path: text or null}
    summary TEXT NOT NULL,
    created_at TEXT NOT NULL
);
