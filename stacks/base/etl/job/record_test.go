package job

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	base := map[string]string{
		"id": `"p-1"`, "symbol": `"aapl"`, "price": `"189.1200"`, "currency": `"usd"`,
		"timestamp": `"2026-11-22T09:15:00+01:00"`, "volume": `1200`,
	}
	with := func(field, value string) string {
		var parts []string
		for _, k := range []string{"id", "symbol", "price", "currency", "timestamp", "volume"} {
			v := base[k]
			if k == field {
				v = value
			}
			if v != "" {
				parts = append(parts, `"`+k+`":`+v)
			}
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	t.Run("valid", func(t *testing.T) {
		for _, tc := range []struct {
			field, value string
			check        func(Record) any
			want         any
		}{
			{"price", `"189.1200"`, func(r Record) any { return r.Price }, "189.12"},
			{"price", `"0189"`, func(r Record) any { return r.Price }, "189"},
			{"price", `"5.000"`, func(r Record) any { return r.Price }, "5"},
			{"price", `"0.00000001"`, func(r Record) any { return r.Price }, "0.00000001"},
			{"price", `"000.5"`, func(r Record) any { return r.Price }, "0.5"},
			{"price", `"123456789012345678.12345678"`, func(r Record) any { return r.Price }, "123456789012345678.12345678"},
			{"symbol", `"brk.b"`, func(r Record) any { return r.Symbol }, "BRK.B"},
			{"symbol", `"ABCDEFGHIJKL"`, func(r Record) any { return r.Symbol }, "ABCDEFGHIJKL"},
			{"symbol", `"x-1"`, func(r Record) any { return r.Symbol }, "X-1"},
			{"currency", `"Eur"`, func(r Record) any { return r.Currency }, "EUR"},
			{"timestamp", `"2026-11-22T09:15:00+01:00"`, func(r Record) any { return r.Timestamp.Format(time.RFC3339Nano) }, "2026-11-22T08:15:00Z"},
			{"timestamp", `"2026-11-22T03:45:00.250-05:30"`, func(r Record) any { return r.Timestamp.Format(time.RFC3339Nano) }, "2026-11-22T09:15:00.25Z"},
			{"volume", `0`, func(r Record) any { return r.Volume }, int64(0)},
			{"volume", `9223372036854775807`, func(r Record) any { return r.Volume }, int64(9223372036854775807)},
			{"id", `"  spaced id "`, func(r Record) any { return r.ID }, "  spaced id "},
		} {
			t.Run(tc.field+"="+tc.value, func(t *testing.T) {
				r, err := Normalize([]byte(with(tc.field, tc.value)))
				require.NoError(t, err)
				assert.Equal(t, tc.want, tc.check(r))
				assert.Equal(t, time.UTC, r.Timestamp.Location())
			})
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, tc := range []struct{ field, value, want string }{
			{"id", ``, "id is required"},
			{"id", `null`, "id is required"},
			{"id", `42`, "id must be a JSON string, got 42"},
			{"id", `"` + strings.Repeat("x", 129) + `"`, "is longer than 128 bytes"},
			{"id", `"a\u0000b"`, `id "a\x00b" contains control characters`},
			{"symbol", `""`, `symbol "" is not 1 to 12`},
			{"symbol", `"AAPL "`, `symbol "AAPL " is not`},
			{"symbol", `"ÄPFEL"`, `symbol "ÄPFEL" is not`},
			{"symbol", `"a_b"`, `symbol "a_b" is not`},
			{"price", `"1e3"`, `price "1e3" is not a plain decimal number`},
			{"price", `"1E-3"`, `is not a plain decimal number`},
			{"price", `"+1"`, `is not a plain decimal number`},
			{"price", `".5"`, `is not a plain decimal number`},
			{"price", `"5."`, `is not a plain decimal number`},
			{"price", `" 5"`, `is not a plain decimal number`},
			{"price", `"1,5"`, `is not a plain decimal number`},
			{"price", `"NaN"`, `is not a plain decimal number`},
			{"price", `"Infinity"`, `is not a plain decimal number`},
			{"price", `"0x10"`, `is not a plain decimal number`},
			{"price", `"١٢"`, `is not a plain decimal number`},
			{"price", `"-0.5"`, `price "-0.5" is not positive`},
			{"price", `"0"`, `price "0" is not positive`},
			{"price", `"0.123456789"`, `has 9 fractional digits; at most 8 are allowed`},
			{"price", `"1.100000000"`, `has 9 fractional digits`},
			{"price", `"1234567890123456789"`, `has 19 integer digits; at most 18 are allowed`},
			{"price", `189.12`, `price must be a JSON string like "189.12"`},
			{"price", `true`, `price must be a JSON string`},
			{"currency", `"usd "`, `currency "usd " is not a three-letter`},
			{"currency", `"€UR"`, `is not a three-letter`},
			{"currency", `"USDT"`, `is not a three-letter`},
			{"currency", `840`, `currency must be a JSON string`},
			{"timestamp", `"2026-11-22"`, `is not an RFC 3339 time`},
			{"timestamp", `"2026-11-22T09:15:00"`, `is not an RFC 3339 time`},
			{"timestamp", `"2026-13-22T09:15:00Z"`, `is not an RFC 3339 time`},
			{"timestamp", `"2026-11-22T24:00:00Z"`, `is not an RFC 3339 time`},
			{"timestamp", `1763802900`, `timestamp must be a JSON string`},
			{"timestamp", `"0000-01-01T00:30:00+01:00"`, `is outside the years 0001 to 9999 in UTC`},
			{"volume", `-1`, `volume -1 is negative`},
			{"volume", `1.0`, `volume 1.0 is not an integer`},
			{"volume", `1e3`, `volume 1e3 is not an integer`},
			{"volume", `"12"`, `volume must be a JSON integer, got the string "12"`},
			{"volume", `9223372036854775808`, `volume 9223372036854775808 is too large`},
			{"volume", `[]`, `volume [] is not an integer`},
			{"volume", ``, `volume is required`},
		} {
			t.Run(tc.field+"="+tc.value, func(t *testing.T) {
				_, err := Normalize([]byte(with(tc.field, tc.value)))
				var ire *InvalidRecordError
				require.True(t, errors.As(err, &ire), "error %v", err)
				assert.Equal(t, []string{tc.field}, ire.Fields)
				assert.Contains(t, err.Error(), tc.want)
			})
		}
	})
	t.Run("not an object", func(t *testing.T) {
		for _, raw := range []string{`null`, `[]`, `"x"`, `1`, `{`, ``} {
			_, err := Normalize([]byte(raw))
			assert.EqualError(t, err, "record is not a JSON object", "%q", raw)
		}
	})
	t.Run("long values are clipped in reasons", func(t *testing.T) {
		_, err := Normalize([]byte(with("symbol", `"`+strings.Repeat("é", 100)+`"`)))
		require.Error(t, err)
		assert.Less(t, len(err.Error()), 120)
		assert.True(t, strings.HasSuffix(strings.Split(err.Error(), `"`)[1], "..."))
	})
}

// validate checks raws in order.
func validate(raws []rawRecord, w Window) batch {
	v := newValidator(w)
	for _, r := range raws {
		v.add(r)
	}
	return v.finish()
}

func TestValidateDuplicates(t *testing.T) {
	w := testLayout.Window
	raws := []rawRecord{
		{1, 0, json.RawMessage(rec("a", 1, 0))},
		{1, 1, json.RawMessage(`{"id":"a"}`)},                                           // invalid: does not claim or conflict
		{1, 2, json.RawMessage(strings.Replace(rec("a", 1, 0), `"aapl"`, `"AAPL"`, 1))}, // same after normalizing
		{2, 0, json.RawMessage(strings.Replace(rec("a", 1, 0), `"usd"`, `"eur"`, 1))},   // conflict
		{2, 1, json.RawMessage(rec("b", 0, 0))},
	}
	b := validate(raws, w)
	assert.Equal(t, 5, b.received)
	assert.Equal(t, 1, b.duplicates)
	require.Len(t, b.records, 2)
	assert.Equal(t, []string{"b", "a"}, []string{b.records[0].ID, b.records[1].ID})
	require.Len(t, b.rejects, 2)
	assert.Equal(t, [2]int{1, 1}, [2]int{b.rejects[0].Page, b.rejects[0].Index})
	assert.Equal(t, `id "a" was already seen with different content (page 1, index 0)`, b.rejects[1].Reason)
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		rec("p-1", 15, 0),
		`{"id":"p-1","symbol":"aapl","price":"0189.1200","currency":"usd","timestamp":"2026-11-22T10:15:00.123456789+01:00","volume":1200}`,
		`{"id":"\u00e9\u2028<&>","symbol":"brk.b","price":"0.00000001","currency":"EUR","timestamp":"0001-01-01T00:00:00Z","volume":0}`,
		`{"id":"x","symbol":"X","price":"1e3","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
		`{"id":"x","symbol":"X","price":"1","currency":"USD","timestamp":"9999-12-31T23:30:00-01:00","volume":-0}`,
		`{"id":"\xff","symbol":"X","price":"1","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1,"id":"y"}`,
		`[]`, `null`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := Normalize(raw)
		if err != nil {
			var ire *InvalidRecordError
			if !errors.As(err, &ire) || len(ire.Fields) == 0 || len(ire.Fields) != len(ire.Problems) {
				t.Fatalf("error %#v is not a complete InvalidRecordError", err)
			}
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("normalized record %+v does not marshal: %v", r, err)
		}
		again, err := Normalize(out)
		if err != nil {
			t.Fatalf("normalized %s is rejected: %v", out, err)
		}
		if !again.equal(r) || again.Timestamp.Location() != time.UTC {
			t.Fatalf("normalizing twice changed %+v into %+v", r, again)
		}
		out2, _ := json.Marshal(again)
		if string(out2) != string(out) {
			t.Fatalf("not byte-stable: %s then %s", out, out2)
		}
	})
}
