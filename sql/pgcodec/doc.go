// Package pgcodec converts values to and from their Postgres wire
// representations: the text and binary formats of the extended protocol
// (Bind parameters, DataRow columns) and of COPY.
//
// # Model
//
// A value is a storage.Value; its SQL type is a planner.Type, whose OID is
// what the client was told (RowDescription, ParameterDescription). Each
// direction mirrors one Postgres I/O function:
//
//	AppendText    typoutput  (sem.AppendFormat: DateStyle ISO, IntervalStyle postgres)
//	DecodeText    typinput   (sem.ParseText, then the type modifier)
//	AppendBinary  typsend
//	DecodeBinary  typreceive (then the type modifier)
//
// Files:
//
//	codec.go    format codes, BinaryOK, the text format
//	binary.go   the binary format of every type but numeric
//	numeric.go  numeric's base-10000 binary format
//	array.go    the binary array format (array_send / array_recv)
//	encoding.go UTF-8 verification, as pg_verify_mbstr does for client text
//	errors.go   the errors DecodeBinary returns
//
// # Invariants
//
//   - AppendBinary's bytes are exactly what Postgres 15's typsend sends for
//     the same value, including numeric's display scale (1.50 is sent with
//     dscale 2) and the dscale of 32 Postgres sends with numeric ±Infinity;
//     testdata/pg15_send.txt holds bytes captured from a real server.
//   - DecodeBinary never panics: malformed input is a *pgerr.Error, 22P03
//     for wrong lengths and corrupt numerics, 22021 for invalid UTF-8,
//     22008 for dates and timestamps out of range, 22001/22003 when the
//     type modifier rejects the value.
//   - The type modifier is applied as an input function applies a column's
//     atttypmod (varchar(n) rejects, numeric(p,s) rounds, timestamp(p)
//     rounds). Bind parameters carry typmod -1, so only COPY sees this.
//   - AppendBinary for integers, floats, text and bytea appends in place
//     and allocates only when buf must grow.
//
// # Lifetimes
//
// Decoded values own their memory: src may be reused as soon as a Decode
// function returns (pgproto3 reuses its buffers).
//
// # Debugging
//
// To see what Postgres sends for a value, ask a server for the send
// function's result: select numeric_send('1.50'::numeric). Compare it with
// AppendBinary's output in hex; the golden test prints both on mismatch.
package pgcodec
