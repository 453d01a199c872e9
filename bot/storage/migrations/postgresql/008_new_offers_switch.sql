-- "Tell me about new offers" (issue 13): a switch in /profile, off by default. When it is
-- on, a new or changed offer of the catalogue that newly fits the person is announced once.
ALTER TABLE users ADD COLUMN new_offers INTEGER NOT NULL DEFAULT 0;
