// Package pgwire will be PersianDB's PostgreSQL wire-protocol front end
// (on github.com/jackc/pgx/v5/pgproto3). It is not written yet.
package pgwire
