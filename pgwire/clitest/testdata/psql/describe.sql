-- serial
-- psql's catalog commands (\d and friends) read pg_catalog.
CREATE TABLE d_parent (
    id serial PRIMARY KEY,
    code varchar(20) NOT NULL DEFAULT 'x',
    u text UNIQUE,
    price numeric(10,2) DEFAULT 0,
    qty integer CHECK (qty > 0),
    made timestamptz,
    flag boolean NOT NULL DEFAULT true
);
CREATE INDEX d_parent_qty_idx ON d_parent (qty);
CREATE UNIQUE INDEX d_parent_code_made ON d_parent (code, made);
CREATE TABLE d_child (
    cid bigint PRIMARY KEY,
    parent integer REFERENCES d_parent (id),
    note text DEFAULT 'none',
    ratio double precision
);
CREATE VIEW d_view AS SELECT id, code FROM d_parent WHERE qty > 1;
CREATE SEQUENCE d_seq;
CREATE INDEX d_parent_made_u ON d_parent (made DESC, u NULLS FIRST);
CREATE TABLE d_pair (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE d_pair_ref (a int, b int, FOREIGN KEY (a, b) REFERENCES d_pair (a, b) ON UPDATE CASCADE ON DELETE SET NULL);
CREATE SEQUENCE d_seq2 INCREMENT 5 MINVALUE 10 MAXVALUE 1000 START 20 CYCLE;
CREATE TABLE d_types (a smallint DEFAULT -1, b bigint DEFAULT 42, c real, d double precision DEFAULT 1.5,
    e numeric, f numeric(5), g text DEFAULT 'it''s', h varchar, i varchar(5), j char(3), k char, l bytea,
    m date DEFAULT '2020-01-01', n timestamp DEFAULT now(), o timestamp(3),
    p timestamptz(0) DEFAULT CURRENT_TIMESTAMP, q interval, r uuid DEFAULT gen_random_uuid(),
    s boolean DEFAULT false, t int[], u text[], v varchar(10)[], w bigserial, x smallserial,
    y int DEFAULT 1 + 2, z text DEFAULT upper('a'));
CREATE TABLE d_checks (i int CHECK (i > 0), b bigint CHECK (b >= 10), n numeric CHECK (n > 0),
    n2 numeric(5,2) CHECK (n2 <> 1.5), f float8 CHECK (f > 0), r real CHECK (r > 1), t text CHECK (t <> ''),
    v varchar(10) CHECK (v != 'x'), c char(2) CHECK (c = 'ab'), d date CHECK (d > '2020-01-01'),
    i2 int CHECK (i2 > 0 AND i2 < 100), i3 int CHECK (i3 IS NOT NULL), i4 int CHECK (i4 IN (1, 2, 3)),
    i5 int CHECK (i5 > 1.5), i6 int CHECK (i6 BETWEEN 1 AND 5), t3 text CHECK (t3 LIKE 'a%'),
    i7 int, CONSTRAINT named_check CHECK (i7 > i));
CREATE TABLE "D_Mixed" (k int, dropme text, "Val" text NOT NULL);
ALTER TABLE "D_Mixed" DROP COLUMN dropme;
\d
\dt
\di
\dv
\ds
\d d_parent
\d d_child
\d d_view
\d d_seq
\d d_parent_id_seq
\d d_parent_pkey
\d d_parent_qty_idx
\d d_parent_code_made
\dt d_*
\dt public.d_c*
\d "D_Mixed"
\d d_types
\d d_parent_u_key
\d d_parent_made_u
\d d_seq2
\d d_pair
\d d_pair_ref
\d d_pair_pkey
\d d_checks
\d+ d_parent
\d+ d_child
\d+ d_view
\dv+
\db
\dp
\dE
\dm
\du
\dn
\df
\dT
BEGIN;
CREATE TABLE d_txn (a int);
\dt d_txn
DROP TABLE d_child;
\dt d_*
ROLLBACK;
\dt d_*
DROP VIEW d_view;
DROP TABLE d_child;
DROP TABLE d_parent;
DROP SEQUENCE d_seq;
DROP TABLE "D_Mixed";
DROP TABLE d_types;
DROP TABLE d_pair_ref;
DROP TABLE d_pair;
DROP SEQUENCE d_seq2;
DROP TABLE d_checks;
\d
\d nosuchtable
