-- A second inserter of a key waits for the end of the first one's transaction, then fails
-- with 23505 when it commits (or goes ahead if it rolls back).
CREATE TABLE t (id INTEGER PRIMARY KEY);
a: BEGIN;
a: INSERT INTO t VALUES (1);
b: INSERT INTO t VALUES (1);
\locks
\sessions
a: COMMIT;
a: BEGIN;
a: INSERT INTO t VALUES (2);
b: INSERT INTO t VALUES (2);
a: ROLLBACK;
SELECT * FROM t ORDER BY id;
