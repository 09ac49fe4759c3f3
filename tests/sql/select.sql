-- SELECT: WHERE, ORDER BY (directions, NULLS FIRST/LAST, alias, ordinal, expression),
-- LIMIT/OFFSET, DISTINCT, GROUP BY/HAVING, aggregates, joins, subqueries, SELECT without
-- FROM, and the name-resolution errors.

CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept TEXT, salary INTEGER, bonus DOUBLE PRECISION);
INSERT INTO emp VALUES
    (1, 'ann', 'eng', 100, 10.5),
    (2, 'bob', 'eng', 80, NULL),
    (3, 'cid', 'ops', 70, 5),
    (4, 'dee', 'ops', NULL, 2.5),
    (5, 'eve', 'sales', 90, NULL),
    (6, 'fay', NULL, 60, 1),
    (7, 'gus', 'eng', 80, 0);
CREATE TABLE dept (name TEXT PRIMARY KEY, floor INTEGER);
INSERT INTO dept VALUES ('eng', 3), ('ops', 1), ('hr', 2);

-- WHERE.
SELECT name FROM emp WHERE salary > 75 AND dept = 'eng' ORDER BY name;
SELECT name FROM emp WHERE salary < 75 OR bonus IS NULL ORDER BY id;
SELECT name FROM emp WHERE NOT (dept = 'eng') ORDER BY id;
SELECT name FROM emp WHERE salary = NULL;
SELECT name FROM emp WHERE bonus > 2 ORDER BY id;
SELECT * FROM emp WHERE false;

-- ORDER BY: ASC/DESC and where NULLs go (last ascending, first descending by default).
SELECT name, salary FROM emp ORDER BY salary, name;
SELECT name, salary FROM emp ORDER BY salary DESC, name;
SELECT name, salary FROM emp ORDER BY salary ASC NULLS FIRST, name;
SELECT name, salary FROM emp ORDER BY salary DESC NULLS LAST, name DESC;
SELECT name, dept FROM emp ORDER BY dept NULLS FIRST, name DESC;
-- By alias, by ordinal, by expression (also one not in the select list).
SELECT name AS n, salary * 2 AS double FROM emp ORDER BY double DESC, n;
SELECT name, salary FROM emp ORDER BY 2, 1;
SELECT name, salary FROM emp ORDER BY -salary, name;
SELECT name FROM emp ORDER BY coalesce(bonus, 0) + id DESC;
SELECT name FROM emp ORDER BY length(name) + id % 3, name;
-- Ordinal out of range.
SELECT name FROM emp ORDER BY 2;

-- LIMIT / OFFSET.
SELECT id FROM emp ORDER BY id LIMIT 3;
SELECT id FROM emp ORDER BY id LIMIT 3 OFFSET 2;
SELECT id FROM emp ORDER BY id OFFSET 5;
SELECT id FROM emp ORDER BY id LIMIT 0;
SELECT id FROM emp ORDER BY id LIMIT 100 OFFSET 100;
SELECT id FROM emp ORDER BY id LIMIT ALL;
SELECT id FROM emp ORDER BY id LIMIT 1 + 1;
SELECT id FROM emp ORDER BY id LIMIT NULL;
SELECT id FROM emp ORDER BY id LIMIT -1;
SELECT id FROM emp ORDER BY id OFFSET -1;
SELECT id FROM emp ORDER BY id FETCH FIRST 2 ROWS ONLY;

-- DISTINCT.
SELECT DISTINCT dept FROM emp ORDER BY dept;
SELECT DISTINCT salary FROM emp ORDER BY salary DESC;
SELECT DISTINCT dept, salary FROM emp WHERE salary >= 80 ORDER BY dept, salary;
SELECT count(*) FROM (SELECT DISTINCT bonus FROM emp) AS b;
-- With DISTINCT, ORDER BY expressions must be in the select list.
SELECT DISTINCT dept FROM emp ORDER BY salary;

