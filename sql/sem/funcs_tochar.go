package sem

// to_char, to_date and to_timestamp(text, text): a port of Postgres 15's
// formatting.c, kept close to the original so that its many corner cases
// (fill mode, '#' overflow, NUL-truncated number strings, the FX and
// non-FX matching rules of to_timestamp) come out the same.
//
// # Model
//
// A template is parsed into a list of fmtNodes (parse_format): keyword
// actions with their FM/TM prefix and TH/th/SP postfix, literal
// characters (from "quoted text", \" escapes, or anything unrecognized),
// separators and spaces. The date/time version (DCH) and the number
// version (NUM) have separate keyword tables; the NUM parser also fills a
// numDesc (NUMDesc_prepare) describing digits, decimal point and sign.
// Parsed templates are cached (fmtCache), as Postgres caches them.
//
//	to_char(timestamp|timestamptz|interval, text)  dchToChar over a toCharTM
//	to_char(int4|int8|float4|float8|numeric, text) toCharNumber prints the
//	    value as a digit string, then numProcessor lays it out
//	to_date, to_timestamp(text, text)              dchFromChar fills a
//	    tmFromChar; doToTimestamp turns it into calendar fields
//
// There is no to_char(date): as in Postgres, Lookup sends a date to the
// timestamptz overload (the preferred type), read at midnight in the
// session TimeZone; smallint goes to double precision the same way.
//
// # Invariants
//
//   - Output is byte-for-byte Postgres 15 with lc_numeric, lc_monetary and
//     lc_time C: D is ".", G is ",", L is a space, S is "+"/"-", and TM
//     names are the English ones.
//   - The NUM processor works on a NUL-terminated copy of the digit string,
//     as the C code does; its output is cut at the first NUL, which is
//     what cstring_to_text does when a format asks for more digits than
//     the float path produced.
//   - Errors carry Postgres's SQLSTATE: 22007 for template and input
//     mismatches, 22008 for fields out of range, 22009 for a time zone
//     displacement, 42601 for contradictory number templates, 0A000 for
//     TZ/OF in to_timestamp (Postgres 15 only formats them).

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

func init() {
	register(
		fn("to_char", tText, types(tTS, tText), toCharTimestamp),
		fn("to_char", tText, types(tTSTZ, tText), toCharTimestamp),
		fn("to_char", tText, types(tIntvl, tText), toCharInterval),
		fn("to_char", tText, types(tInt4, tText), toCharNumber),
		fn("to_char", tText, types(tInt8, tText), toCharNumber),
		fn("to_char", tText, types(tFloat4, tText), toCharNumber),
		fn("to_char", tText, types(tFloat8, tText), toCharNumber),
		fn("to_char", tText, types(tNumeric, tText), toCharNumber),
		fn("to_date", tDate, types(tText, tText), toDate),
		fn("to_timestamp", tTSTZ, types(tText, tText), toTimestamp),
	)
}

// ---------------------------------------------------------------------
// Template parsing (parse_format)

type fmtNodeKind uint8

const (
	nodeAction fmtNodeKind = iota + 1
	nodeChar
	nodeSeparator
	nodeSpace
)

// dateMode is FromCharDateMode: which calendar convention a pattern
// belongs to when parsing.
type dateMode uint8

const (
	modeNone dateMode = iota
	modeGregorian
	modeISOWeek
)

type fmtKeyword struct {
	name  string
	id    int
	digit bool // the pattern reads digits (is_digit)
	mode  dateMode
}

type fmtNode struct {
	kind   fmtNodeKind
	key    *fmtKeyword // nodeAction only
	suffix uint8
	char   string // the character of a non-action node
}

// Suffixes (FormatNode.suffix bits).
const (
	sufFM uint8 = 1 << iota
	sufTH
	sufth
	sufSP
	sufTM
)

func sufTHth(s uint8) bool { return s&(sufTH|sufth) != 0 }

// Date/time pattern ids (DCH_poz); lower-case spellings share the upper
// case id unless their output differs.
const (
	dchA_D = iota
	dchA_M
	dchAD
	dchAM
	dchB_C
	dchBC
	dchCC
	dchDAY
	dchDDD
	dchDD
	dchDY
	dchDay
	dchDy
	dchD
	dchFF1
	dchFF2
	dchFF3
	dchFF4
	dchFF5
	dchFF6
	dchFX
	dchHH24
	dchHH12
	dchHH
	dchIDDD
	dchID
	dchIW
	dchIYYY
	dchIYY
	dchIY
	dchI
	dchJ
	dchMI
	dchMM
	dchMONTH
	dchMON
	dchMS
	dchMonth
	dchMon
	dchOF
	dchP_M
	dchPM
	dchQ
	dchRM
	dchSSSS
	dchSS
	dchTZH
	dchTZM
	dchTZ
	dchUS
	dchWW
	dchW
	dchY_YYY
	dchYYYY
	dchYYY
	dchYY
	dchY
	dcha_d
	dcha_m
	dchad
	dcham
	dchb_c
	dchbc
	dchday
	dchdy
	dchmonth
	dchmon
	dchp_m
	dchpm
	dchrm
	dchtz
)

// dchKeywords is DCH_keywords: sorted by first character, and within one
// first character longest-match first ("DDD" before "DD" before "D").
var dchKeywords = []fmtKeyword{
	{"A.D.", dchA_D, false, modeNone},
	{"A.M.", dchA_M, false, modeNone},
	{"AD", dchAD, false, modeNone},
	{"AM", dchAM, false, modeNone},
	{"B.C.", dchB_C, false, modeNone},
	{"BC", dchBC, false, modeNone},
	{"CC", dchCC, true, modeNone},
	{"DAY", dchDAY, false, modeNone},
	{"DDD", dchDDD, true, modeGregorian},
	{"DD", dchDD, true, modeGregorian},
	{"DY", dchDY, false, modeNone},
	{"Day", dchDay, false, modeNone},
	{"Dy", dchDy, false, modeNone},
	{"D", dchD, true, modeGregorian},
	{"FF1", dchFF1, true, modeNone},
	{"FF2", dchFF2, true, modeNone},
	{"FF3", dchFF3, true, modeNone},
	{"FF4", dchFF4, true, modeNone},
	{"FF5", dchFF5, true, modeNone},
	{"FF6", dchFF6, true, modeNone},
	{"FX", dchFX, false, modeNone},
	{"HH24", dchHH24, true, modeNone},
	{"HH12", dchHH12, true, modeNone},
	{"HH", dchHH, true, modeNone},
	{"IDDD", dchIDDD, true, modeISOWeek},
	{"ID", dchID, true, modeISOWeek},
	{"IW", dchIW, true, modeISOWeek},
	{"IYYY", dchIYYY, true, modeISOWeek},
	{"IYY", dchIYY, true, modeISOWeek},
	{"IY", dchIY, true, modeISOWeek},
	{"I", dchI, true, modeISOWeek},
	{"J", dchJ, true, modeNone},
	{"MI", dchMI, true, modeNone},
	{"MM", dchMM, true, modeGregorian},
	{"MONTH", dchMONTH, false, modeGregorian},
	{"MON", dchMON, false, modeGregorian},
	{"MS", dchMS, true, modeNone},
	{"Month", dchMonth, false, modeGregorian},
	{"Mon", dchMon, false, modeGregorian},
	{"OF", dchOF, false, modeNone},
	{"P.M.", dchP_M, false, modeNone},
	{"PM", dchPM, false, modeNone},
	{"Q", dchQ, true, modeNone},
	{"RM", dchRM, false, modeGregorian},
	{"SSSSS", dchSSSS, true, modeNone},
	{"SSSS", dchSSSS, true, modeNone},
	{"SS", dchSS, true, modeNone},
	{"TZH", dchTZH, false, modeNone},
	{"TZM", dchTZM, true, modeNone},
	{"TZ", dchTZ, false, modeNone},
	{"US", dchUS, true, modeNone},
	{"WW", dchWW, true, modeGregorian},
	{"W", dchW, true, modeGregorian},
	{"Y,YYY", dchY_YYY, true, modeGregorian},
	{"YYYY", dchYYYY, true, modeGregorian},
	{"YYY", dchYYY, true, modeGregorian},
	{"YY", dchYY, true, modeGregorian},
	{"Y", dchY, true, modeGregorian},
	{"a.d.", dcha_d, false, modeNone},
	{"a.m.", dcha_m, false, modeNone},
	{"ad", dchad, false, modeNone},
	{"am", dcham, false, modeNone},
	{"b.c.", dchb_c, false, modeNone},
	{"bc", dchbc, false, modeNone},
	{"cc", dchCC, true, modeNone},
	{"day", dchday, false, modeNone},
	{"ddd", dchDDD, true, modeGregorian},
	{"dd", dchDD, true, modeGregorian},
	{"dy", dchdy, false, modeNone},
	{"d", dchD, true, modeGregorian},
	{"ff1", dchFF1, true, modeNone},
	{"ff2", dchFF2, true, modeNone},
	{"ff3", dchFF3, true, modeNone},
	{"ff4", dchFF4, true, modeNone},
	{"ff5", dchFF5, true, modeNone},
	{"ff6", dchFF6, true, modeNone},
	{"fx", dchFX, false, modeNone},
	{"hh24", dchHH24, true, modeNone},
	{"hh12", dchHH12, true, modeNone},
	{"hh", dchHH, true, modeNone},
	{"iddd", dchIDDD, true, modeISOWeek},
	{"id", dchID, true, modeISOWeek},
	{"iw", dchIW, true, modeISOWeek},
	{"iyyy", dchIYYY, true, modeISOWeek},
	{"iyy", dchIYY, true, modeISOWeek},
	{"iy", dchIY, true, modeISOWeek},
	{"i", dchI, true, modeISOWeek},
	{"j", dchJ, true, modeNone},
	{"mi", dchMI, true, modeNone},
	{"mm", dchMM, true, modeGregorian},
	{"month", dchmonth, false, modeGregorian},
	{"mon", dchmon, false, modeGregorian},
	{"ms", dchMS, true, modeNone},
	{"of", dchOF, false, modeNone},
	{"p.m.", dchp_m, false, modeNone},
	{"pm", dchpm, false, modeNone},
	{"q", dchQ, true, modeNone},
	{"rm", dchrm, false, modeGregorian},
	{"sssss", dchSSSS, true, modeNone},
	{"ssss", dchSSSS, true, modeNone},
	{"ss", dchSS, true, modeNone},
	{"tzh", dchTZH, false, modeNone},
	{"tzm", dchTZM, true, modeNone},
	{"tz", dchtz, false, modeNone},
	{"us", dchUS, true, modeNone},
	{"ww", dchWW, true, modeGregorian},
	{"w", dchW, true, modeGregorian},
	{"y,yyy", dchY_YYY, true, modeGregorian},
	{"yyyy", dchYYYY, true, modeGregorian},
	{"yyy", dchYYY, true, modeGregorian},
	{"yy", dchYY, true, modeGregorian},
	{"y", dchY, true, modeGregorian},
}

