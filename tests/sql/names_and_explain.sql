-- Names and EXPLAIN: non-reserved keywords as table and column names, quoted identifiers
-- (case kept) against unquoted ones (folded to lower case); EXPLAIN shows the access path of
-- each read: primary-key point lookup or range, secondary-index equality or range, full scan,
-- and the plans of joins, FOR UPDATE, UPDATE and DELETE.

-- Non-reserved keywords as names.
CREATE TABLE key (key INTEGER PRIMARY KEY, value TEXT, name TEXT, type TEXT, level INTEGER);
INSERT INTO key (key, value, name, type, level) VALUES (1, 'v1', 'n1', 'a', 10), (2, 'v2', 'n2', 'b', 20);
SELECT key, value, name, type, level FROM key ORDER BY key;
SELECT k.value, k.level FROM key AS k WHERE k.type = 'b';
UPDATE key SET value = value || '!', level = level + 1 WHERE name = 'n1' RETURNING key, value, level;
CREATE INDEX level ON key (level);
SELECT name FROM key WHERE level > 15;
CREATE TABLE value (name TEXT, type INTEGER);
INSERT INTO value VALUES ('x', 1);
SELECT value.name, key.name FROM value JOIN key ON key.key = value.type;
DROP TABLE value;
-- Column and table names that are SQL words are written in double quotes.
CREATE TABLE "order" ("select" INTEGER, "from" TEXT);
INSERT INTO "order" VALUES (1, 'here');
SELECT "select", "from" FROM "order";

-- Quoted identifiers keep their case; unquoted ones are folded to lower case.
CREATE TABLE "Mixed" ("Id" INTEGER PRIMARY KEY, "camelCase" TEXT, plain TEXT, "with space" INTEGER);
INSERT INTO "Mixed" VALUES (1, 'c', 'p', 7);
SELECT "Id", "camelCase", PLAIN, "plain", "with space" FROM "Mixed";
SELECT * FROM "Mixed";
SELECT * FROM Mixed;
SELECT * FROM mixed;
SELECT Id FROM "Mixed";
SELECT camelCase FROM "Mixed";
CREATE TABLE Upper (ID INTEGER);
INSERT INTO upper VALUES (1);
SELECT id, Id, "id" FROM UPPER;
SELECT "ID" FROM upper;
-- Aliases keep their case when quoted.
SELECT 1 AS "Big", 2 AS Small, 3 AS "two words";
-- Quoted identifiers may contain a double quote, written twice.
CREATE TABLE q ("a""b" INTEGER);
INSERT INTO q VALUES (5);
SELECT "a""b" FROM q;

-- EXPLAIN.
CREATE TABLE acc (id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER, branch INTEGER);
CREATE INDEX acc_owner ON acc (owner);
CREATE INDEX acc_branch_balance ON acc (branch, balance);
INSERT INTO acc VALUES (1, 'ann', 100, 1), (2, 'bob', 50, 1), (3, 'cid', 75, 2), (4, 'ann', 10, 2);
-- Primary-key point lookup.
EXPLAIN SELECT * FROM acc WHERE id = 2;
EXPLAIN SELECT * FROM acc WHERE 2 = id;
EXPLAIN SELECT * FROM acc WHERE id IN (1, 3);
-- Primary-key ranges.
EXPLAIN SELECT * FROM acc WHERE id > 2;
EXPLAIN SELECT * FROM acc WHERE id >= 1 AND id < 3;
EXPLAIN SELECT * FROM acc WHERE id BETWEEN 2 AND 3;
EXPLAIN SELECT * FROM acc WHERE id > 2 AND balance > 10;
-- Secondary-index equality and range.
EXPLAIN SELECT * FROM acc WHERE owner = 'ann';
EXPLAIN SELECT * FROM acc WHERE owner > 'b';
EXPLAIN SELECT * FROM acc WHERE branch = 1;
EXPLAIN SELECT * FROM acc WHERE branch = 1 AND balance > 20;
EXPLAIN SELECT * FROM acc WHERE branch = 1 AND balance BETWEEN 20 AND 60;
-- An index on (branch, balance) does not serve balance alone.
EXPLAIN SELECT * FROM acc WHERE balance = 50;
-- Full scans: no condition, a condition no index serves, OR, a function of the key.
EXPLAIN SELECT * FROM acc;
EXPLAIN SELECT * FROM acc WHERE id = 1 OR owner = 'bob';
EXPLAIN SELECT * FROM acc WHERE id + 1 = 3;
EXPLAIN SELECT * FROM acc WHERE owner LIKE 'a%';
EXPLAIN SELECT count(*) FROM acc;
-- The queries themselves return the same rows whatever the path.
SELECT * FROM acc WHERE id = 2;
SELECT * FROM acc WHERE id IN (1, 3) ORDER BY id;
SELECT * FROM acc WHERE id BETWEEN 2 AND 3 ORDER BY id;
SELECT * FROM acc WHERE owner = 'ann' ORDER BY id;
SELECT * FROM acc WHERE owner > 'b' ORDER BY id;
SELECT * FROM acc WHERE branch = 1 AND balance > 20 ORDER BY id;
SELECT * FROM acc WHERE id = 1 OR owner = 'bob' ORDER BY id;
-- Sorting, limits, grouping.
EXPLAIN SELECT owner, sum(balance) FROM acc GROUP BY owner ORDER BY owner;
EXPLAIN SELECT * FROM acc ORDER BY balance DESC LIMIT 2;
EXPLAIN SELECT DISTINCT owner FROM acc;
-- A join.
CREATE TABLE branch (id INTEGER PRIMARY KEY, city TEXT);
INSERT INTO branch VALUES (1, 'Oslo'), (2, 'Rome');
EXPLAIN SELECT a.id, b.city FROM acc a JOIN branch b ON a.branch = b.id WHERE a.owner = 'ann';
EXPLAIN SELECT a.id, b.city FROM acc a LEFT JOIN branch b ON a.branch = b.id;
EXPLAIN SELECT * FROM acc WHERE branch IN (SELECT id FROM branch WHERE city = 'Oslo');
EXPLAIN SELECT * FROM acc a WHERE EXISTS (SELECT 1 FROM branch b WHERE b.id = a.branch);
-- FOR UPDATE.
EXPLAIN SELECT * FROM acc WHERE id = 1 FOR UPDATE;
EXPLAIN SELECT * FROM acc WHERE owner = 'ann' FOR SHARE;
-- UPDATE and DELETE.
EXPLAIN UPDATE acc SET balance = balance + 1 WHERE id = 1;
EXPLAIN UPDATE acc SET balance = 0 WHERE owner = 'bob';
EXPLAIN DELETE FROM acc WHERE id > 3;
EXPLAIN DELETE FROM acc WHERE balance < 0;
EXPLAIN INSERT INTO acc VALUES (5, 'eve', 1, 1);
-- EXPLAIN does not run the statement.
SELECT count(*) FROM acc WHERE id = 5 OR balance = 0;
-- EXPLAIN of a missing table, and of something that is not a query.
EXPLAIN SELECT * FROM missing;
EXPLAIN CREATE TABLE x (id INTEGER);
EXPLAIN ANALYZE SELECT * FROM acc;