-- Aggregates.
SELECT count(*), count(salary), count(bonus), count(DISTINCT dept), count(DISTINCT salary) FROM emp;
SELECT sum(salary), min(salary), max(salary), avg(salary) FROM emp;
SELECT sum(bonus), min(bonus), max(bonus), avg(bonus) FROM emp;
SELECT min(name), max(name), min(dept), max(dept) FROM emp;
SELECT sum(DISTINCT salary), avg(DISTINCT salary) FROM emp;
SELECT max(salary) - min(salary) AS spread, count(*) * 2 AS twice FROM emp;
-- Aggregates over no rows: count is 0, the others NULL.
SELECT count(*), count(salary), sum(salary), min(salary), max(salary), avg(salary) FROM emp WHERE id > 100;
-- Sums beyond the integer range (PostgreSQL's sum of bigint is numeric and cannot overflow).
CREATE TABLE big (x BIGINT);
INSERT INTO big VALUES (9223372036854775807), (1);
SELECT sum(x) FROM big;
SELECT avg(x) FROM big;
SELECT max(x), min(x), count(x) FROM big;
-- Aggregates over only NULLs.
SELECT count(salary), sum(salary), avg(salary) FROM emp WHERE salary IS NULL;

-- GROUP BY / HAVING.
SELECT dept, count(*), sum(salary), avg(salary) FROM emp GROUP BY dept ORDER BY dept;
SELECT dept, count(*) AS n FROM emp GROUP BY dept HAVING count(*) > 1 ORDER BY n DESC, dept;
SELECT dept, max(salary) FROM emp WHERE salary IS NOT NULL GROUP BY dept HAVING max(salary) >= 90 ORDER BY dept;
SELECT dept, salary, count(*) FROM emp GROUP BY dept, salary ORDER BY dept, salary;
SELECT salary % 20 AS r, count(*) FROM emp GROUP BY salary % 20 ORDER BY r;
SELECT upper(dept) AS d, count(*) FROM emp GROUP BY 1 ORDER BY 1;
SELECT dept AS d FROM emp GROUP BY d ORDER BY d;
-- HAVING without GROUP BY: one group, or none.
SELECT count(*) FROM emp HAVING count(*) > 3;
SELECT count(*) FROM emp HAVING count(*) > 30;
-- GROUP BY over no rows: no groups at all.
SELECT dept, count(*) FROM emp WHERE id > 100 GROUP BY dept;
-- ORDER BY an aggregate that is not selected.
SELECT dept FROM emp GROUP BY dept ORDER BY count(*) DESC, dept;
-- Grouping errors (42803).
SELECT dept, name FROM emp GROUP BY dept;
SELECT name, count(*) FROM emp;
SELECT dept FROM emp GROUP BY dept ORDER BY salary;
SELECT dept FROM emp GROUP BY dept HAVING salary > 10;
SELECT count(*) FROM emp WHERE count(*) > 1;
SELECT sum(count(*)) FROM emp;
SELECT count(*) FROM emp GROUP BY count(*);

-- Joins.
SELECT e.name, d.floor FROM emp e JOIN dept d ON e.dept = d.name ORDER BY e.id;
SELECT e.name, d.floor FROM emp AS e INNER JOIN dept AS d ON d.name = e.dept AND d.floor > 1 ORDER BY e.id;
SELECT e.name, d.name, d.floor FROM emp e LEFT JOIN dept d ON e.dept = d.name ORDER BY e.id;
SELECT e.name, d.name FROM emp e LEFT OUTER JOIN dept d ON e.dept = d.name WHERE d.name IS NULL ORDER BY e.id;
SELECT d.name, count(e.id) FROM dept d LEFT JOIN emp e ON e.dept = d.name GROUP BY d.name ORDER BY d.name;
-- A condition on the inner side of a LEFT JOIN keeps unmatched rows.
SELECT e.name, d.floor FROM emp e LEFT JOIN dept d ON e.dept = d.name AND d.floor = 1 ORDER BY e.id;
SELECT e.name, d.name FROM emp e CROSS JOIN dept d WHERE e.id <= 2 ORDER BY e.id, d.name;
SELECT count(*) FROM emp, dept;
SELECT emp.name, dept.floor FROM emp, dept WHERE emp.dept = dept.name AND dept.floor = 3 ORDER BY emp.name;
-- A self join, and a join of three.
SELECT a.name, b.name FROM emp a JOIN emp b ON a.salary = b.salary AND a.id < b.id ORDER BY a.name;
SELECT a.name, b.name, d.floor FROM emp a JOIN emp b ON a.dept = b.dept AND a.id < b.id JOIN dept d ON d.name = a.dept ORDER BY a.id, b.id;
-- * and table.* with joins.
SELECT * FROM emp e JOIN dept d ON e.dept = d.name WHERE e.id = 1;
SELECT d.*, e.id FROM emp e JOIN dept d ON e.dept = d.name WHERE e.id = 3;
-- USING and NATURAL joins.
SELECT e.name, floor FROM emp e JOIN (SELECT name AS dept, floor FROM dept) AS d USING (dept) ORDER BY e.id;
SELECT e.name, floor FROM emp e NATURAL JOIN (SELECT name AS dept, floor FROM dept) AS d ORDER BY e.id;
-- RIGHT and FULL joins.
SELECT e.name, d.name FROM emp e RIGHT JOIN dept d ON e.dept = d.name ORDER BY d.name, e.name;
SELECT e.name, d.name FROM emp e FULL JOIN dept d ON e.dept = d.name ORDER BY d.name, e.name;

-- Subqueries: scalar, IN, EXISTS (correlated), in FROM.
SELECT name FROM emp WHERE salary = (SELECT max(salary) FROM emp);
SELECT name, salary - (SELECT avg(salary) FROM emp) AS diff FROM emp WHERE id <= 3 ORDER BY id;
SELECT name, (SELECT floor FROM dept WHERE dept.name = emp.dept) AS floor FROM emp ORDER BY id;
SELECT (SELECT name FROM emp WHERE id = 100) AS nobody;
SELECT name FROM emp WHERE dept IN (SELECT name FROM dept WHERE floor > 1) ORDER BY id;
SELECT name FROM emp WHERE dept NOT IN (SELECT name FROM dept WHERE floor > 1) ORDER BY id;
SELECT name FROM emp WHERE id NOT IN (SELECT salary FROM emp);
SELECT name FROM emp WHERE id NOT IN (SELECT salary FROM emp WHERE salary IS NOT NULL) ORDER BY id;
SELECT d.name FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.name) ORDER BY d.name;
SELECT d.name FROM dept d WHERE NOT EXISTS (SELECT * FROM emp e WHERE e.dept = d.name) ORDER BY d.name;
SELECT name FROM emp e WHERE salary > (SELECT avg(salary) FROM emp x WHERE x.dept = e.dept) ORDER BY name;
SELECT s.dept, s.total FROM (SELECT dept, sum(salary) AS total FROM emp GROUP BY dept) AS s WHERE s.total > 100 ORDER BY s.dept;
SELECT max(n) FROM (SELECT count(*) AS n FROM emp GROUP BY dept) counts;
SELECT * FROM (SELECT id, name FROM emp ORDER BY id DESC LIMIT 2) AS last2 ORDER BY id;
-- A scalar subquery returning more than one row (21000), or more than one column (42601).
SELECT (SELECT name FROM emp);
SELECT (SELECT name, id FROM emp WHERE id = 1);
SELECT name FROM emp WHERE id IN (SELECT id, name FROM emp);
-- A subquery in FROM needs an alias in PostgreSQL 15.
SELECT * FROM (SELECT 1);