// Number pattern ids (NUM_poz).
const (
	numCOMMA = iota
	numDEC
	num0
	num9
	numB
	numC
	numD
	numE
	numFM
	numG
	numL
	numMI
	numPL
	numPR
	numRN
	numSG
	numSP
	numS
	numTH
	numV
	numrn
	numth
)

var numKeywords = []fmtKeyword{
	{name: ",", id: numCOMMA},
	{name: ".", id: numDEC},
	{name: "0", id: num0},
	{name: "9", id: num9},
	{name: "B", id: numB},
	{name: "C", id: numC},
	{name: "D", id: numD},
	{name: "EEEE", id: numE},
	{name: "FM", id: numFM},
	{name: "G", id: numG},
	{name: "L", id: numL},
	{name: "MI", id: numMI},
	{name: "PL", id: numPL},
	{name: "PR", id: numPR},
	{name: "RN", id: numRN},
	{name: "SG", id: numSG},
	{name: "SP", id: numSP},
	{name: "S", id: numS},
	{name: "TH", id: numTH},
	{name: "V", id: numV},
	{name: "b", id: numB},
	{name: "c", id: numC},
	{name: "d", id: numD},
	{name: "eeee", id: numE},
	{name: "fm", id: numFM},
	{name: "g", id: numG},
	{name: "l", id: numL},
	{name: "mi", id: numMI},
	{name: "pl", id: numPL},
	{name: "pr", id: numPR},
	{name: "rn", id: numrn},
	{name: "sg", id: numSG},
	{name: "sp", id: numSP},
	{name: "s", id: numS},
	{name: "th", id: numth},
	{name: "v", id: numV},
}

// keywordIndex maps a first byte to the position of the first keyword
// starting with it (DCH_index, NUM_index).
type keywordIndex [128]int16

func buildIndex(kws []fmtKeyword) *keywordIndex {
	var idx keywordIndex
	for i := range idx {
		idx[i] = -1
	}
	for i := len(kws) - 1; i >= 0; i-- {
		idx[kws[i].name[0]] = int16(i)
	}
	return &idx
}

var (
	dchIndex = buildIndex(dchKeywords)
	numIndex = buildIndex(numKeywords)
)

// indexSeqSearch is index_seq_search: the first keyword, among those
// sharing s's first byte, that is a prefix of s.
func indexSeqSearch(s string, kws []fmtKeyword, idx *keywordIndex) *fmtKeyword {
	c := s[0]
	if c <= ' ' || c >= '~' {
		return nil
	}
	for i := int(idx[c]); i >= 0 && i < len(kws) && kws[i].name[0] == c; i++ {
		if strings.HasPrefix(s, kws[i].name) {
			return &kws[i]
		}
	}
	return nil
}

var (
	dchPrefixes = []struct {
		name string
		id   uint8
	}{{"FM", sufFM}, {"fm", sufFM}, {"TM", sufTM}, {"tm", sufTM}}
	dchPostfixes = []struct {
		name string
		id   uint8
	}{{"TH", sufTH}, {"th", sufth}, {"SP", sufSP}}
)

// isSeparatorChar: ASCII printable, but not a letter or digit.
func isSeparatorChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !isAlpha(c) && !isDigit(c)
}

// mblen is pg_mblen for UTF-8: the length implied by the lead byte,
// clipped to the string.
func mblen(s string) int {
	if len(s) == 0 {
		return 0
	}
	c := s[0]
	n := 1
	switch {
	case c&0xe0 == 0xc0:
		n = 2
	case c&0xf0 == 0xe0:
		n = 3
	case c&0xf8 == 0xf0:
		n = 4
	}
	return min(n, len(s))
}

// parseFormat is parse_format for the date/time version (num == nil) or
// the number version.
func parseFormat(s string, num *numDesc) ([]fmtNode, error) {
	dch := num == nil
	kws, idx := dchKeywords, dchIndex
	if !dch {
		kws, idx = numKeywords, numIndex
	}
	nodes := make([]fmtNode, 0, len(s))
	for i := 0; i < len(s); {
		var suffix uint8
		if dch {
			for _, p := range dchPrefixes {
				if strings.HasPrefix(s[i:], p.name) {
					suffix |= p.id
					i += len(p.name)
					break
				}
			}
		}
		if i < len(s) {
			if k := indexSeqSearch(s[i:], kws, idx); k != nil {
				n := fmtNode{kind: nodeAction, key: k, suffix: suffix}
				i += len(k.name)
				if !dch {
					if err := num.prepare(k.id); err != nil {
						return nil, err
					}
				}
				if dch && i < len(s) {
					for _, p := range dchPostfixes {
						if strings.HasPrefix(s[i:], p.name) {
							n.suffix |= p.id
							i += len(p.name)
							break
						}
					}
				}
				nodes = append(nodes, n)
				continue
			}
		}
		if i >= len(s) {
			break
		}
		if s[i] == '"' {
			i++
			for i < len(s) {
				if s[i] == '"' {
					i++
					break
				}
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				l := mblen(s[i:])
				nodes = append(nodes, fmtNode{kind: nodeChar, char: s[i : i+l]})
				i += l
			}
			continue
		}
		// Outside quotes a backslash is special only before a quote.
		if s[i] == '\\' && i+1 < len(s) && s[i+1] == '"' {
			i++
		}
		l := mblen(s[i:])
		kind := nodeChar
		switch {
		case dch && isSeparatorChar(s[i]):
			kind = nodeSeparator
		case isSpace(s[i]):
			kind = nodeSpace
		}
		nodes = append(nodes, fmtNode{kind: kind, char: s[i : i+l]})
		i += l
	}
	return nodes, nil
}

// fmtCache keeps parsed templates, as Postgres's DCHCache and NUMCache
// do, so that to_char over many rows parses its template once. Cached
// node slices are shared and never modified; the numDesc is copied out
// because the number processor adjusts it.
var fmtCache struct {
	mu sync.Mutex
	// m is protected by mu. It holds at most fmtCacheEntries templates of
	// at most fmtCacheMaxLen bytes and is emptied when full.
	m map[fmtCacheKey]*parsedTemplate
}

const (
	fmtCacheEntries = 128
	fmtCacheMaxLen  = 256
)

type fmtCacheKey struct {
	tmpl string
	num  bool
}

type parsedTemplate struct {
	nodes []fmtNode
	desc  numDesc
}

// templateNodes returns the parsed date/time template (num false) or the
// number template and its description.
func templateNodes(tmpl string, num bool) ([]fmtNode, numDesc, error) {
	key := fmtCacheKey{tmpl, num}
	fmtCache.mu.Lock()
	p := fmtCache.m[key]
	fmtCache.mu.Unlock()
	if p != nil {
		return p.nodes, p.desc, nil
	}
	p = &parsedTemplate{}
	var desc *numDesc
	if num {
		desc = &p.desc
	}
	nodes, err := parseFormat(tmpl, desc)
	if err != nil {
		return nil, numDesc{}, err
	}
	p.nodes = nodes
	if len(tmpl) <= fmtCacheMaxLen {
		fmtCache.mu.Lock()
		if fmtCache.m == nil || len(fmtCache.m) >= fmtCacheEntries {
			fmtCache.m = make(map[fmtCacheKey]*parsedTemplate)
		}
		fmtCache.m[key] = p
		fmtCache.mu.Unlock()
	}
	return p.nodes, p.desc, nil
}

// ---------------------------------------------------------------------
// to_char for timestamps and intervals (DCH_to_char)

// toCharTM is TmToChar: calendar fields of a timestamp (astronomical
// year) or the fields of an interval (interval2itm).
type toCharTM struct {
	sec, min   int
	hour       int64
	mday, mon  int
	year       int
	wday, yday int
	gmtoff     int
	fsec       int
	tzn        string
	hasTzn     bool
}

var (
	monthsFull = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	monthsShort = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	daysFull    = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	daysShort   = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	// Roman months in reverse order, as seq_search needs them.
	rmMonthsUpper   = []string{"XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"}
	rmMonthsLower   = []string{"xii", "xi", "x", "ix", "viii", "vii", "vi", "v", "iv", "iii", "ii", "i"}
	ampmStrings     = []string{"am", "pm", "AM", "PM"}
	ampmStringsLong = []string{"a.m.", "p.m.", "A.M.", "P.M."}
	adbcStrings     = []string{"ad", "bc", "AD", "BC"}
	adbcStringsLong = []string{"a.d.", "b.c.", "A.D.", "B.C."}
)

