-- Two-phase locking with an index: a range read locks the index entries it scanned and the
-- gaps up to the next key. An insert beyond the next key does not wait; one into the range
-- does, and resumes when the reader commits.
CREATE TABLE shifts (id INTEGER PRIMARY KEY, day INTEGER NOT NULL, hours INTEGER NOT NULL);
CREATE INDEX shifts_day ON shifts (day);
INSERT INTO shifts VALUES (1, 1, 4), (2, 1, 3), (3, 5, 8);
\session t1 2pl
\session t2 2pl
\session main
t1: BEGIN;
t1: SELECT sum(hours) FROM shifts WHERE day = 1;
\locks
t2: INSERT INTO shifts VALUES (10, 9, 2);
t2: INSERT INTO shifts VALUES (11, 1, 5);
\sessions
\graph
\graph dot
t1: COMMIT;
SELECT * FROM shifts ORDER BY id;
