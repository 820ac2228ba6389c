-- psql: -A -t -F '|'
-- Command-line flags: unaligned (-A), tuples only (-t), field separator.
CREATE TABLE flags_t (k int, v text);
INSERT INTO flags_t SELECT g, 'v' || g FROM generate_series(1, 5) AS g;
SELECT * FROM flags_t ORDER BY k;
SELECT count(*) FROM flags_t;
SELECT NULL::int AS n, '' AS empty;
DROP TABLE flags_t;