// appendCInt is sprintf("%0*d", width, v): zero padding after the sign,
// the sign counting toward the width.
func appendCInt(b []byte, v int64, width int) []byte {
	var buf [24]byte
	d := strconv.AppendInt(buf[:0], v, 10)
	if v < 0 {
		b = append(b, '-')
		d = d[1:]
		width--
	}
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// appendPadRight is sprintf("%*s", -width, s).
func appendPadRight(b []byte, s string, width int) []byte {
	b = append(b, s...)
	for i := len(s); i < width; i++ {
		b = append(b, ' ')
	}
	return b
}

// ordinalSuffix is get_th: ST, ND, RD or TH for the digits in num.
func ordinalSuffix(num []byte, upper bool) (string, error) {
	if len(num) == 0 || !isDigit(num[len(num)-1]) {
		return "", pgerr.New(pgerr.InvalidTextRepresentation, "\"%s\" is not a number", num)
	}
	last := num[len(num)-1]
	if len(num) > 1 && num[len(num)-2] == '1' {
		last = 0
	}
	s := "th"
	switch last {
	case '1':
		s = "st"
	case '2':
		s = "nd"
	case '3':
		s = "rd"
	}
	if upper {
		s = strings.ToUpper(s)
	}
	return s, nil
}

var errIntervalFormat = pgerr.New(pgerr.InvalidDatetimeFormat, "invalid format specification for an interval value").
	WithHint("Intervals are not tied to specific calendar dates.")

// adjustYear is ADJUST_YEAR: the year of the era for timestamps, the year
// itself for intervals.
func adjustYear(y int, interval bool) int {
	if interval || y > 0 {
		return y
	}
	return -(y - 1)
}

// date2jC is date2j in C's 32-bit int arithmetic (Postgres is built
// with -fwrapv), for the unvalidated fields of intervals and of
// to_timestamp's input.
func date2jC(y, m, d int) int {
	year, month, day := int32(y), int32(m), int32(d)
	if month > 2 {
		month++
		year += 4800
	} else {
		month += 13
		year += 4799
	}
	century := year / 100
	julian := year*365 - 32167
	julian += year/4 - century + century/4
	julian += 7834*month/256 + day
	return int(julian)
}

// j2dateC is j2date with C's 32-bit unsigned arithmetic.
func j2dateC(jd int) (year, month, day int) {
	julian := uint32(int32(jd))
	julian += 32044
	quad := julian / 146097
	extra := (julian-quad*146097)*4 + 3
	julian += 60 + quad*3 + extra/146097
	quad = julian / 1461
	julian -= quad * 1461
	y := int32(julian * 4 / 1461)
	if y != 0 {
		julian = (julian+305)%365 + 123
	} else {
		julian = (julian+306)%366 + 123
	}
	y = int32(uint32(y) + quad*4)
	year = int(y - 4800)
	quad = julian * 2141 / 65536
	day = int(int32(julian - 7834*quad/256))
	month = int((quad+10)%12 + 1)
	return
}

// julianDow is Postgres's j2day: the day of the week, 0 is Sunday.
func julianDow(jd int) int {
	d := int(int32(jd+1) % 7)
	if d < 0 {
		d += 7
	}
	return d
}

// isoWeekStartJ is isoweek2j: the Julian day of the Monday of an ISO
// year's week. It and the three functions after it (date2isoweek,
// date2isoyear, date2isoyearday) compute in C's 32-bit int, like date2jC.
func isoWeekStartJ(year, week int) int {
	day4 := int32(date2jC(year, 1, 4))
	day0 := int32(julianDow(int(day4 - 1)))
	return int((int32(week)-1)*7 + (day4 - day0))
}

// isoWeekOf and isoYearOf are date2isoweek and date2isoyear, which also
// accept the unnormalized fields of an interval.
func isoWeekOf(year, mon, mday int) int {
	dayn := int32(date2jC(year, mon, mday))
	day4 := int32(date2jC(year, 1, 4))
	day0 := int32(julianDow(int(day4 - 1)))
	if dayn < day4-day0 {
		day4 = int32(date2jC(int(int32(year)-1), 1, 4))
		day0 = int32(julianDow(int(day4 - 1)))
	}
	result := (dayn-(day4-day0))/7 + 1
	if result >= 52 {
		day4 = int32(date2jC(int(int32(year)+1), 1, 4))
		day0 = int32(julianDow(int(day4 - 1)))
		if dayn >= day4-day0 {
			result = (dayn-(day4-day0))/7 + 1
		}
	}
	return int(result)
}

func isoYearOf(year, mon, mday int) int {
	y := int32(year)
	dayn := int32(date2jC(year, mon, mday))
	day4 := int32(date2jC(year, 1, 4))
	day0 := int32(julianDow(int(day4 - 1)))
	if dayn < day4-day0 {
		day4 = int32(date2jC(int(y-1), 1, 4))
		day0 = int32(julianDow(int(day4 - 1)))
		y--
	}
	result := (dayn-(day4-day0))/7 + 1
	if result >= 52 {
		day4 = int32(date2jC(int(y+1), 1, 4))
		day0 = int32(julianDow(int(day4 - 1)))
		if dayn >= day4-day0 {
			y++
		}
	}
	return int(y)
}

func isoYearDayOf(year, mon, mday int) int {
	return int(int32(date2jC(year, mon, mday)) - int32(isoWeekStartJ(isoYearOf(year, mon, mday), 1)) + 1)
}

// w32 wraps x to C's 32-bit int, as Postgres (built with -fwrapv)
// computes the unchecked field arithmetic of to_timestamp.
func w32(x int) int { return int(int32(x)) }

// dchToChar is DCH_to_char.
func dchToChar(nodes []fmtNode, interval bool, tm *toCharTM) ([]byte, error) {
	var s []byte
	for i := range nodes {
		n := &nodes[i]
		if n.kind != nodeAction {
			s = append(s, n.char...)
			continue
		}
		fm := n.suffix&sufFM != 0
		tmSuffix := n.suffix&sufTM != 0
		start := len(s)
		numeric := true // the pattern printed a number that TH may follow
		width := func(w int, nonNeg bool) int {
			if fm {
				return 0
			}
			if nonNeg {
				return w
			}
			return w + 1
		}
		pm := tm.hour%24 >= 12
		switch n.key.id {
		case dchA_M, dchP_M:
			s = append(s, either(pm, "P.M.", "A.M.")...)
			numeric = false
		case dchAM, dchPM:
			s = append(s, either(pm, "PM", "AM")...)
			numeric = false
		case dcha_m, dchp_m:
			s = append(s, either(pm, "p.m.", "a.m.")...)
			numeric = false
		case dcham, dchpm:
			s = append(s, either(pm, "pm", "am")...)
			numeric = false
		case dchHH, dchHH12:
			h := tm.hour % 12
			if h == 0 {
				h = 12
			}
			s = appendCInt(s, h, width(2, tm.hour >= 0))
		case dchHH24:
			s = appendCInt(s, tm.hour, width(2, tm.hour >= 0))
		case dchMI:
			s = appendCInt(s, int64(tm.min), width(2, tm.min >= 0))
		case dchSS:
			s = appendCInt(s, int64(tm.sec), width(2, tm.sec >= 0))
		case dchFF1:
			s = appendCInt(s, int64(tm.fsec/100000), 1)
		case dchFF2:
			s = appendCInt(s, int64(tm.fsec/10000), 2)
		case dchFF3, dchMS:
			s = appendCInt(s, int64(tm.fsec/1000), 3)
		case dchFF4:
			s = appendCInt(s, int64(tm.fsec/100), 4)
		case dchFF5:
			s = appendCInt(s, int64(tm.fsec/10), 5)
		case dchFF6, dchUS:
			s = appendCInt(s, int64(tm.fsec), 6)
		case dchSSSS:
			s = strconv.AppendInt(s, tm.hour*3600+int64(tm.min)*60+int64(tm.sec), 10)
		case dchtz, dchTZ:
			if interval {
				return nil, errIntervalFormat
			}
			if tm.hasTzn {
				if n.key.id == dchtz {
					s = append(s, strings.ToLower(tm.tzn)...)
				} else {
					s = append(s, tm.tzn...)
				}
			}
			continue
		case dchTZH:
			if interval {
				return nil, errIntervalFormat
			}
			s = append(s, either(tm.gmtoff >= 0, "+", "-")...)
			s = appendCInt(s, int64(absOff(tm.gmtoff)/3600), 2)
			continue
		case dchTZM:
			if interval {
				return nil, errIntervalFormat
			}
			s = appendCInt(s, int64(absOff(tm.gmtoff)%3600/60), 2)
			continue
		case dchOF:
			if interval {
				return nil, errIntervalFormat
			}
			s = append(s, either(tm.gmtoff >= 0, "+", "-")...)
			s = appendCInt(s, int64(absOff(tm.gmtoff)/3600), width(2, true))
			if absOff(tm.gmtoff)%3600 != 0 {
				s = append(s, ':')
				s = appendCInt(s, int64(absOff(tm.gmtoff)%3600/60), 2)
			}
			continue
		case dchA_D, dchB_C, dchAD, dchBC, dcha_d, dchb_c, dchad, dchbc:
			if interval {
				return nil, errIntervalFormat
			}
			bc := tm.year <= 0
			switch n.key.id {
			case dchA_D, dchB_C:
				s = append(s, either(bc, "B.C.", "A.D.")...)
			case dchAD, dchBC:
				s = append(s, either(bc, "BC", "AD")...)
			case dcha_d, dchb_c:
				s = append(s, either(bc, "b.c.", "a.d.")...)
			default:
				s = append(s, either(bc, "bc", "ad")...)
			}
			continue
		case dchMONTH, dchMonth, dchmonth, dchMON, dchMon, dchmon:
			if interval {
				return nil, errIntervalFormat
			}
			if tm.mon == 0 {
				continue
			}
			full := n.key.id == dchMONTH || n.key.id == dchMonth || n.key.id == dchmonth
			name := monthsShort[tm.mon-1]
			if full {
				name = monthsFull[tm.mon-1]
			}
			switch n.key.id {
			case dchMONTH, dchMON:
				name = strings.ToUpper(name)
			case dchmonth, dchmon:
				name = strings.ToLower(name)
			}
			if full && !tmSuffix {
				s = appendPadRight(s, name, width(9, true))
			} else {
				s = append(s, name...)
			}
			continue
		case dchMM:
			s = appendCInt(s, int64(tm.mon), width(2, tm.mon >= 0))
		case dchDAY, dchDay, dchday, dchDY, dchDy, dchdy:
			if interval {
				return nil, errIntervalFormat
			}
			full := n.key.id == dchDAY || n.key.id == dchDay || n.key.id == dchday
			name := daysShort[tm.wday]
			if full {
				name = daysFull[tm.wday]
			}
			switch n.key.id {
			case dchDAY, dchDY:
				name = strings.ToUpper(name)
			case dchday, dchdy:
				name = strings.ToLower(name)
			}
			if full && !tmSuffix {
				s = appendPadRight(s, name, width(9, true))
			} else {
				s = append(s, name...)
			}
			continue
		case dchDDD, dchIDDD:
			v := tm.yday
			if n.key.id == dchIDDD {
				v = isoYearDayOf(tm.year, tm.mon, tm.mday)
			}
			s = appendCInt(s, int64(v), width(3, true))
		case dchDD:
			s = appendCInt(s, int64(tm.mday), width(2, true))
		case dchD:
			if interval {
				return nil, errIntervalFormat
			}
			s = strconv.AppendInt(s, int64(tm.wday+1), 10)
		case dchID:
			if interval {
				return nil, errIntervalFormat
			}
			d := tm.wday
			if d == 0 {
				d = 7
			}
			s = strconv.AppendInt(s, int64(d), 10)
		case dchWW:
			s = appendCInt(s, int64((tm.yday-1)/7+1), width(2, true))
		case dchIW:
			s = appendCInt(s, int64(isoWeekOf(tm.year, tm.mon, tm.mday)), width(2, true))
		case dchQ:
			if tm.mon == 0 {
				continue
			}
			s = strconv.AppendInt(s, int64((tm.mon-1)/3+1), 10)
		case dchCC:
			var c int
			switch {
			case interval:
				c = tm.year / 100
			case tm.year > 0:
				c = (tm.year-1)/100 + 1
			default:
				c = tm.year/100 - 1
			}
			if c <= 99 && c >= -99 {
				s = appendCInt(s, int64(c), width(2, c >= 0))
			} else {
				s = strconv.AppendInt(s, int64(c), 10)
			}
		case dchY_YYY:
			y := adjustYear(tm.year, interval)
			k := y / 1000
			s = strconv.AppendInt(s, int64(k), 10)
			s = append(s, ',')
			s = appendCInt(s, int64(y-k*1000), 3)
		case dchYYYY, dchIYYY, dchYYY, dchIYY, dchYY, dchIY, dchY, dchI:
			y := adjustYear(tm.year, interval)
			w, id := 4, n.key.id
			switch id {
			case dchIYYY, dchIYY, dchIY, dchI:
				y = adjustYear(isoYearOf(tm.year, tm.mon, tm.mday), interval)
			}
			switch id {
			case dchYYY, dchIYY:
				w, y = 3, y%1000
			case dchYY, dchIY:
				w, y = 2, y%100
			case dchY, dchI:
				w, y = 1, y%10
			}
			if w == 1 {
				s = appendCInt(s, int64(y), 1)
				break
			}
			if adjustYear(tm.year, interval) >= 0 {
				s = appendCInt(s, int64(y), width(w, true))
			} else {
				s = appendCInt(s, int64(y), width(w, false))
			}
		case dchRM, dchrm:
			if tm.mon == 0 && tm.year == 0 {
				continue
			}
			months := rmMonthsUpper
			if n.key.id == dchrm {
				months = rmMonthsLower
			}
			var m int
			switch {
			case tm.mon == 0:
				m = either(tm.year >= 0, 0, 11)
			case tm.mon < 0:
				m = -1 * (tm.mon + 1)
			default:
				m = 12 - tm.mon
			}
			s = appendPadRight(s, months[m], width(4, true))
			continue
		case dchW:
			s = strconv.AppendInt(s, int64((tm.mday-1)/7+1), 10)
		case dchJ:
			s = strconv.AppendInt(s, int64(date2jC(tm.year, tm.mon, tm.mday)), 10)
		default: // FX has no output
			continue
		}
		if numeric && sufTHth(n.suffix) {
			th, err := ordinalSuffix(s[start:], n.suffix&sufTH != 0)
			if err != nil {
				return nil, err
			}
			s = append(s, th...)
		}
	}
	return s, nil
}

func either[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}

func absOff(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// zoneOf returns the UTC offset (seconds east) and abbreviation that loc
// has at the UTC instant us.
func zoneOf(us int64, loc *time.Location) (int, string) {
	if loc == nil {
		loc = time.UTC
	}
	secs, _ := splitSecs(us)
	name, off := time.Unix(secs+pgEpochUnix, 0).In(loc).Zone()
	return off, name
}

// toCharTimestamp is timestamp_to_char and timestamptz_to_char: NULL for
// an empty template or an infinite timestamp.
func toCharTimestamp(c *Context, a []storage.Value) (storage.Value, error) {
	tmpl := str(a[1])
	us := a[0].AsMicros()
	if tmpl == "" || isInfTS(us) {
		return storage.Null(), nil
	}
	var tm toCharTM
	if a[0].Type() == tTSTZ {
		off, name := zoneOf(us, c.loc())
		us += int64(off) * microsPerSecond
		tm.gmtoff, tm.tzn, tm.hasTzn = off, name, true
	}
	days, tod := splitMicros(us)
	jd := int(days) + postgresEpochJDate
	tm.year, tm.mon, tm.mday = j2date(jd)
	tm.hour = tod / microsPerHour
	tm.min = int(tod / microsPerMinute % 60)
	tm.sec = int(tod / microsPerSecond % 60)
	tm.fsec = int(tod % microsPerSecond)
	tm.wday = (jd + 1) % 7
	tm.yday = jd - date2j(tm.year, 1, 1) + 1
	nodes, _, err := templateNodes(tmpl, false)
	if err != nil {
		return storage.Value{}, err
	}
	out, err := dchToChar(nodes, false, &tm)
	if err != nil {
		return storage.Value{}, err
	}
	return storage.Text(string(out)), nil
}

// toCharInterval is interval_to_char: the fields of interval2itm, with
// yday approximating the span in days.
func toCharInterval(_ *Context, a []storage.Value) (storage.Value, error) {
	tmpl := str(a[1])
	if tmpl == "" {
		return storage.Null(), nil
	}
	mon, day, t := a[0].AsInterval()
	var tm toCharTM
	tm.year = int(mon / 12)
	tm.mon = int(mon % 12)
	tm.mday = int(day)
	tm.hour = t / microsPerHour
	t -= tm.hour * microsPerHour
	tm.min = int(t / microsPerMinute)
	t -= int64(tm.min) * microsPerMinute
	tm.sec = int(t / microsPerSecond)
	tm.fsec = int(t - int64(tm.sec)*microsPerSecond)
	tm.yday = (tm.year*12+tm.mon)*30 + tm.mday
	nodes, _, err := templateNodes(tmpl, false)
	if err != nil {
		return storage.Value{}, err
	}
	out, err := dchToChar(nodes, true, &tm)
	if err != nil {
		return storage.Value{}, err
	}
	return storage.Text(string(out)), nil
}

// ---------------------------------------------------------------------
// The number version (NUMDesc_prepare, NUM_processor, *_to_char)

// numDesc is NUMDesc.
type numDesc struct {
	pre, post   int // digits before and after the decimal point
	lsign       int // numLsign*
	flag        int
	preLsignNum int
	multi       int // digits after V
	zeroStart   int
	zeroEnd     int
}

const (
	numFDecimal = 1 << (iota + 1)
	numFLDecimal
	numFZero
	numFBlank
	numFFillMode
	numFLSign
	numFBracket
	numFMinus
	numFPlus
	numFRoman
	numFMulti
	numFPlusPost
	numFMinusPost
	numFEEEE
)

const (
	numLsignPre  = -1
	numLsignPost = 1
	numLsignNone = 0
)

func (d *numDesc) is(f int) bool { return d.flag&f != 0 }

func errNumFormat(msg string) *pgerr.Error { return pgerr.New(pgerr.SyntaxError, "%s", msg) }

// prepare is NUMDesc_prepare for one keyword.
func (d *numDesc) prepare(id int) error {
	if d.is(numFEEEE) && id != numE {
		return errNumFormat("\"EEEE\" must be the last pattern used")
	}
	switch id {
	case num9:
		if d.is(numFBracket) {
			return errNumFormat("\"9\" must be ahead of \"PR\"")
		}
		switch {
		case d.is(numFMulti):
			d.multi++
		case d.is(numFDecimal):
			d.post++
		default:
			d.pre++
		}
	case num0:
		if d.is(numFBracket) {
			return errNumFormat("\"0\" must be ahead of \"PR\"")
		}
		if !d.is(numFZero) && !d.is(numFDecimal) {
			d.flag |= numFZero
			d.zeroStart = d.pre + 1
		}
		if !d.is(numFDecimal) {
			d.pre++
		} else {
			d.post++
		}
		d.zeroEnd = d.pre + d.post
	case numB:
		if d.pre == 0 && d.post == 0 && !d.is(numFZero) {
			d.flag |= numFBlank
		}
	case numD, numDEC:
		if id == numD {
			d.flag |= numFLDecimal
		}
		if d.is(numFDecimal) {
			return errNumFormat("multiple decimal points")
		}
		if d.is(numFMulti) {
			return errNumFormat("cannot use \"V\" and decimal point together")
		}
		d.flag |= numFDecimal
	case numFM:
		d.flag |= numFFillMode
	case numS:
		if d.is(numFLSign) {
			return errNumFormat("cannot use \"S\" twice")
		}
		if d.is(numFPlus) || d.is(numFMinus) || d.is(numFBracket) {
			return errNumFormat("cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together")
		}
		if !d.is(numFDecimal) {
			d.lsign = numLsignPre
			d.preLsignNum = d.pre
			d.flag |= numFLSign
		} else if d.lsign == numLsignNone {
			d.lsign = numLsignPost
			d.flag |= numFLSign
		}
	case numMI:
		if d.is(numFLSign) {
			return errNumFormat("cannot use \"S\" and \"MI\" together")
		}
		d.flag |= numFMinus
		if d.is(numFDecimal) {
			d.flag |= numFMinusPost
		}
	case numPL:
		if d.is(numFLSign) {
			return errNumFormat("cannot use \"S\" and \"PL\" together")
		}
		d.flag |= numFPlus
		if d.is(numFDecimal) {
			d.flag |= numFPlusPost
		}
	case numSG:
		if d.is(numFLSign) {
			return errNumFormat("cannot use \"S\" and \"SG\" together")
		}
		d.flag |= numFMinus | numFPlus
	case numPR:
		if d.is(numFLSign) || d.is(numFPlus) || d.is(numFMinus) {
			return errNumFormat("cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together")
		}
		d.flag |= numFBracket
	case numrn, numRN:
		d.flag |= numFRoman
	case numV:
		if d.is(numFDecimal) {
			return errNumFormat("cannot use \"V\" and decimal point together")
		}
		d.flag |= numFMulti
	case numE:
		if d.is(numFEEEE) {
			return errNumFormat("cannot use \"EEEE\" twice")
		}
		if d.is(numFBlank) || d.is(numFFillMode) || d.is(numFLSign) || d.is(numFBracket) ||
			d.is(numFMinus) || d.is(numFPlus) || d.is(numFRoman) || d.is(numFMulti) {
			return errNumFormat("\"EEEE\" is incompatible with other formats").
				WithDetail("\"EEEE\" may only be used together with digit and decimal point patterns.")
		}
		d.flag |= numFEEEE
	}
	return nil
}

// numProc is NUMProc for to_char. number is the digit string with a
// terminating NUL; the *P fields are indexes into it, -1 for NULL.
type numProc struct {
	d            *numDesc
	sign         byte
	signWrote    bool
	numCount     int
	numIn        bool
	numCurr      int
	outPreSpaces int
	number       []byte
	numberP      int
	lastRelevant int
	out          []byte
}

const (
	numDecimal   = "."
	numThousands = ","
	numCurrency  = " "
	numNegSign   = "-"
	numPosSign   = "+"
)

// lastRelevantDecnum is get_last_relevant_decnum: the last nonzero digit
// after the point, or the point itself; -1 without a point.
func lastRelevantDecnum(num []byte) int {
	p := -1
	for i, c := range num {
		if c == 0 {
			break
		}
		if c == '.' {
			p = i
			break
		}
	}
	if p < 0 {
		return -1
	}
	r := p
	for i := p + 1; i < len(num) && num[i] != 0; i++ {
		if num[i] != '0' {
			r = i
		}
	}
	return r
}

func (np *numProc) predecSpace() bool {
	return !np.d.is(numFZero) && np.numberP == 0 && np.number[0] == '0' && np.d.post != 0
}

func (np *numProc) lastRelevantIsDot() bool {
	return np.lastRelevant >= 0 && np.number[np.lastRelevant] == '.'
}

// numpartToChar is NUM_numpart_to_char: one digit or decimal point
// position of the template.
func (np *numProc) numpartToChar(id int) {
	d := np.d
	if d.is(numFRoman) {
		return
	}
	np.numIn = false
	if !np.signWrote &&
		(np.numCurr >= np.outPreSpaces || (d.is(numFZero) && d.zeroStart == np.numCurr)) &&
		(!np.predecSpace() || np.lastRelevantIsDot()) {
		switch {
		case d.is(numFLSign):
			if d.lsign == numLsignPre {
				np.out = append(np.out, either(np.sign == '-', numNegSign, numPosSign)...)
				np.signWrote = true
			}
		case d.is(numFBracket):
			np.out = append(np.out, either(np.sign == '+', byte(' '), byte('<')))
			np.signWrote = true
		case np.sign == '+':
			if !d.is(numFFillMode) {
				np.out = append(np.out, ' ')
			}
			np.signWrote = true
		case np.sign == '-':
			np.out = append(np.out, '-')
			np.signWrote = true
		}
	}
	if id == num9 || id == num0 || id == numD || id == numDEC {
		switch {
		case np.numCurr < np.outPreSpaces && (d.zeroStart > np.numCurr || !d.is(numFZero)):
			if !d.is(numFFillMode) {
				np.out = append(np.out, ' ')
			}
		case d.is(numFZero) && np.numCurr < np.outPreSpaces && d.zeroStart <= np.numCurr:
			np.out = append(np.out, '0')
			np.numIn = true
		default:
			if np.number[np.numberP] == '.' {
				if !np.lastRelevantIsDot() || d.is(numFFillMode) {
					np.out = append(np.out, numDecimal...)
				}
			} else {
				switch {
				case np.lastRelevant >= 0 && np.numberP > np.lastRelevant && id != num0:
				case np.predecSpace():
					if !d.is(numFFillMode) {
						np.out = append(np.out, ' ')
					} else if np.lastRelevantIsDot() {
						np.out = append(np.out, '0')
					}
				default:
					np.out = append(np.out, np.number[np.numberP])
					np.numIn = true
				}
			}
			if np.number[np.numberP] != 0 {
				np.numberP++
			}
		}
		end := np.numCount + either(np.outPreSpaces != 0, 1, 0) + either(d.is(numFDecimal), 1, 0)
		if np.lastRelevant >= 0 && np.lastRelevant == np.numberP {
			end = np.numCurr
		}
		if np.numCurr+1 == end {
			if np.signWrote && d.is(numFBracket) {
				np.out = append(np.out, either(np.sign == '+', byte(' '), byte('>')))
			} else if d.is(numFLSign) && d.lsign == numLsignPost {
				np.out = append(np.out, either(np.sign == '-', numNegSign, numPosSign)...)
			}
		}
	}
	np.numCurr++
}

// numProcessor is NUM_processor for to_char. number is the digit string
// (no sign, except in EEEE form), sign is '+', '-' or 0.
func numProcessor(nodes []fmtNode, d *numDesc, number string, outPreSpaces int, sign byte) ([]byte, error) {
	np := &numProc{d: d, number: append([]byte(number), 0), lastRelevant: -1}
	if d.zeroStart != 0 {
		d.zeroStart--
	}
	if d.is(numFEEEE) {
		return []byte(number), nil
	}
	if d.is(numFRoman) {
		d.lsign, d.preLsignNum, d.post, d.pre = 0, 0, 0, 0
		d.flag = numFRoman | d.flag&numFFillMode
	}
	np.sign = sign
	if d.is(numFPlus) || d.is(numFMinus) {
		np.signWrote = !(d.is(numFPlus) && !d.is(numFMinus))
	} else {
		if np.sign != '-' && d.is(numFFillMode) {
			d.flag &^= numFBracket
		}
		np.signWrote = np.sign == '+' && d.is(numFFillMode) && !d.is(numFLSign)
		if d.lsign == numLsignPre && d.pre == d.preLsignNum {
			d.lsign = numLsignPost
		}
	}
	np.numCount = d.post + d.pre - 1
	np.outPreSpaces = outPreSpaces
	if d.is(numFFillMode) && d.is(numFDecimal) {
		np.lastRelevant = lastRelevantDecnum(np.number)
		if np.lastRelevant >= 0 && d.zeroEnd > np.outPreSpaces {
			lastZero := min(len(number)-1, d.zeroEnd-np.outPreSpaces)
			if np.lastRelevant < lastZero {
				np.lastRelevant = lastZero
			}
		}
	}
	if !np.signWrote && np.outPreSpaces == 0 {
		np.numCount++
	}
	for i := range nodes {
		n := &nodes[i]
		if n.kind != nodeAction {
			np.out = append(np.out, n.char...)
			continue
		}
		switch n.key.id {
		case num9, num0, numDEC, numD:
			np.numpartToChar(n.key.id)
		case numCOMMA:
			switch {
			case np.numIn:
				np.out = append(np.out, ',')
			case !d.is(numFFillMode):
				np.out = append(np.out, ' ')
			}
		case numG:
			switch {
			case np.numIn:
				np.out = append(np.out, numThousands...)
			case !d.is(numFFillMode):
				np.out = append(np.out, strings.Repeat(" ", len(numThousands))...)
			}
		case numL:
			np.out = append(np.out, numCurrency...)
		case numRN, numrn:
			r := cString(np.number[np.numberP:])
			if n.key.id == numrn {
				r = strings.ToLower(r)
			}
			if d.is(numFFillMode) {
				np.out = append(np.out, r...)
			} else {
				np.out = append(np.out, strings.Repeat(" ", max(15-len(r), 0))...)
				np.out = append(np.out, r...)
			}
		case numth, numTH:
			if d.is(numFRoman) || np.number[0] == '#' || np.sign == '-' || d.is(numFDecimal) {
				continue
			}
			th, err := ordinalSuffix([]byte(cString(np.number)), n.key.id == numTH)
			if err != nil {
				return nil, err
			}
			np.out = append(np.out, th...)
		case numMI:
			switch {
			case np.sign == '-':
				np.out = append(np.out, '-')
			case !d.is(numFFillMode):
				np.out = append(np.out, ' ')
			}
		case numPL:
			switch {
			case np.sign == '+':
				np.out = append(np.out, '+')
			case !d.is(numFFillMode):
				np.out = append(np.out, ' ')
			}
		case numSG:
			np.out = append(np.out, np.sign)
		}
	}
	return np.out, nil
}

// cString is the C string at the start of b.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// intToRoman is int_to_roman: fifteen '#' outside 1..3999.
func intToRoman(n int64) string {
	if n > 3999 || n < 1 {
		return strings.Repeat("#", 15)
	}
	rm1 := []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	rm10 := []string{"X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"}
	rm100 := []string{"C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"}
	var b strings.Builder
	digits := strconv.FormatInt(n, 10)
	for i, c := range digits {
		k := int(c - '1')
		if k < 0 {
			continue
		}
		switch len(digits) - i {
		case 4:
			b.WriteString(strings.Repeat("M", k+1))
		case 3:
			b.WriteString(rm100[k])
		case 2:
			b.WriteString(rm10[k])
		case 1:
			b.WriteString(rm1[k])
		}
	}
	return b.String()
}

// overflowFill is the '#' string that replaces a number with more digits
// than the template allows.
func overflowFill(d *numDesc) string {
	b := []byte(strings.Repeat("#", d.pre+d.post+1))
	b[d.pre] = '.'
	return string(b)
}

// specialFill is the EEEE placeholder for NaN and infinities.
func specialFill(d *numDesc) string {
	b := []byte(strings.Repeat("#", d.pre+d.post+6))
	b[0] = ' '
	b[d.pre+1] = '.'
	return string(b)
}

// padInt is the integer path of int4_to_char and int8_to_char after the
// sign is split off: zeros for the post digits, '#' on overflow.
func padInt(d *numDesc, digits string) (string, int) {
	numstr := digits
	if d.post > 0 {
		numstr += "." + strings.Repeat("0", d.post)
	}
	switch {
	case len(digits) < d.pre:
		return numstr, d.pre - len(digits)
	case len(digits) > d.pre:
		return overflowFill(d), 0
	}
	return numstr, 0
}

// layoutDigits handles a digit string with an optional point (the float
// and numeric paths).
func layoutDigits(d *numDesc, numstr string) (string, int) {
	preLen := len(numstr)
	if p := strings.IndexByte(numstr, '.'); p >= 0 {
		preLen = p
	}
	switch {
	case preLen < d.pre:
		return numstr, d.pre - preLen
	case preLen > d.pre:
		return overflowFill(d), 0
	}
	return numstr, 0
}

// cFloatF is Postgres's snprintf("%.*f"): the exact decimal expansion,
// with NaN and Infinity spelled out.
func cFloatF(f float64, prec int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', prec, 64)
}

// sciNumeric is numeric_out_sci: d rounded to scale digits after the
// first significant one, as 1.23e+05.
func sciNumeric(d *apd.Decimal, scale int) string {
	switch {
	case isNaN(d):
		return "NaN"
	case isInf(d):
		return either(d.Negative, "-Infinity", "Infinity")
	}
	exp := int64(0)
	if !d.IsZero() {
		exp = adjustedExp(d)
	}
	sig := new(apd.Decimal).Set(d)
	sig.Exponent -= int32(exp)
	r := new(apd.Decimal)
	c := numCtx(uint32(max(int64(scale)+sig.NumDigits()+4, 1)))
	_, _ = c.Quantize(r, sig, int32(-scale))
	if r.IsZero() {
		r.Negative = false
	}
	s := r.Text('f')
	sgn := byte('+')
	if exp < 0 {
		sgn, exp = '-', -exp
	}
	b := []byte(s)
	b = append(b, 'e', sgn)
	return string(appendCInt(b, exp, 2))
}

// toCharNumber is int4_to_char, int8_to_char, float4_to_char,
// float8_to_char and numeric_to_char.
func toCharNumber(_ *Context, a []storage.Value) (storage.Value, error) {
	tmpl := str(a[1])
	if tmpl == "" {
		return storage.Text(""), nil
	}
	nodes, desc, err := templateNodes(tmpl, true)
	if err != nil {
		return storage.Value{}, err
	}
	d := &desc
	v := a[0]
	var numstr string
	var sign byte
	outPreSpaces := 0
	splitSign := func(s string) string {
		if strings.HasPrefix(s, "-") {
			sign = '-'
			return s[1:]
		}
		sign = '+'
		return s
	}
	switch v.Type() {
	case tInt4, tInt8:
		x := v.AsInt64()
		switch {
		case d.is(numFRoman):
			if x > math.MaxInt32 || x < math.MinInt32 {
				return storage.Value{}, errTypeOutOfRange(tInt4)
			}
			numstr = intToRoman(x)
		case d.is(numFEEEE):
			if v.Type() == tInt4 {
				numstr = cFloatE(float64(x), d.post)
			} else {
				numstr = sciNumeric(apd.New(x, 0), d.post)
				if !strings.HasPrefix(numstr, "-") {
					numstr = " " + numstr
				}
			}
		default:
			if d.is(numFMulti) {
				var err error
				if x, err = multiplyInt(x, d.multi, v.Type()); err != nil {
					return storage.Value{}, err
				}
				d.pre += d.multi
			}
			digits := splitSign(strconv.FormatInt(x, 10))
			numstr, outPreSpaces = padInt(d, digits)
		}
	case tFloat4, tFloat8:
		f := v.AsFloat64()
		bits, digLimit := 64, 15
		if v.Type() == tFloat4 {
			bits, digLimit = 32, 6
		}
		switch {
		case d.is(numFRoman):
			r := math.RoundToEven(f)
			x := int64(math.MaxInt32)
			if !math.IsNaN(r) && r >= math.MinInt32 && r < -float64(math.MinInt32) {
				x = int64(r)
			}
			numstr = intToRoman(x)
		case d.is(numFEEEE):
			if math.IsNaN(f) || math.IsInf(f, 0) {
				numstr = specialFill(d)
			} else {
				numstr = cFloatE(f, d.post)
			}
		default:
			val := f
			if d.is(numFMulti) {
				if bits == 32 {
					val = float64(float32(f) * float32(math.Pow(10, float64(d.multi))))
				} else {
					val = f * math.Pow(10, float64(d.multi))
				}
				d.pre += d.multi
			}
			preLen := len(cFloatF(math.Abs(val), 0))
			if preLen >= digLimit {
				d.post = 0
			} else if preLen+d.post > digLimit {
				d.post = digLimit - preLen
			}
			numstr, outPreSpaces = layoutDigits(d, splitSign(cFloatF(val, d.post)))
		}
	case tNumeric:
		x := v.AsNumeric()
		switch {
		case d.is(numFRoman):
			r, err := numRoundMode(x, 0, apd.RoundHalfUp)
			if err != nil {
				return storage.Value{}, err
			}
			iv, err := Cast(nil, r, tInt4)
			if err != nil {
				return storage.Value{}, err
			}
			numstr = intToRoman(iv.AsInt64())
		case d.is(numFEEEE):
			numstr = sciNumeric(x, d.post)
			switch {
			case isNaN(x) || isInf(x):
				numstr = specialFill(d)
			case !strings.HasPrefix(numstr, "-"):
				numstr = " " + numstr
			}
		default:
			val := x
			if d.is(numFMulti) && !isNaN(x) && !isInf(x) {
				val = new(apd.Decimal).Set(x)
				val.Exponent += int32(d.multi)
				d.pre += d.multi
			} else if d.is(numFMulti) {
				d.pre += d.multi
			}
			numstr, outPreSpaces = layoutDigits(d, splitSign(roundNumericText(val, d.post)))
		}
	default:
		return storage.Value{}, pgerr.New(pgerr.UndefinedFunction, "function to_char(%s, text) does not exist", v.Type())
	}
	out, err := numProcessor(nodes, d, numstr, outPreSpaces, sign)
	if err != nil {
		return storage.Value{}, err
	}
	return storage.Text(cString(out)), nil
}

// roundNumericText is numeric_out(numeric_round(d, scale)): scale
// digits after the point (at most 16383, NUMERIC_DSCALE_MAX), half away
// from zero, no -0.
func roundNumericText(d *apd.Decimal, scale int) string {
	if isNaN(d) || isInf(d) {
		return string(appendNumeric(nil, d))
	}
	scale = min(scale, 16383)
	r := new(apd.Decimal)
	c := numCtx(uint32(max(intDigits(d)+int64(scale)+2, 1)))
	if _, err := c.Quantize(r, d, int32(-scale)); err != nil {
		return string(appendNumeric(nil, d))
	}
	if r.IsZero() {
		r.Negative = false
	}
	return r.Text('f')
}

// cFloatE is sprintf("%+.*e") with the plus sign swapped for a space.
func cFloatE(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'e', prec, 64)
	if !strings.HasPrefix(s, "-") {
		s = " " + s
	}
	return s
}

// multiplyInt is the V multiplier of int4_to_char and int8_to_char.
func multiplyInt(x int64, multi int, t storage.Type) (int64, error) {
	m := math.Pow(10, float64(multi))
	if t == tInt4 {
		// int4_to_char multiplies in 32 bits and does not check.
		return int64(int32(x) * int32(int64(m))), nil
	}
	if m >= 9.223372036854775807e18 {
		return 0, errTypeOutOfRange(tInt8)
	}
	mi := int64(m)
	r := x * mi
	if mi != 0 && (r/mi != x || (x == -1 && mi == math.MinInt64)) {
		return 0, errTypeOutOfRange(tInt8)
	}
	return r, nil
}

// ---------------------------------------------------------------------
// to_date and to_timestamp (DCH_from_char, do_to_timestamp)

// tmFromChar is TmFromChar: the fields read from the input.
type tmFromChar struct {
	mode                                     dateMode
	hh, pm, mi, ss, ssss, d, dd, ddd, mm, ms int
	year, bc, ww, w, cc, j, us, yysz, clock  int
	tzsign, tzh, tzm, ff                     int
}

const clock12 = 1

func errDTFormat(format string, args ...any) *pgerr.Error {
	return pgerr.New(pgerr.InvalidDatetimeFormat, format, args...)
}

// fromCharParser holds DCH_from_char's state.
type fromCharParser struct {
	nodes []fmtNode
	ni    int // current node
	s     string
	si    int // position in s
	out   tmFromChar
}

func (p *fromCharParser) node() *fmtNode { return &p.nodes[p.ni] }

func (p *fromCharParser) setMode(m dateMode) error {
	if m == modeNone {
		return nil
	}
	switch p.out.mode {
	case modeNone:
		p.out.mode = m
	case m:
	default:
		return errDTFormat("invalid combination of date conventions").
			WithHint("Do not mix Gregorian and ISO week date conventions in a formatting template.")
	}
	return nil
}

func (p *fromCharParser) setInt(dest *int, v int) error {
	if *dest != 0 && *dest != v {
		return errDTFormat("conflicting values for \"%s\" field in formatting string", p.node().key.name).
			WithDetail("This value contradicts a previous setting for the same field type.")
	}
	*dest = v
	return nil
}

// isNextSeparator is is_next_separator: whether the field may take as
// many digits as there are.
func (p *fromCharParser) isNextSeparator() bool {
	n := p.node()
	if n.kind == nodeAction && sufTHth(n.suffix) {
		return true
	}
	if p.ni+1 >= len(p.nodes) {
		return true
	}
	next := &p.nodes[p.ni+1]
	if next.kind == nodeAction {
		return !next.key.digit
	}
	return !(len(next.char) == 1 && isDigit(next.char[0]))
}

// strtol reads a C long from s at i: white space, a sign, digits. It
// returns the end (i itself if there are no digits) and whether the value
// overflowed.
func strtol(s string, i int) (v int64, end int, overflow bool) {
	j := i
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	k := j
	for k < len(s) && isDigit(s[k]) {
		if v > (math.MaxInt64-int64(s[k]-'0'))/10 {
			overflow = true
		} else {
			v = v*10 + int64(s[k]-'0')
		}
		k++
	}
	if k == j {
		return 0, i, false
	}
	if neg {
		v = -v
	}
	return v, k, overflow
}

// parseIntLen is from_char_parse_int_len: it reads an integer of len
// characters (any number in fill mode or before a separator) into dest
// (nil discards it) and returns the characters consumed.
func (p *fromCharParser) parseIntLen(dest *int, length int) (int, error) {
	n := p.node()
	init := p.si
	for p.si < len(p.s) && isSpace(p.s[p.si]) {
		p.si++
	}
	cp := p.s[p.si:min(p.si+length, len(p.s))]
	var result int64
	var overflow bool
	if n.suffix&sufFM != 0 || p.isNextSeparator() {
		result, p.si, overflow = strtol(p.s, init)
	} else {
		if len(cp) < length {
			return 0, errDTFormat("source string too short for \"%s\" formatting field", n.key.name).
				WithDetail("Field requires %d characters, but only %d remain.", length, len(cp)).
				WithHint("If your source string is not fixed-width, try using the \"FM\" modifier.")
		}
		var end int
		result, end, overflow = strtol(cp, 0)
		if end > 0 && end < length {
			return 0, errDTFormat("invalid value \"%s\" for \"%s\"", cp, n.key.name).
				WithDetail("Field requires %d characters, but only %d could be parsed.", length, end).
				WithHint("If your source string is not fixed-width, try using the \"FM\" modifier.")
		}
		p.si += end
	}
	if p.si == init {
		return 0, errDTFormat("invalid value \"%s\" for \"%s\"", cp, n.key.name).WithDetail("Value must be an integer.")
	}
	if overflow || result < math.MinInt32 || result > math.MaxInt32 {
		return 0, pgerr.New(pgerr.DatetimeFieldOverflow, "value for \"%s\" in source string is out of range", n.key.name).
			WithDetail("Value must be in the range %d to %d.", math.MinInt32, math.MaxInt32)
	}
	if dest != nil {
		if err := p.setInt(dest, int(result)); err != nil {
			return 0, err
		}
	}
	return p.si - init, nil
}

func (p *fromCharParser) parseInt(dest *int) (int, error) {
	return p.parseIntLen(dest, len(p.node().key.name))
}

// seqSearch is from_char_seq_search: a case-insensitive prefix match of
// one of words at the current position; dest gets its index.
func (p *fromCharParser) seqSearch(dest *int, words []string) error {
	rest := p.s[p.si:]
	for i, w := range words {
		if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
			*dest = i
			p.si += len(w)
			return nil
		}
	}
	cp := rest
	for i := 0; i < len(cp); i++ {
		if c := cp[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
			cp = cp[:i]
			break
		}
	}
	return errDTFormat("invalid value \"%s\" for \"%s\"", cp, p.node().key.name).
		WithDetail("The given value did not match any of the allowed values for this field.")
}

