-- args: --mode json
-- A statement that waits, and resumes when the lock is released; JSON lines.
CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER);
INSERT INTO t VALUES (1, 0);
a: BEGIN;
a: UPDATE t SET v = v + 1 WHERE id = 1;
b: UPDATE t SET v = v + 10 WHERE id = 1;
a: COMMIT;
SELECT v FROM t;
SELECT 1/0;
\echo done
