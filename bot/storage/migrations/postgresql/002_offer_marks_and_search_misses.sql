CREATE TABLE offer_marks (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    offer_id TEXT NOT NULL,
    mark TEXT NOT NULL CHECK (mark IN ('saved', 'dismissed', 'announced')),
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, offer_id, mark)
);
CREATE TABLE search_misses (
    district TEXT NOT NULL,
    day DATE NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (district, day)
);
