ALTER TABLE profiles ADD COLUMN birth TEXT;
ALTER TABLE profiles ADD COLUMN arrival TEXT;
ALTER TABLE profiles ADD COLUMN reception TEXT;
