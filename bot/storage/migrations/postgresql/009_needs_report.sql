-- The needs report (issue 14). Whether a person ever opened an offer's details (one step of
-- the path from "started" to "saved"); a coordinator's weekly digest switch; and the monthly
-- figures kept as snapshots (already suppressed: NULL is "<5"), so that trends survive people
-- erasing their data. Nothing about single people is kept in them.
ALTER TABLE users ADD COLUMN opened_offer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
CREATE TABLE report_snapshots (
    district TEXT NOT NULL,
    month TEXT NOT NULL,                  -- YYYY-MM
    new_people INTEGER,                   -- NULL: fewer than 5
    active_people INTEGER,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (district, month)
);
