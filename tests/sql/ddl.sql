-- DDL: CREATE TABLE with every type spelling and constraint, CREATE [UNIQUE] INDEX,
-- DROP TABLE / DROP INDEX [IF EXISTS], and the errors DDL can raise.

-- Every type spelling: INTEGER/INT/BIGINT, REAL/DOUBLE PRECISION, TEXT/VARCHAR(n), BOOLEAN.
CREATE TABLE kinds (
    a INTEGER PRIMARY KEY,
    b INT,
    c BIGINT,
    d REAL,
    e DOUBLE PRECISION,
    f TEXT,
    g VARCHAR(5),
    h BOOLEAN
);
INSERT INTO kinds VALUES (1, 2, 9000000000, 1.5, 2.25, 'text', 'abc', true);
INSERT INTO kinds VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT * FROM kinds ORDER BY a;
-- Numbers given as text and integers given for reals are converted on write.
INSERT INTO kinds (a, d, e) VALUES ('3', 4, 5);
SELECT a, d, e FROM kinds WHERE a = 3;

-- PRIMARY KEY as a table constraint, composite; NOT NULL, UNIQUE and DEFAULT on columns.
CREATE TABLE pairs (
    x INTEGER,
    y INTEGER,
    label TEXT NOT NULL DEFAULT 'none',
    code VARCHAR(3) UNIQUE,
    score DOUBLE PRECISION DEFAULT 0.5,
    active BOOLEAN DEFAULT true,
    PRIMARY KEY (x, y)
);
INSERT INTO pairs (x, y) VALUES (1, 1);
INSERT INTO pairs (x, y, code) VALUES (1, 2, 'abc');
INSERT INTO pairs (x, y, code) VALUES (2, 1, NULL), (2, 2, NULL);
SELECT * FROM pairs ORDER BY x, y;
-- The composite key allows (1, 3) but not a second (1, 2).
INSERT INTO pairs (x, y) VALUES (1, 3);
INSERT INTO pairs (x, y) VALUES (1, 2);
-- Primary key columns are NOT NULL.
INSERT INTO pairs (x, y) VALUES (NULL, 5);
-- UNIQUE allows several NULLs but not two equal values.
INSERT INTO pairs (x, y, code) VALUES (3, 3, 'abc');
INSERT INTO pairs (x, y, label) VALUES (4, 4, NULL);

-- UNIQUE as a table constraint, and a table without a primary key.
CREATE TABLE tagged (name TEXT, tag TEXT, UNIQUE (name, tag));
INSERT INTO tagged VALUES ('a', 'x'), ('a', 'y'), ('a', NULL), ('a', NULL);
INSERT INTO tagged VALUES ('a', 'x');
SELECT * FROM tagged ORDER BY name, tag;

-- CREATE INDEX with and without a name, CREATE UNIQUE INDEX.
CREATE INDEX pairs_label_idx ON pairs (label);
CREATE INDEX ON pairs (score);
CREATE INDEX ON pairs (label, score);
CREATE UNIQUE INDEX kinds_f_key ON kinds (f);
INSERT INTO kinds (a, f) VALUES (10, 'text');
CREATE UNIQUE INDEX ON tagged (tag, name);
CREATE INDEX IF NOT EXISTS pairs_label_idx ON pairs (label);
-- Generated names: TABLE_COLUMNS_idx, with a number added when taken.
CREATE INDEX ON pairs (score);
DROP INDEX pairs_score_idx1;
DROP INDEX pairs_label_score_idx;
DROP INDEX tagged_tag_name_idx;
-- An index name is taken: a table and an index share one namespace.
CREATE INDEX pairs_label_idx ON pairs (score);
CREATE INDEX kinds ON pairs (score);
CREATE TABLE pairs_label_idx (id INTEGER);
-- CREATE UNIQUE INDEX over existing duplicates fails with 23505.
INSERT INTO tagged VALUES ('b', 'x');
CREATE UNIQUE INDEX tagged_tag ON tagged (tag);
-- An index on a missing table or column.
CREATE INDEX ON nowhere (id);
CREATE INDEX ON pairs (nothing);

