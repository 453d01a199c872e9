-- The questions of issue 11: the birth month (the age grows by itself), the month of arrival
-- in Germany and whether the person still lives in a reception centre. A stored age becomes
-- the span of months the person may have been born in, as of the day it was saved
-- (17 on 15 June 2026: born between July 2008 and June 2009).

ALTER TABLE profiles ADD COLUMN birth TEXT;      -- '2009-03' or '2008-07/2009-06'
ALTER TABLE profiles ADD COLUMN arrival TEXT;    -- '2025-07', a span, or 'unknown'
ALTER TABLE profiles ADD COLUMN reception TEXT;  -- 'yes', 'no' or 'unknown'

UPDATE profiles
SET birth = CASE
    WHEN CAST(strftime('%m', updated_at) AS INTEGER) = 12 THEN printf(
        '%04d-01/%04d-12',
        CAST(strftime('%Y', updated_at) AS INTEGER) - age,
        CAST(strftime('%Y', updated_at) AS INTEGER) - age
    )
    ELSE printf(
        '%04d-%02d/%04d-%02d',
        CAST(strftime('%Y', updated_at) AS INTEGER) - age - 1,
        CAST(strftime('%m', updated_at) AS INTEGER) + 1,
        CAST(strftime('%Y', updated_at) AS INTEGER) - age,
        CAST(strftime('%m', updated_at) AS INTEGER)
    )
END
WHERE age IS NOT NULL;
