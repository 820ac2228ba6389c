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
\d+ d_parent
\d+ d_child
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
\d
\d nosuchtable
