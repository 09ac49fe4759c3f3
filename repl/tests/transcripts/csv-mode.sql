-- args: --mode csv
CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t VALUES (1, 'a,b'), (2, NULL);
SELECT * FROM t ORDER BY id;
a: BEGIN;
a: DELETE FROM t WHERE id = 2;
b: DELETE FROM t WHERE id = 2;
\cancel b
a: COMMIT;
\dt
\versions t
