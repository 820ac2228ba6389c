-- ON_ERROR_STOP: psql stops at the first error and exits with status 3;
-- nothing after the error runs.
\set ON_ERROR_STOP on
CREATE TABLE stop_t (id int);
INSERT INTO stop_t VALUES (1);
SELECT id FROM stop_t;
DROP TABLE stop_t;
SELECT 1 / 0;
\echo not reached
SELECT 'not reached';