-- DROP INDEX [IF EXISTS].
DROP INDEX pairs_label_idx;
DROP INDEX pairs_label_idx;
DROP INDEX IF EXISTS pairs_label_idx;
DROP INDEX IF EXISTS pairs_label_idx, kinds_f_key;
INSERT INTO kinds (a, f) VALUES (10, 'text');

-- DROP TABLE [IF EXISTS] with several names.
CREATE TABLE t1 (id INTEGER);
CREATE TABLE t2 (id INTEGER);
CREATE TABLE t3 (id INTEGER);
DROP TABLE t1, t2;
SELECT * FROM t1;
DROP TABLE t3, t4;
SELECT * FROM t3;
DROP TABLE IF EXISTS t3, t4;
DROP TABLE IF EXISTS t3;
-- Dropping a table drops its indexes: their names are free again.
CREATE TABLE t2 (id INTEGER, v TEXT);
CREATE INDEX t2_v ON t2 (v);
DROP TABLE t2;
DROP INDEX t2_v;
CREATE TABLE t2 (id INTEGER, v TEXT);
CREATE INDEX t2_v ON t2 (v);
-- The name of a dropped table can be used again.
CREATE TABLE t1 (id TEXT PRIMARY KEY);
INSERT INTO t1 VALUES ('again');
SELECT * FROM t1;
CREATE TABLE IF NOT EXISTS t1 (other INTEGER);
SELECT * FROM t1;

-- Errors.
-- 42P07: the table exists.
CREATE TABLE t1 (id INTEGER);
-- 42P01: no such table.
DROP TABLE missing;
SELECT * FROM missing;
INSERT INTO missing VALUES (1);
-- 0A000: unknown or unsupported type.
CREATE TABLE bad1 (id INTEGER, at TIMESTAMP);
CREATE TABLE bad2 (id INTEGER, n NUMERIC(10, 2));
CREATE TABLE bad3 (id INTEGER, b BYTEA);
CREATE TABLE bad4 (x FOO);
-- VARCHAR without a length has no limit; the other spellings.
CREATE TABLE spellings (a SMALLINT, b INT4, c INT8, d FLOAT, e FLOAT8, f BOOL, g CHARACTER VARYING(2), h VARCHAR);
INSERT INTO spellings VALUES (1, 2, 3, 4.5, 5.5, false, 'ab', 'a long text without a limit');
SELECT * FROM spellings;
-- DEFAULT is an expression, checked against the column's type when the table is created.
CREATE TABLE defaults (id INTEGER DEFAULT -1, t TEXT DEFAULT 'x', n INTEGER DEFAULT NULL, r REAL DEFAULT 2);
INSERT INTO defaults DEFAULT VALUES;
SELECT * FROM defaults;
-- A text literal that is a valid number is a fine integer default.
CREATE TABLE textdefault (i INTEGER DEFAULT '5', b BOOLEAN DEFAULT 'yes');
INSERT INTO textdefault DEFAULT VALUES;
SELECT * FROM textdefault;
-- Constant expressions.
CREATE TABLE exprdefault1 (id INTEGER DEFAULT 1 + 2);
CREATE TABLE exprdefault2 (t TEXT DEFAULT 'x' || 'y');
CREATE TABLE exprdefault3 (r REAL DEFAULT -2.5);
INSERT INTO exprdefault3 DEFAULT VALUES;
SELECT * FROM exprdefault3;
CREATE TABLE bad5 (id INTEGER DEFAULT 'abc');
CREATE TABLE bad6 (id INTEGER DEFAULT 1 DEFAULT 2);
CREATE TABLE bad7 (id INTEGER NOT NULL NULL);
-- Two primary keys.
CREATE TABLE bad8 (a INTEGER PRIMARY KEY, b INTEGER PRIMARY KEY);
CREATE TABLE bad9 (a INTEGER PRIMARY KEY, b INTEGER, PRIMARY KEY (b));
-- 42701: duplicate column.
CREATE TABLE bad10 (a INTEGER, b TEXT, a TEXT);
-- A constraint naming a missing column.
CREATE TABLE bad11 (a INTEGER, PRIMARY KEY (z));
SELECT * FROM bad11;
-- 25001: DDL inside a transaction block.
BEGIN;
CREATE TABLE inside (id INTEGER);
SELECT 1;
ROLLBACK;
BEGIN;
SELECT 1;
DROP TABLE t1;
ROLLBACK;
SELECT * FROM t1;
