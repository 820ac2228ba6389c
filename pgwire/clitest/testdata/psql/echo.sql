-- psql: -a
-- Every line echoed (-a): a transaction that commits, one that rolls
-- back, a failed block, savepoints.
\set ON_ERROR_STOP off
CREATE TABLE echo_t (id int PRIMARY KEY, v text);
BEGIN;
INSERT INTO echo_t VALUES (1, 'kept');
INSERT INTO echo_t VALUES (2, 'kept too');
COMMIT;
BEGIN;
INSERT INTO echo_t VALUES (3, 'rolled back');
SELECT count(*) FROM echo_t;
ROLLBACK;
SELECT * FROM echo_t ORDER BY id;
BEGIN;
INSERT INTO echo_t VALUES (1, 'duplicate');
SELECT 1;
COMMIT;
SELECT * FROM echo_t ORDER BY id;
START TRANSACTION ISOLATION LEVEL REPEATABLE READ;
UPDATE echo_t SET v = 'changed' WHERE id = 1;
SAVEPOINT s1;
DELETE FROM echo_t;
ROLLBACK TO SAVEPOINT s1;
RELEASE SAVEPOINT s1;
END;
SELECT * FROM echo_t ORDER BY id;
COMMIT;
ROLLBACK;
BEGIN; INSERT INTO echo_t VALUES (4, 'one line'); COMMIT;
SELECT
    id,
    v
FROM echo_t
WHERE id > 1
ORDER BY id;
DROP TABLE echo_t;
