-- Errors do not stop the script; the exit status is 1.
CREATE TABLE t (id INTEGER PRIMARY KEY);
SELECT * FROM t WHERE;
BEGIN;
INSERT INTO t VALUES (1);
INSERT INTO t VALUES (1);
SELECT 1;
COMMIT;
\frobnicate
\d t
\d missing
\i /nonexistent/file.sql
SELECT count(*) FROM t;
