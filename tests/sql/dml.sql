-- DML: INSERT (multi-row, column lists, defaults, DEFAULT, INSERT ... SELECT, RETURNING),
-- UPDATE and DELETE (expressions, primary key changes, RETURNING), the absence of the
-- Halloween problem, and the constraint and type errors writes raise.

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    name VARCHAR(8) NOT NULL,
    qty INTEGER DEFAULT 0,
    price DOUBLE PRECISION,
    note TEXT DEFAULT 'new'
);

-- Multi-row INSERT, and a column list that leaves the others to their defaults (or NULL).
INSERT INTO items VALUES (1, 'apple', 10, 0.5, 'fruit'), (2, 'bread', 2, 2.25, NULL);
INSERT INTO items (id, name) VALUES (3, 'cheese');
INSERT INTO items (name, id, price) VALUES ('dates', 4, 3.5), ('eggs', 5, 0.25);
-- The DEFAULT keyword in VALUES.
INSERT INTO items VALUES (6, 'flour', DEFAULT, 1, DEFAULT);
INSERT INTO items (id, name, qty) VALUES (7, 'grapes', DEFAULT), (8, 'honey', 5);
SELECT * FROM items ORDER BY id;
-- Expressions in VALUES.
INSERT INTO items (id, name, qty, price) VALUES (4 + 5, 'ic' || 'e', 3 * 4, 10 / 4);
SELECT * FROM items WHERE id = 9;

-- RETURNING on INSERT: columns, expressions, *.
INSERT INTO items (id, name, qty) VALUES (10, 'jam', 1), (11, 'kale', 2) RETURNING id, qty * 2 AS double_qty;
INSERT INTO items (id, name) VALUES (12, 'leek') RETURNING *;

-- INSERT ... SELECT, with and without a column list.
CREATE TABLE archive (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER);
INSERT INTO archive SELECT id, name, qty FROM items WHERE id <= 3;
INSERT INTO archive (name, id) SELECT upper(name), id + 100 FROM items WHERE qty > 4 ORDER BY id RETURNING *;
SELECT * FROM archive ORDER BY id;
INSERT INTO archive SELECT id, name, qty FROM items WHERE false;

-- UPDATE with expressions over the old row; every SET sees the old values.
UPDATE items SET qty = qty + 1, price = price * 2 WHERE id <= 2;
UPDATE items SET qty = price, price = qty WHERE id = 4;
UPDATE items SET note = name || '!' WHERE note IS NULL;
SELECT id, name, qty, price, note FROM items WHERE id IN (1, 2, 4) ORDER BY id;
UPDATE items SET note = DEFAULT WHERE id = 2 RETURNING note;
-- UPDATE ... RETURNING shows the new values.
UPDATE items SET qty = qty + 10 WHERE name LIKE 'e%' RETURNING id, name, qty;
-- An UPDATE that matches nothing.
UPDATE items SET qty = 0 WHERE id > 1000;

-- UPDATE that changes the primary key.
UPDATE items SET id = 20 WHERE id = 12 RETURNING *;
SELECT id, name FROM items WHERE id IN (12, 20) ORDER BY id;
-- Changing a key onto an existing one is a duplicate.
UPDATE items SET id = 1 WHERE id = 20;

-- DELETE with WHERE, RETURNING.
DELETE FROM items WHERE qty = 0 RETURNING id, name;
DELETE FROM items WHERE id = 1000;
SELECT id, name, qty FROM items ORDER BY id;

