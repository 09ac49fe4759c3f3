-- A first look at the SQL surface.
CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value INTEGER);
INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', NULL);
SELECT * FROM t ORDER BY id;
SELECT count(*), sum(value) FROM t;
UPDATE t SET value = value + 1 WHERE id BETWEEN 1 AND 2;
SELECT xmin, xmax, id, value FROM t WHERE id IN (1, 3) ORDER BY id;
DELETE FROM t WHERE id % 2 = 1;
SELECT * FROM t;
EXPLAIN SELECT * FROM t WHERE id = 2;
SELECT * FORM t;
