package ecs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	// Time zones are checked against the IANA database embedded in the
	// binary, so validation does not depend on the machine's zoneinfo.
	_ "time/tzdata"
)

var rateRe = regexp.MustCompile(`^rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)$`)

// ValidateScheduleExpression checks an EventBridge Scheduler recurring
// expression: "rate(<n> <unit>)" with unit minute(s), hour(s) or day(s)
// (singular exactly when n is 1), or "cron(<minutes> <hours>
// <day-of-month> <month> <day-of-week> <year>)" with exactly one of
// day-of-month and day-of-week "?".
func ValidateScheduleExpression(expr string) error {
	switch {
	case strings.HasPrefix(expr, "rate("):
		m := rateRe.FindStringSubmatch(expr)
		if m == nil {
			return fmt.Errorf("%q is not rate(<n> minute(s)|hour(s)|day(s)), such as rate(1 hour) or rate(15 minutes)", expr)
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return fmt.Errorf("%q: the rate must be a positive whole number", expr)
		}
		if singular := !strings.HasSuffix(m[2], "s"); singular != (n == 1) {
			return fmt.Errorf("%q: use the singular unit for 1 and the plural otherwise (rate(1 hour), rate(2 hours))", expr)
		}
		return nil
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		return validateCron(expr, strings.Fields(expr[len("cron("):len(expr)-1]))
	default:
		return fmt.Errorf("%q is not a recurring schedule; use rate(...) or cron(...), such as rate(1 hour) or cron(5 * * * ? *)", expr)
	}
}

// cronField is one field of a cron expression: its name, range, the
// special characters it allows and its names (JAN-DEC, SUN-SAT).
type cronField struct {
	name     string
	min, max int
	special  string
	names    []string
}

var cronFields = []cronField{
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, special: "?LW"},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 1, max: 7, special: "?L#", names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
	{name: "year", min: 1970, max: 2199},
}

func validateCron(expr string, fields []string) error {
	if len(fields) != 6 {
		return fmt.Errorf("%q has %d fields; cron takes 6: minutes hours day-of-month month day-of-week year, such as cron(5 * * * ? *)", expr, len(fields))
	}
	for i, f := range fields {
		if err := cronFields[i].check(f); err != nil {
			return fmt.Errorf("%q: %s %q %v", expr, cronFields[i].name, f, err)
		}
	}
	if (fields[2] == "?") == (fields[4] == "?") {
		return fmt.Errorf("%q: exactly one of day-of-month (%s) and day-of-week (%s) must be \"?\"", expr, fields[2], fields[4])
	}
	return nil
}

func (c cronField) check(f string) error {
	if f == "?" {
		if !strings.Contains(c.special, "?") {
			return fmt.Errorf("cannot be \"?\" (only day-of-month and day-of-week can)")
		}
		return nil
	}
	for _, part := range strings.Split(f, ",") {
		if err := c.checkPart(part); err != nil {
			return err
		}
	}
	return nil
}

func (c cronField) checkPart(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("has an empty list item")
	case p == "L" && strings.Contains(c.special, "L"), p == "LW" && strings.Contains(c.special, "W"):
		return nil
	case strings.Contains(p, "#"):
		if !strings.Contains(c.special, "#") {
			return fmt.Errorf("cannot use '#' (only day-of-week can)")
		}
		day, nth, _ := strings.Cut(p, "#")
		if err := c.checkValue(day); err != nil {
			return err
		}
		if n, err := strconv.Atoi(nth); err != nil || n < 1 || n > 5 {
			return fmt.Errorf("'#%s' must name the 1st to 5th weekday of the month", nth)
		}
		return nil
	case strings.HasSuffix(p, "W") && strings.Contains(c.special, "W"):
		return c.checkValue(strings.TrimSuffix(p, "W"))
	case strings.HasSuffix(p, "L") && c.name == "day-of-week":
		return c.checkValue(strings.TrimSuffix(p, "L"))
	}
	base, step, stepped := strings.Cut(p, "/")
	if stepped {
		if n, err := strconv.Atoi(step); err != nil || n < 1 || n > c.max {
			return fmt.Errorf("step %q must be 1 to %d", step, c.max)
		}
	}
	if base == "*" {
		return nil
	}
	lo, hi, ranged := strings.Cut(base, "-")
	if err := c.checkValue(lo); err != nil {
		return err
	}
	if ranged {
		return c.checkValue(hi)
	}
	return nil
}

func (c cronField) checkValue(v string) error {
	for _, n := range c.names {
		if strings.EqualFold(v, n) {
			return nil
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < c.min || n > c.max {
		if len(c.names) > 0 {
			return fmt.Errorf("value %q must be %d to %d or %s-%s", v, c.min, c.max, c.names[0], c.names[len(c.names)-1])
		}
		return fmt.Errorf("value %q must be %d to %d", v, c.min, c.max)
	}
	return nil
}

// ValidateTimeZone checks an IANA time zone name such as "Europe/London"
// or "UTC".
func ValidateTimeZone(tz string) error {
	if tz == "" || tz == "Local" || strings.HasPrefix(tz, "/") {
		return fmt.Errorf("%q is not an IANA time zone name such as UTC or Europe/London", tz)
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Errorf("%q is not an IANA time zone name such as UTC or Europe/London", tz)
	}
	return nil
}