func (p *fromCharParser) skipTH(suffix uint8) {
	if sufTHth(suffix) {
		for k := 0; k < 2 && p.si < len(p.s); k++ {
			p.si += mblen(p.s[p.si:])
		}
	}
}

// scanYYYY is sscanf(s, "%d,%03d%n").
func scanYYYY(s string) (millennia, years, n int, ok bool) {
	i := 0
	readInt := func(width int) (int, bool) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		start := i
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') && (width < 0 || width > 1) {
			neg = s[i] == '-'
			i++
		}
		digits := 0
		v := 0
		for i < len(s) && isDigit(s[i]) && (width < 0 || i-start < width) {
			v = v*10 + int(s[i]-'0')
			digits++
			i++
		}
		if digits == 0 {
			return 0, false
		}
		if neg {
			v = -v
		}
		return v, true
	}
	var good bool
	if millennia, good = readInt(-1); !good {
		return
	}
	if i >= len(s) || s[i] != ',' {
		return
	}
	i++
	if years, good = readInt(3); !good {
		return
	}
	return millennia, years, i, true
}

// dchFromChar is DCH_from_char in the non-standard (to_timestamp) mode.
func dchFromChar(nodes []fmtNode, s string) (tmFromChar, error) {
	p := &fromCharParser{nodes: nodes, s: s}
	out := &p.out
	fx := false
	extraSkip := 0
	for p.ni = 0; p.ni < len(nodes) && p.si < len(s); p.ni++ {
		n := p.node()
		if !fx && !(n.kind == nodeAction && n.key.id == dchFX) && (n.kind == nodeAction || p.ni == 0) {
			for p.si < len(s) && isSpace(s[p.si]) {
				p.si++
				extraSkip++
			}
		}
		if n.kind == nodeSpace || n.kind == nodeSeparator {
			if !fx {
				extraSkip--
				if p.si < len(s) && (isSpace(s[p.si]) || isSeparatorChar(s[p.si])) {
					p.si++
					extraSkip++
				}
			} else {
				p.si += max(mblen(s[p.si:]), 1)
			}
			continue
		} else if n.kind != nodeAction {
			if !fx && extraSkip > 0 {
				extraSkip--
			} else {
				p.si += max(mblen(s[p.si:]), 1)
			}
			continue
		}
		if err := p.setMode(n.key.mode); err != nil {
			return *out, err
		}
		var err error
		var value, l int
		switch n.key.id {
		case dchFX:
			fx = true
		case dchA_M, dchP_M, dcha_m, dchp_m, dchAM, dchPM, dcham, dchpm:
			words := ampmStrings
			if id := n.key.id; id == dchA_M || id == dchP_M || id == dcha_m || id == dchp_m {
				words = ampmStringsLong
			}
			if err = p.seqSearch(&value, words); err == nil {
				err = p.setInt(&out.pm, value%2)
			}
			out.clock = clock12
		case dchHH, dchHH12:
			_, err = p.parseIntLen(&out.hh, 2)
			out.clock = clock12
			p.skipTH(n.suffix)
		case dchHH24:
			_, err = p.parseIntLen(&out.hh, 2)
			p.skipTH(n.suffix)
		case dchMI:
			_, err = p.parseInt(&out.mi)
			p.skipTH(n.suffix)
		case dchSS:
			_, err = p.parseInt(&out.ss)
			p.skipTH(n.suffix)
		case dchMS:
			if l, err = p.parseIntLen(&out.ms, 3); err == nil {
				out.ms = w32(out.ms * either(l == 1, 100, either(l == 2, 10, 1)))
				p.skipTH(n.suffix)
			}
		case dchFF1, dchFF2, dchFF3, dchFF4, dchFF5, dchFF6, dchUS:
			length := 6
			if n.key.id != dchUS {
				out.ff = n.key.id - dchFF1 + 1
				length = out.ff
			}
			if l, err = p.parseIntLen(&out.us, length); err == nil {
				scale := []int{1, 100000, 10000, 1000, 100, 10}
				if l >= 1 && l <= 5 {
					out.us = w32(out.us * scale[l])
				}
				p.skipTH(n.suffix)
			}
		case dchSSSS:
			_, err = p.parseInt(&out.ssss)
			p.skipTH(n.suffix)
		case dchtz, dchTZ, dchOF:
			err = pgerr.New(pgerr.FeatureNotSupported, "formatting field \"%s\" is only supported in to_char", n.key.name)
		case dchTZH:
			if p.si < len(s) && (s[p.si] == '+' || s[p.si] == '-' || s[p.si] == ' ') {
				out.tzsign = either(s[p.si] == '-', -1, 1)
				p.si++
			} else if extraSkip > 0 && p.si > 0 && s[p.si-1] == '-' {
				out.tzsign = -1
			} else {
				out.tzsign = 1
			}
			_, err = p.parseIntLen(&out.tzh, 2)
		case dchTZM:
			if out.tzsign == 0 {
				out.tzsign = 1
			}
			_, err = p.parseIntLen(&out.tzm, 2)
		case dchA_D, dchB_C, dcha_d, dchb_c, dchAD, dchBC, dchad, dchbc:
			words := adbcStrings
			if id := n.key.id; id == dchA_D || id == dchB_C || id == dcha_d || id == dchb_c {
				words = adbcStringsLong
			}
			if err = p.seqSearch(&value, words); err == nil {
				err = p.setInt(&out.bc, value%2)
			}
		case dchMONTH, dchMonth, dchmonth:
			if err = p.seqSearch(&value, monthsFull); err == nil {
				err = p.setInt(&out.mm, value+1)
			}
		case dchMON, dchMon, dchmon:
			if err = p.seqSearch(&value, monthsShort); err == nil {
				err = p.setInt(&out.mm, value+1)
			}
		case dchMM:
			_, err = p.parseInt(&out.mm)
			p.skipTH(n.suffix)
		case dchDAY, dchDay, dchday:
			if err = p.seqSearch(&value, daysFull); err == nil {
				if err = p.setInt(&out.d, value); err == nil {
					out.d++
				}
			}
		case dchDY, dchDy, dchdy:
			if err = p.seqSearch(&value, daysShort); err == nil {
				if err = p.setInt(&out.d, value); err == nil {
					out.d++
				}
			}
		case dchDDD:
			_, err = p.parseInt(&out.ddd)
			p.skipTH(n.suffix)
		case dchIDDD:
			_, err = p.parseIntLen(&out.ddd, 3)
			p.skipTH(n.suffix)
		case dchDD:
			_, err = p.parseInt(&out.dd)
			p.skipTH(n.suffix)
		case dchD:
			_, err = p.parseInt(&out.d)
			p.skipTH(n.suffix)
		case dchID:
			if _, err = p.parseIntLen(&out.d, 1); err == nil {
				if out.d++; out.d > 7 {
					out.d = 1
				}
				p.skipTH(n.suffix)
			}
		case dchWW, dchIW:
			_, err = p.parseInt(&out.ww)
			p.skipTH(n.suffix)
		case dchQ:
			// Parsed and ignored: which day of the quarter would it be?
			_, err = p.parseInt(nil)
			p.skipTH(n.suffix)
		case dchCC:
			_, err = p.parseInt(&out.cc)
			p.skipTH(n.suffix)
		case dchY_YYY:
			millennia, years, nch, ok := scanYYYY(s[p.si:])
			if !ok {
				err = errDTFormat("invalid input string for \"Y,YYY\"")
				break
			}
			if err = p.setInt(&out.year, w32(years+w32(millennia*1000))); err == nil {
				out.yysz = 4
				p.si += nch
				p.skipTH(n.suffix)
			}
		case dchYYYY, dchIYYY:
			_, err = p.parseInt(&out.year)
			out.yysz = 4
			p.skipTH(n.suffix)
		case dchYYY, dchIYY, dchYY, dchIY, dchY, dchI:
			if l, err = p.parseInt(&out.year); err == nil {
				if l < 4 {
					out.year = adjustPartialYear(out.year)
				}
				switch n.key.id {
				case dchYYY, dchIYY:
					out.yysz = 3
				case dchYY, dchIY:
					out.yysz = 2
				default:
					out.yysz = 1
				}
				p.skipTH(n.suffix)
			}
		case dchRM, dchrm:
			if err = p.seqSearch(&value, rmMonthsLower); err == nil {
				err = p.setInt(&out.mm, 12-value)
			}
		case dchW:
			_, err = p.parseInt(&out.w)
			p.skipTH(n.suffix)
		case dchJ:
			_, err = p.parseInt(&out.j)
			p.skipTH(n.suffix)
		}
		if err != nil {
			return *out, err
		}
		if !fx {
			extraSkip = 0
			for p.si < len(s) && isSpace(s[p.si]) {
				p.si++
				extraSkip++
			}
		}
	}
	return *out, nil
}

