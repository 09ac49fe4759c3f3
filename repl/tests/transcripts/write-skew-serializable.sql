-- The same write skew under SERIALIZABLE: the second commit is refused, \why explains.
CREATE TABLE doctors (name TEXT PRIMARY KEY, on_call BOOLEAN NOT NULL);
INSERT INTO doctors VALUES ('alice', true), ('bob', true);
\session t1 serializable
\session t2 serializable
t1: BEGIN;
t1: SELECT count(*) FROM doctors WHERE on_call;
t2: BEGIN;
t2: SELECT count(*) FROM doctors WHERE on_call;
t1: UPDATE doctors SET on_call = false WHERE name = 'alice';
t2: UPDATE doctors SET on_call = false WHERE name = 'bob';
\graph
\graph dot
t1: COMMIT;
t2: COMMIT;
\why
\session main
SELECT name, on_call FROM doctors ORDER BY name;
