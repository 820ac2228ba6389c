-- COPY through psql: FROM STDIN with the rows inline, TO STDOUT in text
-- and CSV, and \copy.
CREATE TABLE copy_t (id int, name text, amount numeric, d date);
COPY copy_t FROM STDIN;
1	one	1.5	2024-01-01
2	\N	-2	\N
3	tab\there	0	1999-12-31
\.
COPY copy_t (id, name) FROM STDIN WITH (FORMAT csv);
4,"quoted, comma"
5,
\.
SELECT * FROM copy_t ORDER BY id;
COPY copy_t TO STDOUT;
COPY (SELECT id, name FROM copy_t WHERE id > 3 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER);
\copy copy_t (id, name) from stdin
6	from backslash copy
\.
\copy (SELECT id, name FROM copy_t ORDER BY id) to stdout with csv
SELECT count(*) FROM copy_t;
DROP TABLE copy_t;
