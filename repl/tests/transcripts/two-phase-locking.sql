-- Under two-phase locking the same history blocks: t1's update waits for t2's shared lock,
-- t2's update would wait for t1's: a deadlock, and t2 is the victim.
CREATE TABLE doctors (name TEXT PRIMARY KEY, on_call BOOLEAN NOT NULL);
INSERT INTO doctors VALUES ('alice', true), ('bob', true);
\session t1 two-phase-locking
\session t2 2pl
t1: BEGIN;
t1: SELECT count(*) FROM doctors WHERE on_call;
t2: BEGIN;
t2: SELECT count(*) FROM doctors WHERE on_call;
t1: UPDATE doctors SET on_call = false WHERE name = 'alice';
\locks
\sessions
\graph
t2: UPDATE doctors SET on_call = false WHERE name = 'bob';
\session t2
\why
t2: ROLLBACK;
t1: COMMIT;
\session main
SELECT name, on_call FROM doctors ORDER BY name;
