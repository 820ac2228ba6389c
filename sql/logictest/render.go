package logictest

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Values are rendered by the record's type letter, not by the engine's
// column type, exactly as SQLite's reference runner (sqllogictest.c with its
// SQLite engine) prints them, so that an engine passes a corpus file iff its
// values agree with SQLite's as SQLite would print them:
//
//	any letter  NULL                  -> "NULL"
//	T           text, "" -> "(empty)", each byte outside ' '..'~' -> '@'
//	I           "%d" of the value read as a 64-bit integer: floats and
//	            numerics truncate toward zero (sqlite3_column_int64),
//	            text reads its numeric prefix (0 if none), booleans 1/0
//	R           "%.3f" of the value read as a double (same reading rules)

// Render renders v by the type letter (T, I or R).
func Render(v Value, col ColumnType, letter byte) string {
	if v.Null {
		return "NULL"
	}
	switch letter {
	case 'I':
		return strconv.FormatInt(asInt(v.Text, col), 10)
	case 'R':
		return formatReal(asFloat(v.Text, col))
	}
	return renderText(v.Text)
}

func renderText(s string) string {
	if s == "" {
		return "(empty)"
	}
	b := []byte(s)
	for i, c := range b {
		if c < ' ' || c > '~' {
			b[i] = '@'
		}
	}
	return string(b)
}

// isBool reports whether the column is a PostgreSQL boolean, whose text
// output is t/f where SQLite has 1/0.
func isBool(col ColumnType) bool { return col.Type == "bool" || col.Type == "boolean" }

func asInt(s string, col ColumnType) int64 {
	if isBool(col) {
		return boolNum(s)
	}
	t := strings.TrimSpace(s)
	if i, err := strconv.ParseInt(t, 10, 64); err == nil {
		return i
	}
	return truncate(asFloat(s, col))
}

// truncate converts like SQLite's doubleToInt64: toward zero, clamped.
func truncate(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f <= math.MinInt64:
		return math.MinInt64
	case f >= math.MaxInt64:
		return math.MaxInt64
	}
	return int64(f)
}

func asFloat(s string, col ColumnType) float64 {
	if isBool(col) {
		return float64(boolNum(s))
	}
	t := strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return f
	}
	if f, err := strconv.ParseFloat(numericPrefix(t), 64); err == nil {
		return f
	}
	return 0
}

func boolNum(s string) int64 {
	switch s {
	case "t", "true", "1":
		return 1
	}
	return 0
}

// numericPrefix returns the longest prefix of s that reads as a decimal
// number ("12abc" -> "12"), as SQLite reads text in numeric context.
func numericPrefix(s string) string {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return ""
	}
	end := i
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() > 0 {
			end = i
		}
	}
	return s[:end]
}

// formatReal is C's "%.3f" (Go rounds the exact binary value as glibc
// does), with SQLite's spelling of infinities.
func formatReal(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return fmt.Sprintf("%.3f", f)
}

// Result is a query's rendered values in row-major order, sorted by the
// record's sort mode.
type Result struct {
	Cols   int
	Values []string
}

// RenderResult renders rows by the type letters and sorts them. It fails if
// the engine returned a different number of columns than there are letters.
func RenderResult(types string, sort SortMode, cols []ColumnType, rows [][]Value) (Result, error) {
	if len(cols) != len(types) {
		return Result{}, fmt.Errorf("query returned %d columns, the type string %q has %d", len(cols), types, len(types))
	}
	rendered := make([][]string, len(rows))
	for i, row := range rows {
		if len(row) != len(cols) {
			return Result{}, fmt.Errorf("row %d has %d values, want %d", i, len(row), len(cols))
		}
		r := make([]string, len(row))
		for j, v := range row {
			r[j] = Render(v, cols[j], types[j])
		}
		rendered[i] = r
	}
	if sort == RowSort {
		slices.SortStableFunc(rendered, slices.Compare)
	}
	res := Result{Cols: len(types), Values: make([]string, 0, len(rows)*len(types))}
	for _, r := range rendered {
		res.Values = append(res.Values, r...)
	}
	if sort == ValueSort {
		slices.Sort(res.Values)
	}
	return res, nil
}

// Hash is the MD5 of the values, each followed by "\n", in hex: what
// "N values hashing to <md5>" and labels compare.
func (r Result) Hash() string {
	h := md5.New()
	for _, v := range r.Values {
		h.Write([]byte(v))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Hashed reports whether the result is shown as a hash line under
// hash-threshold t.
func (r Result) Hashed(threshold int) bool {
	return threshold > 0 && len(r.Values) > threshold
}

// HashLine is the line that stands for the result when it is hashed.
func (r Result) HashLine() string {
	return fmt.Sprintf("%d values hashing to %s", len(r.Values), r.Hash())
}

var hashLineRE = regexp.MustCompile(`^[0-9]+ values hashing to [0-9a-f]{32}$`)

// Form is how expected results are written after `----`.
type Form int

const (
	// FormValues is one value per line (SQLite's form).
	FormValues Form = iota
	// FormRows is one row per line, values separated by white space (the
	// extension for multi-column results in our own files).
	FormRows
	// FormHash is the single line "<N> values hashing to <md5>".
	FormHash
)

// Lines is the result written in form f; rows are aligned in columns.
func (r Result) Lines(f Form) []string {
	if f == FormHash {
		return []string{r.HashLine()}
	}
	if f == FormValues || r.Cols < 2 {
		return slices.Clone(r.Values)
	}
	width := make([]int, r.Cols)
	for i, v := range r.Values {
		width[i%r.Cols] = max(width[i%r.Cols], len(v))
	}
	var lines []string
	for i := 0; i < len(r.Values); i += r.Cols {
		var b strings.Builder
		for j, v := range r.Values[i : i+r.Cols] {
			b.WriteString(v)
			if j < r.Cols-1 {
				b.WriteString(strings.Repeat(" ", width[j]-len(v)+1))
			}
		}
		lines = append(lines, b.String())
	}
	return lines
}

// Match compares the result with the expected lines under hash-threshold
// t. A result over the threshold, or an expected single hash line, compares
// by hash; otherwise one value per line, or one row per line (runs of white
// space compare equal). form is the form that matched or, on a mismatch,
// the form expected is written in (the hash form above the threshold), so
// the caller can show or rewrite the actual result in that form.
func (r Result) Match(expected []string, threshold int) (ok bool, form Form) {
	if r.Hashed(threshold) || len(expected) == 1 && hashLineRE.MatchString(expected[0]) {
		return len(expected) == 1 && expected[0] == r.HashLine(), FormHash
	}
	if slices.Equal(expected, r.Values) {
		return true, FormValues
	}
	if !looksByRow(expected, r.Cols) {
		return false, FormValues
	}
	return slices.Equal(normalizeLines(expected), normalizeLines(r.Lines(FormRows))), FormRows
}

// looksByRow guesses whether expected lines hold rows rather than values:
// a multi-column result whose lines carry more than one field each.
func looksByRow(expected []string, cols int) bool {
	if cols < 2 || len(expected) == 0 {
		return false
	}
	for _, l := range expected {
		if len(strings.Fields(l)) < 2 {
			return false
		}
	}
	return true
}

func normalizeLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.Join(strings.Fields(l), " ")
	}
	return out
}
