-- Write skew under SNAPSHOT: two doctors on call, each goes off call after checking that
-- the other is still on call. Both commit: nobody is on call.
CREATE TABLE doctors (name TEXT PRIMARY KEY, on_call BOOLEAN NOT NULL);
INSERT INTO doctors VALUES ('alice', true), ('bob', true);
\session t1 snapshot
\session t2 snapshot
t1: BEGIN;
t1: SELECT count(*) FROM doctors WHERE on_call;
t2: BEGIN;
t2: SELECT count(*) FROM doctors WHERE on_call;
t1: UPDATE doctors SET on_call = false WHERE name = 'alice';
t2: UPDATE doctors SET on_call = false WHERE name = 'bob';
t1: COMMIT;
t2: COMMIT;
\session main
SELECT name, on_call FROM doctors ORDER BY name;
\versions doctors
\sessions
