-- Visibility between two sessions, a and b, interleaved without blocking (neither writes a
-- row the other's open transaction has written): uncommitted writes are invisible to others,
-- READ COMMITTED takes a snapshot per statement and REPEATABLE READ one per transaction (at
-- its first statement, not at BEGIN), a transaction sees its own writes, xmin/xmax show who
-- created and deleted each version, and VACUUM keeps what open snapshots still need.
-- (Transaction ids differ from PostgreSQL's: compare which rows have xmax set, not numbers.)

CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t VALUES (1, 'one');

-- An uncommitted insert is invisible to b; visible to a itself; visible to b after commit.
a: BEGIN;
a: INSERT INTO t VALUES (2, 'two');
a: SELECT * FROM t ORDER BY id;
b: SELECT * FROM t ORDER BY id;
a: COMMIT;
b: SELECT * FROM t ORDER BY id;

-- An uncommitted update or delete: b still sees the old versions. The version a deleted
-- shows a's id in xmax to b (the deleter is known, its commit is not).
a: BEGIN;
a: UPDATE t SET v = 'uno' WHERE id = 1;
a: DELETE FROM t WHERE id = 2;
a: SELECT * FROM t ORDER BY id;
b: SELECT * FROM t ORDER BY id;
b: SELECT xmax <> 0 AS deleted_by_someone, id, v FROM t ORDER BY id;
a: ROLLBACK;
b: SELECT * FROM t ORDER BY id;

-- READ COMMITTED: each statement sees what was committed before it started.
a: BEGIN ISOLATION LEVEL READ COMMITTED;
a: SELECT v FROM t WHERE id = 1;
b: UPDATE t SET v = 'uno' WHERE id = 1;
b: INSERT INTO t VALUES (3, 'three');
a: SELECT * FROM t ORDER BY id;
a: COMMIT;

-- REPEATABLE READ: every statement sees the snapshot of the transaction's first statement.
a: BEGIN ISOLATION LEVEL REPEATABLE READ;
a: SELECT * FROM t ORDER BY id;
b: UPDATE t SET v = 'eins' WHERE id = 1;
b: DELETE FROM t WHERE id = 3;
b: INSERT INTO t VALUES (4, 'four');
a: SELECT * FROM t ORDER BY id;
a: SELECT count(*) FROM t WHERE id > 1;
a: COMMIT;
a: SELECT * FROM t ORDER BY id;

-- The snapshot is taken at the first statement, not at BEGIN.
a: BEGIN ISOLATION LEVEL REPEATABLE READ;
b: INSERT INTO t VALUES (5, 'five');
a: SELECT * FROM t ORDER BY id;
b: INSERT INTO t VALUES (6, 'six');
a: SELECT * FROM t ORDER BY id;
a: COMMIT;
-- SHOW and SET do not take it either.
a: BEGIN ISOLATION LEVEL REPEATABLE READ;
a: SHOW transaction_isolation;
b: DELETE FROM t WHERE id = 6;
a: SELECT count(*) FROM t;
a: COMMIT;

-- Own writes are visible to later statements, at both levels; others' are not (REPEATABLE
-- READ) or are (READ COMMITTED).
a: BEGIN ISOLATION LEVEL REPEATABLE READ;
a: INSERT INTO t VALUES (10, 'ten');
b: INSERT INTO t VALUES (11, 'eleven');
a: UPDATE t SET v = v || '!' WHERE id >= 10;
a: SELECT * FROM t WHERE id >= 10 ORDER BY id;
a: DELETE FROM t WHERE id = 10;
a: SELECT * FROM t WHERE id >= 10 ORDER BY id;
a: COMMIT;
a: BEGIN ISOLATION LEVEL READ COMMITTED;
a: INSERT INTO t VALUES (12, 'twelve');
b: INSERT INTO t VALUES (13, 'thirteen');
a: UPDATE t SET v = v || '?' WHERE id >= 10;
a: SELECT * FROM t WHERE id >= 10 ORDER BY id;
a: COMMIT;
SELECT * FROM t WHERE id >= 10 ORDER BY id;

-- A snapshot taken inside a block does not see a transaction that was still running when it
-- was taken, even after that one commits.
a: BEGIN;
a: INSERT INTO t VALUES (20, 'a');
b: BEGIN ISOLATION LEVEL REPEATABLE READ;
b: SELECT count(*) FROM t WHERE id >= 20;
a: COMMIT;
b: SELECT count(*) FROM t WHERE id >= 20;
b: COMMIT;
b: SELECT count(*) FROM t WHERE id >= 20;

-- xmin and xmax: creator and deleter of each visible version. xmax is 0 for a live version.
SELECT xmin, xmax, * FROM t ORDER BY id;
SELECT xmin = xmax AS same FROM t WHERE id = 1;
a: BEGIN;
a: DELETE FROM t WHERE id = 1;
a: UPDATE t SET v = 'two' WHERE id = 2;
a: INSERT INTO t VALUES (7, 'seven');
-- b sees the versions a deleted or replaced, with a's id as xmax; not a's new versions.
b: SELECT id, v, xmax <> 0 AS xmax_set FROM t WHERE id <= 7 ORDER BY id;
-- a sees its own new versions (created by a: xmin is a's id) and not the deleted one.
a: SELECT id, v, xmax FROM t WHERE id <= 7 ORDER BY id;
a: COMMIT;
b: SELECT id, v, xmax FROM t WHERE id <= 7 ORDER BY id;
-- xmin and xmax are not part of *.
SELECT * FROM t WHERE id = 2;
SELECT t.xmin <> 0 AS has_creator FROM t WHERE id = 2;

-- First updater wins at REPEATABLE READ: updating a row that changed after the snapshot is a
-- serialization failure (40001), at once since the other writer has committed.
a: BEGIN ISOLATION LEVEL REPEATABLE READ;
a: SELECT v FROM t WHERE id = 2;
b: UPDATE t SET v = 'zwei' WHERE id = 2;
a: UPDATE t SET v = 'deux' WHERE id = 2;
a: SELECT 1;
a: ROLLBACK;
a: BEGIN ISOLATION LEVEL REPEATABLE READ;
a: SELECT v FROM t WHERE id = 2;
b: DELETE FROM t WHERE id = 4;
a: DELETE FROM t WHERE id = 4;
a: ROLLBACK;
-- READ COMMITTED instead updates the newest committed version.
a: BEGIN ISOLATION LEVEL READ COMMITTED;
a: SELECT v FROM t WHERE id = 2;
b: UPDATE t SET v = 'dos' WHERE id = 2;
a: UPDATE t SET v = v || '+' WHERE id = 2 RETURNING v;
a: COMMIT;
-- A row locked by a's open transaction: b's NOWAIT lock fails at once (55P03); b's plain read
-- does not wait.
a: BEGIN;
a: SELECT v FROM t WHERE id = 2 FOR UPDATE;
b: SELECT v FROM t WHERE id = 2;
b: SELECT v FROM t WHERE id = 2 FOR UPDATE NOWAIT;
b: SELECT v FROM t WHERE id = 2 FOR SHARE NOWAIT;
a: COMMIT;
b: SELECT v FROM t WHERE id = 2 FOR UPDATE NOWAIT;

-- VACUUM removes versions no snapshot can see, and keeps those an open snapshot needs.
a: BEGIN ISOLATION LEVEL REPEATABLE READ;
a: SELECT * FROM t ORDER BY id;
b: DELETE FROM t WHERE id >= 10;
b: UPDATE t SET v = 'after' WHERE id = 2;
VACUUM;
a: SELECT * FROM t ORDER BY id;
a: COMMIT;
VACUUM t;
a: SELECT * FROM t ORDER BY id;
VACUUM missing;
BEGIN;
VACUUM;
ROLLBACK;
