-- Transactions: BEGIN/START TRANSACTION, COMMIT/END, ROLLBACK/ABORT, warnings for BEGIN in a
-- block and COMMIT outside one, failed blocks (25P02), autocommit atomicity, savepoints,
-- isolation level and access mode settings, READ ONLY, unsupported levels, lock_timeout.

CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);

-- BEGIN ... COMMIT keeps the writes; BEGIN ... ROLLBACK drops them.
BEGIN;
INSERT INTO t VALUES (1, 'kept');
COMMIT;
BEGIN;
INSERT INTO t VALUES (2, 'dropped');
SELECT * FROM t ORDER BY id;
ROLLBACK;
SELECT * FROM t ORDER BY id;
-- The other spellings: START TRANSACTION, BEGIN WORK/TRANSACTION, END, ABORT, COMMIT WORK.
START TRANSACTION;
INSERT INTO t VALUES (3, 'start');
END;
BEGIN WORK;
INSERT INTO t VALUES (4, 'work');
COMMIT WORK;
BEGIN TRANSACTION;
INSERT INTO t VALUES (5, 'aborted');
ABORT;
BEGIN;
INSERT INTO t VALUES (6, 'rolled back');
ROLLBACK WORK;
SELECT * FROM t ORDER BY id;
-- An empty block.
BEGIN;
COMMIT;

-- BEGIN inside a block warns (25001) and changes nothing; COMMIT/ROLLBACK outside a block
-- warn (25P01).
BEGIN;
INSERT INTO t VALUES (7, 'inner');
BEGIN;
SHOW transaction_isolation;
COMMIT;
SELECT * FROM t WHERE id = 7;
COMMIT;
ROLLBACK;
END;
ABORT;

-- A failed block: every statement is 25P02 until ROLLBACK; COMMIT of a failed block rolls
-- back and says so.
BEGIN;
INSERT INTO t VALUES (8, 'lost');
INSERT INTO t VALUES (1, 'duplicate');
SELECT * FROM t;
INSERT INTO t VALUES (9, 'also ignored');
SHOW transaction_isolation;
SAVEPOINT sp;
COMMIT;
SELECT * FROM t WHERE id >= 8;
BEGIN;
SELECT 1 / 0;
SELECT 1;
ROLLBACK;
SELECT 1;
-- END of a failed block also reports ROLLBACK.
BEGIN;
SELECT nope;
END;

-- Autocommit: each statement is atomic. A multi-row INSERT failing on its third row leaves
-- nothing, nor does an UPDATE failing half-way.
INSERT INTO t VALUES (10, 'a'), (11, 'b'), (1, 'duplicate'), (12, 'c');
SELECT count(*) FROM t WHERE id >= 10;
UPDATE t SET v = CASE WHEN id = 4 THEN 'x' || (1 / 0)::TEXT ELSE 'changed' END;
SELECT * FROM t ORDER BY id;

-- Savepoints.
BEGIN;
INSERT INTO t VALUES (20, 'before sp1');
SAVEPOINT sp1;
INSERT INTO t VALUES (21, 'in sp1');
SAVEPOINT sp2;
INSERT INTO t VALUES (22, 'in sp2');
ROLLBACK TO SAVEPOINT sp2;
SELECT * FROM t WHERE id >= 20 ORDER BY id;
RELEASE SAVEPOINT sp1;
SELECT * FROM t WHERE id >= 20 ORDER BY id;
ROLLBACK TO sp1;
COMMIT;
SELECT * FROM t WHERE id >= 20 ORDER BY id;
-- Recovering from an error inside a savepoint.
BEGIN;
INSERT INTO t VALUES (23, 'kept');
SAVEPOINT s;
INSERT INTO t VALUES (1, 'duplicate');
SELECT 1;
ROLLBACK TO s;
INSERT INTO t VALUES (24, 'after recovery');
COMMIT;
SELECT * FROM t WHERE id >= 20 ORDER BY id;
-- ROLLBACK TO keeps the savepoint: it can be rolled back to again.
BEGIN;
SAVEPOINT a;
INSERT INTO t VALUES (25, 'x');
ROLLBACK TO a;
INSERT INTO t VALUES (26, 'y');
ROLLBACK TO a;
SELECT * FROM t WHERE id >= 25;
-- A savepoint name used twice: the newer one is found first.
SAVEPOINT a;
INSERT INTO t VALUES (27, 'first a');
SAVEPOINT a;
INSERT INTO t VALUES (28, 'second a');
ROLLBACK TO a;
SELECT * FROM t WHERE id >= 25;
RELEASE a;
ROLLBACK TO a;
SELECT * FROM t WHERE id >= 25;
COMMIT;
-- Savepoint errors: unknown names (3B001), outside a block (25P01).
BEGIN;
ROLLBACK TO nowhere;
ROLLBACK;
BEGIN;
RELEASE nowhere;
ROLLBACK;
SAVEPOINT outside;
RELEASE outside;
ROLLBACK TO outside;

