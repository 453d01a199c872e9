-- Retention (issue 17): a person inactive for LOTSE_RETENTION_DAYS is erased; 14 days before,
-- they are asked once whether to keep their data. When they were asked (NULL: not asked, or
-- active again since).
ALTER TABLE users ADD COLUMN retention_asked_at TIMESTAMPTZ;
