-- Aligned output of the common types: psql right-aligns numbers by the
-- column's type OID, pads by display width (Persian and CJK text), and
-- prints NULL as nothing.
CREATE TABLE types_t (
    id integer PRIMARY KEY,
    name text,
    amount numeric(14,4),
    ok boolean,
    born date,
    seen timestamp,
    big bigint,
    small smallint,
    ratio double precision,
    code varchar(10)
);
INSERT INTO types_t VALUES
    (1, 'plain', 12.5, true, '2024-02-29', '2024-02-29 13:45:10.123456', 9000000000000000000, 7, 0.1, 'ab'),
    (2, 'سلام دنیا', -0.0001, false, '1999-12-31', '2000-01-01 00:00:00', -1, -32768, -2.5e10, 'فارسی'),
    (3, '日本語テキスト', 123456789.9999, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, NULL, NULL, true, '0001-01-01', '1970-01-01 00:00:01', 0, 0, 1e-7, ''),
    (5, 'naïve café', 0, false, '2038-01-19', '2038-01-19 03:14:07.5', 42, 1, 3.141592653589793, 'x');
SELECT * FROM types_t ORDER BY id;
SELECT id, name, length(name) AS len, upper(name) AS up FROM types_t WHERE name IS NOT NULL ORDER BY id DESC;
SELECT count(*), sum(amount), avg(amount)::numeric(20,6) AS avg, min(born), max(seen), bool_and(ok), bool_or(ok) FROM types_t;
SELECT 1 AS one, 'two' AS two, 3.0 AS three, NULL AS nothing, true AS yes, 2 + 3 * 4 AS arith;
SELECT '2024-01-31'::date + 1 AS next_day, '2024-03-01'::date - '2024-02-01'::date AS days,
       '2024-01-01 10:00'::timestamp + interval '90 minutes' AS later;
SELECT 10 / 3 AS int_div, 10 % 3 AS modulo, 10.0 / 3 AS num_div, round(2.5) AS r, -7 / 2 AS neg;
SELECT id, name FROM types_t WHERE id > 100;
UPDATE types_t SET amount = amount * 2 WHERE amount > 0;
DELETE FROM types_t WHERE id = 4;
SELECT id, amount FROM types_t ORDER BY amount NULLS FIRST;
DROP TABLE types_t;
