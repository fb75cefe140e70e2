package ecs

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// LongestInterval returns the longest time between two consecutive runs of
// a valid schedule expression read in the time zone tz: the rate itself,
// or for cron the longest gap between the runs of a whole (leap) year
// and the first of the next. It returns an error for cron expressions it
// cannot follow: a year field other than "*", or L, W or # days.
func LongestInterval(expr, tz string) (time.Duration, error) {
	if m := rateRe.FindStringSubmatch(expr); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[m[2][0]]
		return time.Duration(n) * unit, nil
	}
	if !strings.HasPrefix(expr, "cron(") || !strings.HasSuffix(expr, ")") {
		return 0, fmt.Errorf("%q is not rate(...) or cron(...)", expr)
	}
	fields := strings.Fields(expr[len("cron(") : len(expr)-1])
	if len(fields) != 6 {
		return 0, fmt.Errorf("%q does not have 6 fields", expr)
	}
	if fields[5] != "*" {
		return 0, fmt.Errorf("%q runs in some years only (year %q)", expr, fields[5])
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return 0, err
	}
	var sets [5]map[int]bool
	for i := range sets {
		if sets[i], err = cronFields[i].expand(fields[i]); err != nil {
			return 0, fmt.Errorf("%q: %s %q %v", expr, cronFields[i].name, fields[i], err)
		}
	}
	// 2028 is a leap year; the runs of 2028 and the first of 2029 give
	// every gap, including the one across the new year.
	var prev time.Time
	var longest time.Duration
	for day := time.Date(2028, 1, 1, 0, 0, 0, 0, loc); day.Year() < 2030; day = day.AddDate(0, 0, 1) {
		dayMatch := sets[3][int(day.Month())] && (sets[2] == nil || sets[2][day.Day()]) && (sets[4] == nil || sets[4][int(day.Weekday())+1])
		if !dayMatch {
			continue
		}
		for h := 0; h < 24; h++ {
			if !sets[1][h] {
				continue
			}
			for m := 0; m < 60; m++ {
				if !sets[0][m] {
					continue
				}
				t := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
				if !prev.IsZero() {
					if g := t.Sub(prev); g > longest {
						longest = g
					}
				}
				prev = t
				if t.Year() == 2029 {
					return longest, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("%q does not run in a year", expr)
}

// expand returns the values a valid cron field matches, or nil for "?".
func (c cronField) expand(f string) (map[int]bool, error) {
	if f == "?" {
		return nil, nil
	}
	out := map[int]bool{}
	for _, part := range strings.Split(f, ",") {
		if strings.ContainsAny(part, "LW#") && !c.isName(part) {
			return nil, fmt.Errorf("uses L, W or #, which the missed-run alarm cannot follow")
		}
		base, step, stepped := strings.Cut(part, "/")
		every := 1
		if stepped {
			every, _ = strconv.Atoi(step)
		}
		lo, hi := c.min, c.max
		if base != "*" {
			l, h, ranged := strings.Cut(base, "-")
			lo = c.value(l)
			hi = lo
			if ranged {
				hi = c.value(h)
			} else if stepped {
				hi = c.max
			}
		}
		for v := lo; v <= hi; v += every {
			out[v] = true
		}
	}
	return out, nil
}

// isName reports whether part is one of the field's names (JAN, SUN...),
// some of which hold the letters L and W (JUL, WED).
func (c cronField) isName(part string) bool {
	for _, p := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '/' || r == ',' }) {
		if c.value(p) < 0 {
			if _, err := strconv.Atoi(p); err != nil {
				return false
			}
		}
	}
	return true
}

// value is a field value as a number: a name's position from c.min, or
// the number itself; -1 when it is neither.
func (c cronField) value(v string) int {
	for i, n := range c.names {
		if strings.EqualFold(v, n) {
			return c.min + i
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}