-- Isolation levels: the words in BEGIN / START TRANSACTION, and SHOW.
SHOW transaction_isolation;
SHOW default_transaction_isolation;
BEGIN ISOLATION LEVEL READ COMMITTED;
SHOW transaction_isolation;
COMMIT;
BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_isolation;
COMMIT;
START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;
SHOW transaction_isolation;
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY;
SHOW transaction_isolation;
SHOW transaction_read_only;
COMMIT;
BEGIN READ WRITE ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_read_only;
COMMIT;
-- SET TRANSACTION: before the first query of the block, not after (25001); outside a block
-- it warns (25P01) and has no effect.
BEGIN;
SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
SHOW transaction_isolation;
SELECT 1;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
ROLLBACK;
BEGIN;
SET TRANSACTION READ ONLY;
SHOW transaction_read_only;
SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
INSERT INTO t VALUES (30, 'x');
ROLLBACK;
SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
SHOW transaction_isolation;
-- SET transaction_isolation is SET TRANSACTION by another name.
BEGIN;
SET transaction_isolation = 'read committed';
SHOW transaction_isolation;
COMMIT;
-- SET SESSION CHARACTERISTICS changes the session default.
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED;
SHOW default_transaction_isolation;
SHOW transaction_isolation;
BEGIN;
SHOW transaction_isolation;
COMMIT;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW default_transaction_isolation;
-- SET default_transaction_isolation, in its spellings.
SET default_transaction_isolation = 'read committed';
SHOW default_transaction_isolation;
SET default_transaction_isolation TO 'repeatable read';
SHOW default_transaction_isolation;
SET default_transaction_isolation = 'READ COMMITTED';
SHOW default_transaction_isolation;
SET default_transaction_isolation = DEFAULT;
SHOW default_transaction_isolation;
SET default_transaction_isolation = 'read committed';
RESET default_transaction_isolation;
SHOW default_transaction_isolation;
SET default_transaction_isolation = 'chaos';
-- isolde's own word for snapshot isolation (PostgreSQL does not know it).
SET default_transaction_isolation = 'snapshot';
SHOW default_transaction_isolation;
BEGIN ISOLATION LEVEL SNAPSHOT;
SHOW transaction_isolation;
COMMIT;
-- A default set inside a block that rolls back is undone.
BEGIN;
SET default_transaction_isolation = 'read committed';
ROLLBACK;
SHOW default_transaction_isolation;
RESET default_transaction_isolation;

-- READ ONLY transactions: writes are 25006; reads work.
BEGIN READ ONLY;
SELECT count(*) FROM t;
INSERT INTO t VALUES (40, 'x');
ROLLBACK;
START TRANSACTION READ ONLY;
UPDATE t SET v = 'x';
ROLLBACK;
BEGIN READ ONLY;
DELETE FROM t;
ROLLBACK;
BEGIN READ ONLY;
SELECT * FROM t WHERE id = 1 FOR UPDATE;
ROLLBACK;
CREATE TABLE scratch (id INTEGER);
SET default_transaction_read_only = on;
SHOW default_transaction_read_only;
SHOW transaction_read_only;
INSERT INTO t VALUES (41, 'x');
CREATE TABLE ro (id INTEGER);
DROP TABLE scratch;
CREATE INDEX ON t (v);
BEGIN READ WRITE;
INSERT INTO t VALUES (41, 'read write');
COMMIT;
SET default_transaction_read_only = off;
INSERT INTO t VALUES (42, 'x');
SELECT * FROM t WHERE id >= 40 ORDER BY id;

-- SERIALIZABLE (SSI) and two-phase locking are selectable in every way a level is.
BEGIN;
SET transaction_isolation = 'two phase locking';
SHOW transaction_isolation;
COMMIT;
BEGIN ISOLATION LEVEL SERIALIZABLE;
ROLLBACK;
SET default_transaction_isolation = 'serializable';
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE;
BEGIN;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
ROLLBACK;
SET default_transaction_isolation = 'two phase locking';
SHOW default_transaction_isolation;

-- Unknown parameters are 42704.
SET no_such_parameter = 1;
SHOW no_such_parameter;
SET search_path = 'public';

-- lock_timeout values.
SHOW lock_timeout;
SET lock_timeout = 1500;
SHOW lock_timeout;
SET lock_timeout = '2s';
SHOW lock_timeout;
SET lock_timeout = '250ms';
SHOW lock_timeout;
SET lock_timeout = '1min';
SHOW lock_timeout;
SET lock_timeout = '1.5s';
SHOW lock_timeout;
SET lock_timeout = 0;
SHOW lock_timeout;
SET lock_timeout = 'soon';
SET lock_timeout = -1;
SET lock_timeout = '5 s';
SHOW lock_timeout;
SET lock_timeout TO DEFAULT;
SHOW lock_timeout;
-- SET LOCAL lasts until the end of the transaction.
BEGIN;
SET LOCAL lock_timeout = '3s';
SHOW lock_timeout;
COMMIT;
SHOW lock_timeout;
