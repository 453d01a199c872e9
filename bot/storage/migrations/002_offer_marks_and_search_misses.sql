-- Offers a person saved, marked "not for me", or was told about after a changed answer.
CREATE TABLE offer_marks (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    offer_id TEXT NOT NULL,
    mark TEXT NOT NULL CHECK (mark IN ('saved', 'dismissed', 'announced')),
    position INTEGER NOT NULL,           -- keeps the order in which offers were saved
    PRIMARY KEY (user_id, offer_id, mark)
);

-- Searches that found nothing fitting, per district and day: data on unmet needs.
-- Deliberately without user id or search text.
CREATE TABLE search_misses (
    district TEXT NOT NULL,
    day TEXT NOT NULL,                   -- local date, ISO 8601
    count INTEGER NOT NULL,
    PRIMARY KEY (district, day)
);