-- No Halloween problem: each row is updated or inserted once, however the statement
-- moves it in the index it scans.
CREATE TABLE seq (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO seq VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');
-- (A unique check is made row by row, as in PostgreSQL: moving every key up by one collides
-- with the next row, which still has its old key.)
UPDATE seq SET id = id + 1;
SELECT * FROM seq ORDER BY id;
UPDATE seq SET id = id + 10;
SELECT * FROM seq ORDER BY id;
UPDATE seq SET id = id - 10 WHERE id > 10;
-- The same through a primary-key range scan and a secondary-index range scan.
UPDATE seq SET id = id + 10 WHERE id >= 1;
SELECT * FROM seq ORDER BY id;
UPDATE seq SET id = id - 10 WHERE id BETWEEN 11 AND 14;
CREATE TABLE h (id INTEGER PRIMARY KEY, v INTEGER);
CREATE INDEX h_v ON h (v);
INSERT INTO h VALUES (1, 1), (2, 2), (3, 3), (4, 4);
UPDATE h SET v = v + 1 WHERE v >= 1;
UPDATE h SET v = v * 10 WHERE v > 0 AND v < 100;
SELECT * FROM h ORDER BY id;
INSERT INTO seq SELECT id + 100, v || v FROM seq;
SELECT * FROM seq ORDER BY id;
INSERT INTO seq SELECT id + 1000, v FROM seq WHERE id > 100;
SELECT count(*) FROM seq;
DELETE FROM seq WHERE id IN (SELECT id FROM seq WHERE id > 100);
SELECT * FROM seq ORDER BY id;

-- Constraint errors.
-- 23502: NOT NULL, explicit or by omission.
INSERT INTO items (id, name) VALUES (30, NULL);
INSERT INTO items (id) VALUES (30);
INSERT INTO items (name) VALUES ('nokey');
UPDATE items SET name = NULL WHERE id = 2;
-- 23505 with its DETAIL, from VALUES, from UPDATE, and within one statement.
INSERT INTO items (id, name) VALUES (2, 'again');
INSERT INTO items (id, name) VALUES (31, 'x'), (31, 'y');
SELECT count(*) FROM items WHERE id = 31;
UPDATE seq SET id = 2 WHERE id = 3;
-- A unique secondary index.
CREATE UNIQUE INDEX items_name ON items (name);
INSERT INTO items (id, name) VALUES (32, 'bread');
UPDATE items SET name = 'apple' WHERE id = 2;
-- 22001: a value too long for VARCHAR(n); n characters fit, whatever their bytes.
INSERT INTO items (id, name) VALUES (33, 'ninechars');
INSERT INTO items (id, name) VALUES (33, 'éééééééé') RETURNING name, length(name);
UPDATE items SET name = name || 'xxxxxxxxx' WHERE id = 2;
-- Type errors: 22P02 for text that is not a number, 42804 for an expression of the wrong type.
INSERT INTO items (id, name, qty) VALUES (34, 'z', 'many');
INSERT INTO items (id, name, qty) VALUES ('x34', 'z', 1);
INSERT INTO items (id, name, qty) VALUES (34, 'z34', ' 7 ') RETURNING qty;
INSERT INTO items (id, name, price) VALUES (35, 'z35', '1e3') RETURNING price;
INSERT INTO items (id, name, qty) VALUES (36, 'z36', 1.5), (-36, 'y36', -1.5), (136, 'x36', 1.49) RETURNING id, qty;
INSERT INTO items (id, name, qty) VALUES (37, 'z37', 2.5) RETURNING qty;
INSERT INTO items (id, name, qty) VALUES (38, 'z38', true);
INSERT INTO items (id, name, qty) VALUES (38, 'z38', 'a' || 'b');
UPDATE items SET qty = 'lots' WHERE id = 2;
UPDATE items SET qty = name WHERE id = 2;
-- Wrong number of values or columns, unknown columns.
INSERT INTO items VALUES (39, 'z', 1, 1.0, 'n', 'extra');
INSERT INTO items (id, name) VALUES (39);
INSERT INTO items (id, name) VALUES (39, 'z', 1);
INSERT INTO items (id, nope) VALUES (39, 1);
INSERT INTO items (id, id) VALUES (39, 40);
UPDATE items SET nope = 1;
INSERT INTO items (id, name) SELECT 1;
-- A statement that fails leaves nothing behind.
INSERT INTO items (id, name) VALUES (40, 'ok'), (41, NULL);
SELECT count(*) FROM items WHERE id >= 40;
UPDATE seq SET id = id * 2;
SELECT * FROM seq ORDER BY id;
