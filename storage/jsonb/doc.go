// Package jsonb is the JSON model behind the json and jsonb SQL types:
// parsing JSON text, printing it the way Postgres prints jsonb, and the
// jsonb comparison, containment and existence rules.
//
// # The model
//
// Parse turns JSON text into a tree of Nodes. Every Node keeps Raw, its
// exact source text, because the json type returns pieces of its input
// unchanged (json -> 'a' yields the member's text with its original
// spacing). Objects keep their members in input order with duplicates;
// Normalize turns a tree into jsonb's form: duplicate keys dropped with
// the last one winning, keys sorted by length and then bytewise, numbers
// printed as Postgres's numeric prints them.
//
// A jsonb value is stored as the text Format writes for its normalized
// tree, so equal jsonb values have equal text except for numbers that are
// equal by value but not by scale (1.0 and 1.00); Compare and EqualKey
// treat those as equal.
//
// # Invariants
//
//  1. Parse accepts exactly RFC 8259 JSON as Postgres does: any JSON value
//     at top level, surrounding white space (space, tab, newline, carriage
//     return), no trailing text.
//  2. Format(Normalize(n)) parses back to a tree that normalizes to itself.
//  3. Compare is Postgres's jsonb btree order: Object > Array > Boolean >
//     Number > String > Null; arrays compare by length and then element by
//     element, objects by pair count and then pair by pair in stored key
//     order; strings bytewise (the C collation), numbers by value.
//
// # Debugging
//
// Errors are *SyntaxError values carrying Postgres's DETAIL text; the SQL
// layer turns them into 22P02 (or 22P05 for \u0000 in jsonb).
package jsonb