-- FOR UPDATE / FOR SHARE lock the rows a query returns (here, with no one to wait for).
SELECT id, name FROM emp WHERE dept = 'ops' ORDER BY id FOR UPDATE;
SELECT id FROM emp WHERE id = 1 FOR SHARE;
SELECT e.id, d.floor FROM emp e JOIN dept d ON e.dept = d.name WHERE e.id = 1 FOR UPDATE;
SELECT id FROM emp WHERE id = 1 FOR UPDATE NOWAIT;
SELECT id FROM emp WHERE id = 1 FOR NO KEY UPDATE;
SELECT id FROM emp WHERE id = 1 FOR UPDATE SKIP LOCKED;
SELECT count(*) FROM emp FOR UPDATE;
SELECT DISTINCT dept FROM emp FOR UPDATE;
SELECT dept FROM emp GROUP BY dept FOR SHARE;

-- Text compares by code point (PostgreSQL's C collation).
CREATE TABLE words (v TEXT);
INSERT INTO words VALUES ('b'), ('B'), ('a'), ('é'), ('10'), ('9'), (''), ('a b'), ('ab');
SELECT v FROM words ORDER BY v;
SELECT min(v), max(v) FROM words;
SELECT 'B' < 'a', 'abc' < 'abd', 'ab' < 'abc', '' < 'a';

-- SELECT without FROM.
SELECT 1;
SELECT 1 AS one, 'two' AS two, 3.5 AS three, true AS four, NULL AS five;
SELECT 1 + 1 WHERE false;
SELECT 'x' AS a UNION SELECT 'y';

-- Name resolution errors.
SELECT nope FROM emp;
SELECT e.nope FROM emp e;
SELECT emp.name FROM emp e;
SELECT x.name FROM emp e;
SELECT name FROM emp e JOIN dept d ON e.dept = d.name;
SELECT name FROM emp, dept;
SELECT id FROM emp WHERE nope = 1;
SELECT id FROM emp ORDER BY nope;
SELECT * FROM emp, emp;
-- A select-list alias is not visible in WHERE.
SELECT salary * 2 AS s2 FROM emp WHERE s2 > 100;
