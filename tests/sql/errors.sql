-- Errors: syntax errors and where their POSITION points (line, column, and PostgreSQL's
-- 1-based character offset), empty statements, parameters without values, and the other
-- SQLSTATEs of design.md section 4 that plain SQL can reach.

CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INTEGER);
INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20);

-- 42601: syntax errors. The position points at the first token that cannot be parsed.
SELECT * FORM t;
SELECT * FROM t WHERE;
SELEC 1;
SELECT 1 +;
SELECT (1 + 2;
SELECT 1 2;
INSERT INTO t VALUES (1, 'x',);
CREATE TABLE (id INTEGER);
SELECT * FROM t WHERE id = = 1;
SELECT 'unterminated;
SELECT "unterminated;
SELECT * FROM t ORDER id;
UPDATE t SET WHERE id = 1;
DELETE t WHERE id = 1;
-- On a later line: the column counts from the start of that line, the offset from the start
-- of the statement.
SELECT id,
       v
FROM t
WHERE id = 1 AND AND n = 2;
SELECT id
  FROM t
 WHERE v = 'é' AND n >;
-- Characters before the error that are not ASCII count as one character each.
SELECT 'ééé' AS "ü" FROM t WHERE id = ;
-- Reserved words cannot be names without quotes.
CREATE TABLE select (id INTEGER);
SELECT from FROM t;
SELECT * FROM t WHERE WHERE;
SELECT 1 AND AND;
SELECT id AS from FROM t;
SELECT id FROM t AS where;

-- An empty statement, and a comment alone.
;
/* just a comment */;
-- Several statements in one call.
SELECT 1; SELECT 2;

-- $1 without a value for it.
SELECT $1;
SELECT * FROM t WHERE id = $1;
INSERT INTO t VALUES ($1, 'x', 1);
SELECT $0;

-- 42804: an expression of the wrong type where a boolean (or integer) is required.
SELECT * FROM t WHERE n;
SELECT * FROM t WHERE v;
SELECT NOT n FROM t;
SELECT n AND true FROM t;
SELECT CASE WHEN n THEN 1 END FROM t;
SELECT * FROM t WHERE 1;
SELECT count(*) FROM t HAVING 1;
SELECT 1 WHERE NULL;
SELECT * FROM t LIMIT 'x';
SELECT * FROM t LIMIT true;
SELECT * FROM t ORDER BY id LIMIT 1.5;
SELECT * FROM t LIMIT n;
SELECT sum(v) FROM t;
SELECT avg(v) FROM t;
SELECT -v FROM t;
SELECT v + 1 FROM t;
SELECT v * n FROM t;
SELECT id FROM t WHERE v > n;
SELECT true + 1;

-- 42P10: ORDER BY position out of range, ORDER BY expression missing from SELECT DISTINCT.
SELECT id FROM t ORDER BY 0;
SELECT id FROM t ORDER BY 5;
SELECT DISTINCT v FROM t ORDER BY n;
-- 42712: the same table name twice in FROM.
SELECT * FROM t, t;
SELECT * FROM t a, t a;
SELECT * FROM t a JOIN t b ON a.id = b.id;

-- 21000: a scalar subquery returning more than one row.
SELECT (SELECT id FROM t);
SELECT * FROM t WHERE id = (SELECT id FROM t);
UPDATE t SET n = (SELECT n FROM t);

-- 42P01, 42703, 42702, 42883, 42704 in various places.
UPDATE missing SET x = 1;
DELETE FROM missing;
SELECT * FROM t JOIN missing ON true;
UPDATE t SET n = 1 WHERE nope = 1;
DELETE FROM t WHERE nope = 1;
INSERT INTO t VALUES (3, 'c', 1) RETURNING nope;
SELECT id FROM t a JOIN t b ON a.id = b.id;
SELECT nosuch(id) FROM t;
SELECT count(*, id) FROM t;
SELECT count(nope) FROM t;
DROP INDEX nope;
SHOW nope;

-- 0A000: outside the supported SQL surface.
SELECT * FROM t UNION SELECT * FROM t;
WITH x AS (SELECT 1) SELECT * FROM x;
SELECT row_number() OVER () FROM t;
CREATE VIEW vw AS SELECT 1;
ALTER TABLE t ADD COLUMN z INTEGER;
CREATE TEMPORARY TABLE tmp (id INTEGER);
CREATE TABLE ct AS SELECT * FROM t;
INSERT INTO t VALUES (1, 'x', 1) ON CONFLICT DO NOTHING;
LOCK TABLE t;
PREPARE p AS SELECT 1;
CREATE TABLE fk (id INTEGER REFERENCES t (id));
CREATE TABLE ck (id INTEGER CHECK (id > 0));
CREATE SEQUENCE s;
SELECT * FROM t TABLESAMPLE SYSTEM (10);
GRANT SELECT ON t TO public;

-- After all of these, the table is as it was.
SELECT * FROM t ORDER BY id;
TRUNCATE t;
