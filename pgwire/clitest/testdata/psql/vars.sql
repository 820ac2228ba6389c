-- psql variables: \echo, \set, interpolation as :var, :'var' and :"var",
-- \gset, \if; and the server's SET and SHOW.
\echo hello from psql
\echo :USER :DBNAME :ENCODING
\encoding
\set n 3
\set word 'it''s'
\set tbl vars_t
\echo :n :word :'word' :"tbl"
CREATE TABLE :"tbl" (id int, label text);
INSERT INTO :tbl SELECT g, :'word' || g FROM generate_series(1, :n) AS g;
SELECT * FROM :tbl ORDER BY id;
SELECT count(*) AS cnt, max(label) AS top FROM :tbl \gset
\echo count is :cnt, top is :top
SELECT 7 AS seven, 'eight' AS eight \gset pre_
\echo :pre_seven :pre_eight
SELECT :cnt = 3 AS is_three, :cnt > 3 AS is_more \gset
\if :is_more
\echo more than three
\elif :is_three
\echo exactly three
\else
\echo fewer
\endif
SELECT :n * 2 AS doubled, :'word' AS quoted;
SELECT 'SELECT ' || id || ' AS v' FROM :tbl ORDER BY id \gexec
SHOW application_name;
SET application_name = 'clitest';
SHOW application_name;
SET statement_timeout = '5s';
SHOW statement_timeout;
RESET statement_timeout;
SHOW statement_timeout;
SET TimeZone = 'UTC';
SHOW TimeZone;
SHOW DateStyle;
SET search_path TO public;
SHOW search_path;
SELECT current_setting('application_name') AS app;
DROP TABLE :tbl;
\unset n
\echo :n
