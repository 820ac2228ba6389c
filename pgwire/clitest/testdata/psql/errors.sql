-- Errors as psql prints them: the message, LINE n with a caret under the
-- error position, DETAIL and HINT lines, and SQLSTATEs with VERBOSITY
-- sqlstate. The script goes on after each error.
\set ON_ERROR_STOP off
CREATE TABLE errors_t (id int PRIMARY KEY, name text NOT NULL, qty int CHECK (qty >= 0));
INSERT INTO errors_t VALUES (1, 'a', 1);
selec 1;
SELECT 1 +;
SELECT id, FROM errors_t;
SELECT id
  FROM errors_t
 WHERE id = = 1;
SELECT * FROM nosuch_t;
SELECT nosuch_c FROM errors_t;
SELECT id FROM errors_t WHERE nosuch_c = 1;
SELECT nosuch_f(1);
SELECT 1 / 0;
SELECT 'abc'::int;
SELECT 2147483647 + 1;
INSERT INTO errors_t VALUES (1, 'dup', 0);
INSERT INTO errors_t VALUES (2, NULL, 0);
INSERT INTO errors_t VALUES (3, 'c', -1);
INSERT INTO errors_t (id, name, nosuch_c) VALUES (4, 'd', 0);
SELECT id FROM errors_t, errors_t;
SELECT (SELECT id FROM errors_t UNION ALL SELECT 2);
SELECT name, count(*) FROM errors_t;
CREATE TABLE errors_t (x int);
SELECT 'a' + 1;
\set VERBOSITY sqlstate
SELECT 1 / 0;
SELECT * FROM nosuch_t;
INSERT INTO errors_t VALUES (1, 'dup', 0);
\set VERBOSITY default
SELECT * FROM errors_t ORDER BY id;
DROP TABLE errors_t;
