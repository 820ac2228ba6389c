-- Output formats psql builds from the same results: unaligned, tuples
-- only, expanded, borders, a NULL string, CSV.
CREATE TABLE pset_t (id int, name text, note text);
INSERT INTO pset_t VALUES (1, 'one', NULL), (2, 'two', 'with | bar'), (3, 'سه', 'line');
SELECT * FROM pset_t ORDER BY id;
\pset null '(null)'
SELECT * FROM pset_t ORDER BY id;
\pset format unaligned
SELECT * FROM pset_t ORDER BY id;
\pset fieldsep ','
SELECT * FROM pset_t ORDER BY id;
\pset tuples_only on
SELECT * FROM pset_t ORDER BY id;
\pset tuples_only off
\pset format aligned
\pset border 2
SELECT * FROM pset_t ORDER BY id;
\pset border 0
SELECT * FROM pset_t ORDER BY id;
\pset border 1
\x on
SELECT * FROM pset_t ORDER BY id;
SELECT * FROM pset_t WHERE false;
\x off
SELECT * FROM pset_t ORDER BY id \gx
\pset format csv
SELECT * FROM pset_t ORDER BY id;
\pset format aligned
\pset title 'The table'
\pset footer off
SELECT * FROM pset_t ORDER BY id;
\pset title
\pset footer on
\a
\t
SELECT id, name FROM pset_t ORDER BY id;
\t
\a
DROP TABLE pset_t;
