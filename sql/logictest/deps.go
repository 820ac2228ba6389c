package logictest

// The PostgreSQL-backed engine (the oracle) speaks to a real server.
import _ "github.com/jackc/pgx/v5"
