-- The tutorial of docs/repl.md, step by step (kept in sync by this test).
CREATE TABLE doctors (name TEXT PRIMARY KEY, on_call BOOLEAN NOT NULL);
INSERT INTO doctors VALUES ('alice', true), ('bob', true);
-- 1. Write skew under SNAPSHOT
\session alice snapshot
\session bob snapshot
\session main
alice: BEGIN;
alice: SELECT count(*) FROM doctors WHERE on_call;
bob: BEGIN;
bob: SELECT count(*) FROM doctors WHERE on_call;
alice: UPDATE doctors SET on_call = false WHERE name = 'alice';
bob: UPDATE doctors SET on_call = false WHERE name = 'bob';
alice: COMMIT;
bob: COMMIT;
SELECT * FROM doctors ORDER BY name;
-- 2. The versions behind it
\versions doctors
-- 3. The same under SERIALIZABLE
UPDATE doctors SET on_call = true;
\session alice serializable
\session bob serializable
\session main
alice: BEGIN;
alice: SELECT count(*) FROM doctors WHERE on_call;
bob: BEGIN;
bob: SELECT count(*) FROM doctors WHERE on_call;
alice: UPDATE doctors SET on_call = false WHERE name = 'alice';
bob: UPDATE doctors SET on_call = false WHERE name = 'bob';
\graph
alice: COMMIT;
bob: COMMIT;
\session bob
\why
\session main
SELECT * FROM doctors ORDER BY name;
-- 4. The same under TWO PHASE LOCKING
UPDATE doctors SET on_call = true;
\session alice 2pl
\session bob 2pl
\session main
alice: BEGIN;
alice: SELECT count(*) FROM doctors WHERE on_call;
bob: BEGIN;
bob: SELECT count(*) FROM doctors WHERE on_call;
alice: UPDATE doctors SET on_call = false WHERE name = 'alice';
\locks
bob: UPDATE doctors SET on_call = false WHERE name = 'bob';
alice: COMMIT;
\session bob
\why
ROLLBACK;
\session main
SELECT * FROM doctors ORDER BY name;
\sessions
