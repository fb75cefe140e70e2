package job

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Record is one cleaned price record, as written to the parts (one JSON
// object per line, fields in this order).
type Record struct {
	ID     string `json:"id"`
	Symbol string `json:"symbol"`
	// Price is the canonical decimal string: no leading zeros in the
	// integer part, no trailing zeros in the fraction, no exponent.
	Price    string `json:"price"`
	Currency string `json:"currency"`
	// Timestamp is in UTC; it is written in RFC 3339 with as many
	// fractional digits as needed.
	Timestamp time.Time `json:"timestamp"`
	Volume    int64     `json:"volume"`
}

// equal compares two normalized records.
func (r Record) equal(o Record) bool {
	return r.ID == o.ID && r.Symbol == o.Symbol && r.Price == o.Price && r.Currency == o.Currency &&
		r.Timestamp.Equal(o.Timestamp) && r.Volume == o.Volume
}

// InvalidRecordError lists why a record was rejected.
type InvalidRecordError struct {
	// Fields names the fields with a problem ("record" when the record is
	// not a JSON object).
	Fields []string
	// Problems holds one sentence per problem, in field order.
	Problems []string
}

func (e *InvalidRecordError) Error() string { return strings.Join(e.Problems, "; ") }

func (e *InvalidRecordError) add(field, format string, args ...any) {
	e.Fields = append(e.Fields, field)
	e.Problems = append(e.Problems, fmt.Sprintf(format, args...))
}

// Limits of the record fields.
const (
	maxIDBytes      = 128
	maxSymbolLen    = 12
	maxPriceIntLen  = 18
	maxPriceFracLen = 8
)

// Normalize validates one raw vendor record and returns it normalized (see
// the package documentation for the rules), or an *InvalidRecordError
// naming every problem. It does not check the window or uniqueness, which
// depend on the other records. A normalized record marshalled with
// encoding/json normalizes to itself.
func Normalize(raw []byte) (Record, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return Record{}, &InvalidRecordError{Fields: []string{"record"}, Problems: []string{"record is not a JSON object"}}
	}
	var r Record
	bad := &InvalidRecordError{}
	// str reads a required string field; hint follows the complaint when
	// the value is not a JSON string.
	str := func(name, hint string) (string, bool) {
		v, ok := fields[name]
		if !ok || string(bytes.TrimSpace(v)) == "null" {
			bad.add(name, "%s is required", name)
			return "", false
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			bad.add(name, "%s must be a JSON string%s, got %s", name, hint, clip(string(v)))
			return "", false
		}
		return s, true
	}

	if id, ok := str("id", ""); ok {
		switch {
		case id == "":
			bad.add("id", "id is empty")
		case len(id) > maxIDBytes:
			bad.add("id", "id %s is longer than %d bytes", quote(id), maxIDBytes)
		case strings.ContainsFunc(id, unicode.IsControl):
			bad.add("id", "id %s contains control characters", quote(id))
		default:
			r.ID = id
		}
	}
	if sym, ok := str("symbol", ""); ok {
		if !validSymbol(sym) {
			bad.add("symbol", "symbol %s is not 1 to %d characters of A-Z, 0-9, '.' and '-'", quote(sym), maxSymbolLen)
		} else {
			r.Symbol = strings.ToUpper(sym)
		}
	}
	// A JSON number would already have been through someone's float.
	if p, ok := str("price", ` like "189.12", so that no float rounds it`); ok {
		if canon, problem := normalizePrice(p); problem != "" {
			bad.add("price", "price %s %s", quote(p), problem)
		} else {
			r.Price = canon
		}
	}
	if cur, ok := str("currency", ""); ok {
		if len(cur) != 3 || strings.ContainsFunc(cur, func(c rune) bool { return !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') }) {
			bad.add("currency", "currency %s is not a three-letter ISO 4217 code like USD", quote(cur))
		} else {
			r.Currency = strings.ToUpper(cur)
		}
	}
	if ts, ok := str("timestamp", ""); ok {
		t, err := time.Parse(time.RFC3339, ts)
		switch {
		case err != nil:
			bad.add("timestamp", "timestamp %s is not an RFC 3339 time like 2026-11-22T09:15:00Z", quote(ts))
		case t.UTC().Year() < 1 || t.UTC().Year() > 9999:
			bad.add("timestamp", "timestamp %s is outside the years 0001 to 9999 in UTC", quote(ts))
		default:
			r.Timestamp = t.UTC()
		}
	}
	if v, ok := fields["volume"]; !ok || string(bytes.TrimSpace(v)) == "null" {
		bad.add("volume", "volume is required")
	} else {
		v = bytes.TrimSpace(v)
		n, err := strconv.ParseInt(string(v), 10, 64)
		switch {
		case len(v) > 0 && v[0] == '"':
			bad.add("volume", "volume must be a JSON integer, got the string %s", clip(string(v)))
		case len(v) > 0 && v[0] == '-':
			bad.add("volume", "volume %s is negative", clip(string(v)))
		case len(v) == 0 || !allDigits(string(v)):
			bad.add("volume", "volume %s is not an integer", clip(string(v)))
		case err != nil:
			bad.add("volume", "volume %s is too large", clip(string(v)))
		default:
			r.Volume = n
		}
	}
	if len(bad.Problems) > 0 {
		return Record{}, bad
	}
	return r, nil
}

func validSymbol(s string) bool {
	if len(s) < 1 || len(s) > maxSymbolLen {
		return false
	}
	for _, c := range []byte(s) {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// normalizePrice returns the canonical form of a positive plain decimal, or
// what is wrong with it (to follow "price <value>").
func normalizePrice(s string) (string, string) {
	if strings.HasPrefix(s, "-") {
		return "", "is not positive"
	}
	ip, frac, dot := strings.Cut(s, ".")
	if ip == "" || !allDigits(ip) || dot && (frac == "" || !allDigits(frac)) {
		return "", `is not a plain decimal number like "189.12" (no sign, exponent or spaces)`
	}
	if len(frac) > maxPriceFracLen {
		return "", fmt.Sprintf("has %d fractional digits; at most %d are allowed", len(frac), maxPriceFracLen)
	}
	ip = strings.TrimLeft(ip, "0")
	frac = strings.TrimRight(frac, "0")
	if len(ip) > maxPriceIntLen {
		return "", fmt.Sprintf("has %d integer digits; at most %d are allowed", len(ip), maxPriceIntLen)
	}
	if ip == "" {
		ip = "0"
	}
	if ip == "0" && frac == "" {
		return "", "is not positive"
	}
	if frac == "" {
		return ip, ""
	}
	return ip + "." + frac, ""
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// clip shortens a value shown in a reason, so that a reject line stays small
// however large the bad value.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func quote(s string) string { return strconv.Quote(clip(s)) }

// Reject is one line of rejects.jsonl: a record that failed validation, its
// position in the vendor's listing (page from 1, index from 0) and why.
type Reject struct {
	Page   int      `json:"page"`
	Index  int      `json:"index"`
	Fields []string `json:"fields"`
	Reason string   `json:"reason"`
	// Record is the raw record as the vendor sent it (compacted).
	Record json.RawMessage `json:"record"`
}

// rawRecord is a record as received, with its position.
type rawRecord struct {
	page, index int
	raw         json.RawMessage
}

// batch is a window's records after validation.
type batch struct {
	received   int
	records    []Record // sorted by timestamp, then id, once finished
	rejects    []Reject // in listing order
	duplicates int
}

// validator normalizes records as they arrive, checks the window and the
// ids' uniqueness, and keeps only the normalized records and the rejects:
// the raw bytes of a valid record are dropped as soon as it is checked.
type validator struct {
	w    Window
	b    batch
	byID map[string]firstSeen
}

// firstSeen is where an id was first seen: its record's index in
// b.records and its position in the listing.
type firstSeen struct {
	record      int
	page, index int32
}

func newValidator(w Window) *validator {
	return &validator{w: w, byID: map[string]firstSeen{}}
}

func (v *validator) reject(r rawRecord, e *InvalidRecordError) {
	var compact bytes.Buffer
	raw := r.raw
	if json.Compact(&compact, r.raw) == nil {
		raw = compact.Bytes()
	}
	v.b.rejects = append(v.b.rejects, Reject{Page: r.page, Index: r.index, Fields: e.Fields, Reason: e.Error(), Record: raw})
}

// add checks one record, in listing order.
func (v *validator) add(r rawRecord) {
	v.b.received++
	rec, err := Normalize(r.raw)
	if err != nil {
		v.reject(r, err.(*InvalidRecordError))
		return
	}
	if !v.w.Contains(rec.Timestamp) {
		e := &InvalidRecordError{}
		e.add("timestamp", "timestamp %s is outside the window %s", rec.Timestamp.Format(time.RFC3339Nano), v.w)
		v.reject(r, e)
		return
	}
	if first, dup := v.byID[rec.ID]; dup {
		if v.b.records[first.record].equal(rec) {
			v.b.duplicates++
			return
		}
		e := &InvalidRecordError{}
		e.add("id", "id %s was already seen with different content (page %d, index %d)", quote(rec.ID), first.page, first.index)
		v.reject(r, e)
		return
	}
	v.byID[rec.ID] = firstSeen{record: len(v.b.records), page: int32(r.page), index: int32(r.index)}
	v.b.records = append(v.b.records, rec)
}

// finish sorts the valid records and returns the batch.
func (v *validator) finish() batch {
	v.byID = nil
	slices.SortFunc(v.b.records, func(x, y Record) int {
		if c := x.Timestamp.Compare(y.Timestamp); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return v.b
}