// adjustPartialYear is adjust_partial_year_to_2020.
func adjustPartialYear(y int) int {
	switch {
	case y < 70:
		return y + 2000
	case y < 100:
		return y + 1900
	case y < 520:
		return y + 2000
	case y < 1000:
		return y + 1000
	}
	return y
}

// parsedTM is the result of doToTimestamp: astronomical year.
type parsedTM struct {
	year, mon, mday int
	hour, min, sec  int
	fsec            int64
	fprec           int
	hasTZ           bool
	tzOff           int // seconds east of UTC
}

var ysum = [2][13]int{
	{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
	{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366},
}

const (
	fmYear = 1 << iota
	fmMonth
	fmDay
	fmDate = fmYear | fmMonth | fmDay
)

// julianYMValid is IS_VALID_JULIAN (which ignores the day).
func julianYMValid(y, m int) bool {
	return (y > -4713 || (y == -4713 && m >= 11)) && (y < 5874898 || (y == 5874898 && m < 6))
}

// doToTimestamp is do_to_timestamp: the template applied to s, the
// fields combined and range-checked.
func doToTimestamp(s, tmpl string) (parsedTM, error) {
	tm := parsedTM{mon: 1, mday: 1}
	var tmfc tmFromChar
	if tmpl != "" {
		nodes, _, err := templateNodes(tmpl, false)
		if err != nil {
			return tm, err
		}
		if tmfc, err = dchFromChar(nodes, s); err != nil {
			return tm, err
		}
	}
	errField := func() error { return errFieldOverflow(s) }
	fmask := 0
	if tmfc.ssss != 0 {
		x := tmfc.ssss
		tm.hour = x / 3600
		x %= 3600
		tm.min = x / 60
		tm.sec = x % 60
	}
	if tmfc.ss != 0 {
		tm.sec = tmfc.ss
	}
	if tmfc.mi != 0 {
		tm.min = tmfc.mi
	}
	if tmfc.hh != 0 {
		tm.hour = tmfc.hh
	}
	if tmfc.clock == clock12 {
		if tm.hour < 1 || tm.hour > 12 {
			return tm, errDTFormat("hour \"%d\" is invalid for the 12-hour clock", tm.hour).
				WithHint("Use the 24-hour clock, or give an hour between 1 and 12.")
		}
		if tmfc.pm != 0 && tm.hour < 12 {
			tm.hour += 12
		} else if tmfc.pm == 0 && tm.hour == 12 {
			tm.hour = 0
		}
	}
	switch {
	case tmfc.year != 0:
		if tmfc.cc != 0 && tmfc.yysz <= 2 {
			if tmfc.bc != 0 {
				tmfc.cc = w32(-tmfc.cc)
			}
			tm.year = tmfc.year % 100
			switch {
			case tm.year == 0:
				tm.year = w32(w32(tmfc.cc*100) + either(tmfc.cc >= 0, 0, 1))
			case tmfc.cc >= 0:
				tm.year = w32(tm.year + w32((tmfc.cc-1)*100))
			default:
				tm.year = w32(w32(w32(w32(tmfc.cc+1)*100)-tm.year) + 1)
			}
		} else {
			tm.year = tmfc.year
			if tmfc.bc != 0 {
				tm.year = w32(-tm.year)
			}
			if tm.year < 0 {
				tm.year++
			}
		}
		fmask |= fmYear
	case tmfc.cc != 0:
		if tmfc.bc != 0 {
			tmfc.cc = w32(-tmfc.cc)
		}
		if tmfc.cc >= 0 {
			tm.year = w32(w32((tmfc.cc-1)*100) + 1)
		} else {
			tm.year = w32(w32(tmfc.cc*100) + 1)
		}
		fmask |= fmYear
	}
	if tmfc.j != 0 {
		tm.year, tm.mon, tm.mday = j2dateC(tmfc.j)
		fmask |= fmDate
	}
	if tmfc.ww != 0 {
		if tmfc.mode == modeISOWeek {
			jd := isoWeekStartJ(tm.year, tmfc.ww)
			if tmfc.d != 0 {
				if tmfc.d > 1 {
					jd = w32(jd + tmfc.d - 2)
				} else {
					jd = w32(jd + 6)
				}
			}
			tm.year, tm.mon, tm.mday = j2dateC(jd)
			fmask |= fmDate
		} else {
			tmfc.ddd = w32(w32(w32(tmfc.ww-1)*7) + 1)
		}
	}
	if tmfc.w != 0 {
		tmfc.dd = w32(w32(w32(tmfc.w-1)*7) + 1)
	}
	if tmfc.dd != 0 {
		tm.mday = tmfc.dd
		fmask |= fmDay
	}
	if tmfc.mm != 0 {
		tm.mon = tmfc.mm
		fmask |= fmMonth
	}
	if tmfc.ddd != 0 && (tm.mon <= 1 || tm.mday <= 1) {
		if tm.year == 0 && tmfc.bc == 0 {
			return tm, errDTFormat("cannot calculate day of year without year information")
		}
		if tmfc.mode == modeISOWeek {
			j0 := w32(isoWeekStartJ(tm.year, 1) - 1)
			tm.year, tm.mon, tm.mday = j2dateC(w32(j0 + tmfc.ddd))
			fmask |= fmDate
		} else {
			y := &ysum[btoi(isLeap(tm.year))]
			i := 1
			for ; i <= 12; i++ {
				if tmfc.ddd <= y[i] {
					break
				}
			}
			if tm.mon <= 1 {
				tm.mon = i
			}
			if tm.mday <= 1 {
				tm.mday = tmfc.ddd - y[i-1]
			}
			fmask |= fmMonth | fmDay
		}
	}
	tm.fsec = int64(w32(w32(tmfc.ms*1000) + tmfc.us)) // fsec_t is 32 bits
	tm.fprec = tmfc.ff
	// ValidateDate with isjulian: the year is already astronomical.
	if fmask&fmMonth != 0 && (tm.mon < 1 || tm.mon > 12) {
		return tm, errField()
	}
	if fmask&fmDay != 0 && (tm.mday < 1 || tm.mday > 31) {
		return tm, errField()
	}
	if fmask&fmDate == fmDate && tm.mday > monthDays(tm.year, tm.mon) {
		return tm, errField()
	}
	if tm.hour < 0 || tm.hour >= 24 || tm.min < 0 || tm.min >= 60 || tm.sec < 0 || tm.sec >= 60 ||
		tm.fsec < 0 || tm.fsec >= microsPerSecond {
		return tm, errField()
	}
	if tmfc.tzsign != 0 {
		if tmfc.tzh < 0 || tmfc.tzh > 15 || tmfc.tzm < 0 || tmfc.tzm >= 60 {
			return tm, pgerr.New(pgerr.InvalidTimeZoneDisplacementValue, "time zone displacement out of range: \"%s\"", s)
		}
		tm.hasTZ = true
		tm.tzOff = tmfc.tzsign * (tmfc.tzh*3600 + tmfc.tzm*60)
	}
	return tm, nil
}

// toTimestamp is to_timestamp(text, text): the session TimeZone unless
// the input gave TZH/TZM; FF1..FF6 round to that many digits.
func toTimestamp(c *Context, a []storage.Value) (storage.Value, error) {
	tm, err := doToTimestamp(str(a[0]), str(a[1]))
	if err != nil {
		return storage.Value{}, err
	}
	if !julianYMValid(tm.year, tm.mon) {
		return storage.Value{}, errTSOutOfRange
	}
	date := int64(date2j(tm.year, tm.mon, tm.mday) - postgresEpochJDate)
	tod := int64(tm.hour)*microsPerHour + int64(tm.min)*microsPerMinute + int64(tm.sec)*microsPerSecond + tm.fsec
	local := date*microsPerDay + tod // may wrap, as in tm2timestamp
	if (local-tod)/microsPerDay != date || (local < 0 && date > 0) || (local > 0 && date < -1) {
		return storage.Value{}, errTSOutOfRange
	}
	var us int64
	if tm.hasTZ {
		us = local - int64(tm.tzOff)*microsPerSecond
	} else {
		us = localToUTC(local, c.loc())
	}
	if !validTimestamp(us) {
		return storage.Value{}, errTSOutOfRange
	}
	v := storage.TimestampTZ(us)
	if tm.fprec != 0 {
		return ApplyTimestampTypmod(v, tm.fprec)
	}
	return v, nil
}

// toDate is to_date(text, text).
func toDate(_ *Context, a []storage.Value) (storage.Value, error) {
	s := str(a[0])
	tm, err := doToTimestamp(s, str(a[1]))
	if err != nil {
		return storage.Value{}, err
	}
	errRange := pgerr.New(pgerr.DatetimeFieldOverflow, "date out of range: \"%s\"", s)
	if !julianYMValid(tm.year, tm.mon) {
		return storage.Value{}, errRange
	}
	jd := date2j(tm.year, tm.mon, tm.mday)
	if jd < 0 || jd >= dateEndJulian {
		return storage.Value{}, errRange
	}
	return storage.Date(int32(jd - postgresEpochJDate)), nil
}
