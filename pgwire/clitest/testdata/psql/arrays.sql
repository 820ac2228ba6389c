-- Arrays: constructors, literals and their quoting, subscripts and
-- slices, operators, functions, unnest, array_agg, ANY/ALL, and the
-- errors of malformed literals and mismatched dimensions. psql aligns
-- arrays as text whatever their element type.
\set ON_ERROR_STOP off
SELECT ARRAY[1, 2, 3] AS ints, ARRAY['a b', NULL, '', 'x"y'] AS texts, ARRAY[[1, 2], [3, 4]] AS matrix,
       ARRAY[]::int[] AS empty, ARRAY[1.5, 2] AS nums, ARRAY[true, false] AS bools;
SELECT '{1,2,3}'::int[] AS a, '{{1,2},{3,4}}'::int[] AS b, '{"a b",NULL,"x\"y",""}'::text[] AS c,
       '[0:1]={1,2}'::int[] AS d, CAST('{x,y}' AS varchar(10)[]) AS e, '{1,2}'::_int8 AS f;
SELECT ARRAY(SELECT g FROM generate_series(1, 4) g WHERE g % 2 = 0) AS evens, ARRAY(SELECT 1 WHERE false) AS none;
SELECT (ARRAY[10, 20, 30])[2] AS second, (ARRAY[10, 20, 30])[5] AS missing, (ARRAY[10, 20, 30])[2:3] AS slice,
       (ARRAY[10, 20, 30])[:2] AS head, ('{{1,2},{3,4}}'::int[])[2][1] AS cell, ('{{1,2},{3,4}}'::int[])[2] AS partial;
SELECT ARRAY[1, 2] || ARRAY[3] AS cat, ARRAY[1, 2] || 3 AS app, 0 || ARRAY[1] AS pre, ARRAY[[1, 2]] || ARRAY[3, 4] AS grow;
SELECT ARRAY[1, 2] = ARRAY[1, 2] AS eq, ARRAY[1, 2] < ARRAY[1, 3] AS lt, ARRAY[2] > ARRAY[1, 9] AS gt,
       ARRAY[1, 2, 3] @> ARRAY[3, 1] AS contains, ARRAY[1] <@ ARRAY[1, 2] AS within, ARRAY[1, 2] && ARRAY[2, 3] AS overlap;
SELECT 2 = ANY(ARRAY[1, 2]) AS any_t, 3 = ANY('{1,NULL}'::int[]) AS any_null, 3 <> ALL(ARRAY[1, 2]) AS all_t,
       1 > ALL('{}'::int[]) AS all_empty, NULL::int = ANY(ARRAY[1]) AS null_left, 5 >= ANY(ARRAY[7, 5]) AS ge;
SELECT array_length(ARRAY[1, 2, 3], 1) AS len, array_length(ARRAY[1], 2) AS len2, array_lower('[0:2]={1,2,3}'::int[], 1) AS lo,
       array_upper('{{1,2},{3,4}}'::int[], 2) AS hi, array_ndims('{{1}}'::int[]) AS ndims, array_dims('[0:1]={1,2}'::int[]) AS dims,
       cardinality('{{1,2},{3,4}}'::int[]) AS card;
SELECT array_append(ARRAY[1], 2) AS append, array_prepend(0, ARRAY[1]) AS prepend, array_cat(ARRAY[1], ARRAY[2, 3]) AS cat,
       array_position(ARRAY['a', 'b', 'a'], 'a', 2) AS pos, array_positions(ARRAY[1, NULL, 1], 1) AS positions,
       array_remove(ARRAY[1, 2, 1], 1) AS removed, array_replace(ARRAY[1, 2, 1], 1, 9) AS replaced;
SELECT array_to_string(ARRAY[1, NULL, 3], ',') AS two_args, array_to_string(ARRAY[1, NULL, 3], ',', '*') AS three_args,
       string_to_array('a,b,,c', ',') AS split, string_to_array('a-*-b', '-', '*') AS with_null, string_to_array('xyz', NULL) AS chars;
CREATE TABLE arrays_t (id int PRIMARY KEY, tags text[], scores int[]);
INSERT INTO arrays_t VALUES (1, '{red,green}', '{90,80}'), (2, ARRAY['blue'], ARRAY[70]), (3, '{}', NULL), (4, '{red}', '{90,80}');
SELECT id, tags, scores, tags[1] AS first_tag FROM arrays_t ORDER BY scores, id;
SELECT id FROM arrays_t WHERE 'red' = ANY(tags) ORDER BY id;
SELECT id FROM arrays_t WHERE tags @> '{red}' AND scores <@ ARRAY[80, 90, 100] ORDER BY id;
SELECT scores, count(*) FROM arrays_t GROUP BY scores ORDER BY scores;
SELECT DISTINCT scores FROM arrays_t ORDER BY scores DESC;
SELECT t.id, u.tag FROM arrays_t t, unnest(t.tags) AS u(tag) ORDER BY t.id, u.tag;
SELECT id, unnest(tags) AS tag FROM arrays_t ORDER BY id, tag;
SELECT * FROM unnest(ARRAY[3, 1, 2]) AS x ORDER BY x;
SELECT array_agg(id) AS ids, array_agg(DISTINCT scores[1]) AS firsts FROM arrays_t;
SELECT array_agg(tags[1]) AS firsts FROM arrays_t WHERE id < 4;
SELECT array_agg(id ORDER BY id DESC) AS down, array_agg(scores[2] ORDER BY scores[2] NULLS FIRST, id) AS seconds FROM arrays_t;
SELECT array_agg(ARRAY[id, id * 2]) AS pairs, array_agg(DISTINCT id ORDER BY id DESC) AS distinct_down FROM arrays_t;
UPDATE arrays_t SET scores = scores || 100 WHERE id = 1;
UPDATE arrays_t SET scores[2] = 85, tags[3] = 'blue' WHERE id = 1;
UPDATE arrays_t SET scores[0] = 1 WHERE id = 2;
UPDATE arrays_t SET scores[1] = 50 WHERE id = 3;
ALTER TABLE arrays_t ADD COLUMN extra bigint[];
UPDATE arrays_t SET extra = ARRAY[id, id * 10] WHERE id <= 2;
SELECT id, scores, extra FROM arrays_t ORDER BY id;
SELECT '{1,2'::int[];
SELECT '{{1,2},{3}}'::int[];
SELECT '1,2'::int[];
SELECT '{1,2}x'::int[];
SELECT '{a}'::int[];
SELECT ARRAY[ARRAY[1, 2], ARRAY[3]];
SELECT ARRAY[1, 'a'];
SELECT ARRAY[1, true];
SELECT ARRAY[1, 2] = ARRAY[1, 2]::bigint[];
UPDATE arrays_t SET scores[NULL] = 1;
UPDATE arrays_t SET scores[1][1] = 1 WHERE id = 1;
SELECT ARRAY[[1, 2]] || ARRAY[[3]];
SELECT array_append('{{1}}'::int[], 2);
SELECT ARRAY[];
SELECT 1 = ANY(1);
SELECT array_agg(id ORDER BY id) OVER () FROM arrays_t;
SELECT (ARRAY[1, 2])['a'];
SELECT 1 = ANY('{1,x}'::int[]);
DROP TABLE arrays_t;
