// node-postgres interop check: run by testdata/interop/run.sh against the
// server named by PGHOST, PGPORT, PGUSER and PGDATABASE. Prints "ok node-postgres".
'use strict';
const assert = require('node:assert/strict');
const { Client } = require('pg');

const TABLE = 'interop_node';
const ts1 = new Date('2024-01-02T03:04:05.678Z');
const ts2 = new Date('1999-12-31T23:59:59.000Z');
// node-postgres sends a JS Date as a local-time timestamp and decodes a date
// column to local midnight, so dates are built and compared in local time.
const day1 = new Date(2024, 0, 2);
const day2 = new Date(1999, 11, 31);
const rows = [
  [1, 'alpha', '12.34', true, ts1, Buffer.from([0, 1, 0xff]), 1.5, day1, '0e0d9f3c-5f3a-4a57-9d2c-3a1c8f6d2b10'],
  [2, 'Ωmega ✓ سلام 🐘', '-98765.43', false, ts2, Buffer.alloc(0), -0.25, day2, 'ffffffff-0000-4000-8000-000000000001'],
  [3, null, null, null, null, null, null, null, null],
];
const cols = ['id', 'name', 'amount', 'flag', 'ts', 'data', 'score', 'day', 'uid'];

async function expectCode(client, sql, params, code) {
  try {
    await client.query(sql, params);
  } catch (err) {
    assert.equal(err.code, code, `${sql}: want SQLSTATE ${code}, got ${err.code} (${err.message})`);
    return;
  }
  assert.fail(`${sql}: succeeded, want SQLSTATE ${code}`);
}

async function count(client, where, params = []) {
  const r = await client.query(`SELECT count(*) AS n FROM ${TABLE} WHERE ${where}`, params);
  return Number(r.rows[0].n);
}

async function main() {
  const client = new Client({ connectionTimeoutMillis: 10000, query_timeout: 10000 });
  const query = client.query.bind(client); // name the statement in every server error
  client.query = (cfg, values) => query(cfg, values).catch((err) => {
    err.message = `${(cfg.text || cfg).split('\n')[0]}: ${err.message}`;
    throw err;
  });
  await client.connect();

  await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await client.query(`CREATE TABLE ${TABLE} (id int PRIMARY KEY, name text, amount numeric(10,2),
    flag boolean, ts timestamptz, data bytea, score double precision, day date, uid uuid)`);

  // INSERT with bound parameters, including NULLs, unicode and a negative numeric.
  for (const row of rows) {
    const r = await client.query(`INSERT INTO ${TABLE} (${cols}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, row);
    assert.equal(r.rowCount, 1, 'INSERT rowCount');
  }

  // SELECT with a parameter in WHERE: every decoded value.
  for (const want of rows) {
    const r = await client.query(`SELECT ${cols} FROM ${TABLE} WHERE id = $1`, [want[0]]);
    assert.equal(r.rows.length, 1, `SELECT id=${want[0]}: row count`);
    const got = cols.map((c) => r.rows[0][c]);
    assert.deepEqual(got, want, `SELECT id=${want[0]}: decoded values`);
  }
  const r2 = await client.query(`SELECT id, name FROM ${TABLE} WHERE name = $1`, [rows[1][1]]);
  assert.deepEqual(r2.rows, [{ id: 2, name: rows[1][1] }], 'SELECT by unicode text');

  // A transaction that commits and one that rolls back.
  await client.query('BEGIN');
  await client.query(`INSERT INTO ${TABLE} (id, name) VALUES ($1, $2)`, [10, 'committed']);
  await client.query('COMMIT');
  assert.equal(await count(client, 'id = $1', [10]), 1, 'committed row present');
  await client.query('BEGIN');
  await client.query(`INSERT INTO ${TABLE} (id, name) VALUES ($1, $2)`, [11, 'rolled back']);
  await client.query(`UPDATE ${TABLE} SET name = 'changed' WHERE id = 10`);
  assert.equal(await count(client, 'id = 11'), 1, 'row visible inside its transaction');
  await client.query('ROLLBACK');
  assert.equal(await count(client, 'id = 11'), 0, 'rolled-back row absent');
  assert.equal(await count(client, "name = 'committed'"), 1, 'rolled-back UPDATE undone');

  // Errors carry their SQLSTATE and leave the connection usable.
  await expectCode(client, `INSERT INTO ${TABLE} (id, name) VALUES ($1, $2)`, [1, 'dup'], '23505');
  await expectCode(client, 'SELECT * FROM interop_no_such_table', [], '42P01');
  await client.query('BEGIN');
  await expectCode(client, `INSERT INTO ${TABLE} (id) VALUES (2)`, [], '23505');
  await expectCode(client, 'SELECT 1', [], '25P02'); // in failed transaction
  await client.query('ROLLBACK');
  assert.deepEqual((await client.query('SELECT 1 + $1::int AS v', [1])).rows, [{ v: 2 }], 'usable after errors');

  // Named (server-side prepared) statements, each run several times.
  for (let i = 100; i < 106; i++) {
    const r = await client.query({ name: 'interop_ins', text: `INSERT INTO ${TABLE} (id, name, amount) VALUES ($1, $2, $3)`, values: [i, `n${i}`, `${i}.5`] });
    assert.equal(r.rowCount, 1, `named INSERT ${i}`);
  }
  for (let i = 100; i < 106; i++) {
    const r = await client.query({ name: 'interop_sel', text: `SELECT name, amount FROM ${TABLE} WHERE id = $1`, values: [i] });
    assert.deepEqual(r.rows, [{ name: `n${i}`, amount: `${i}.50` }], `named SELECT ${i}`);
  }

  // UPDATE/DELETE affected-row counts.
  let r = await client.query(`UPDATE ${TABLE} SET flag = $1 WHERE id >= $2`, [true, 100]);
  assert.equal(r.rowCount, 6, 'UPDATE rowCount');
  r = await client.query(`UPDATE ${TABLE} SET flag = true WHERE id = $1`, [999]);
  assert.equal(r.rowCount, 0, 'UPDATE of no row');
  r = await client.query(`DELETE FROM ${TABLE} WHERE id >= $1 AND flag`, [101]);
  assert.equal(r.rowCount, 5, 'DELETE rowCount');
  assert.equal(await count(client, 'true'), 5, 'rows left'); // 1, 2, 3, 10, 100

  await client.query(`DROP TABLE ${TABLE}`);
  await client.end();
}

main().then(
  () => console.log('ok node-postgres'),
  (err) => {
    // AssertionError messages already show got/want; server errors get their SQLSTATE.
    const state = /^[0-9A-Z]{5}$/.test(err.code || '') ? ` (SQLSTATE ${err.code})` : '';
    const msg = `FAIL node-postgres: ${err.message}${state}`;
    console.error(msg);
    process.exit(1);
  },
);
