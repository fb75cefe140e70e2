package ecs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hybridstack/hybridstack/constructs/ecs"
)

func TestLongestInterval(t *testing.T) {
	for _, c := range []struct {
		expr, tz string
		want     time.Duration
		err      string
	}{
		{expr: "rate(15 minutes)", tz: "UTC", want: 15 * time.Minute},
		{expr: "rate(1 day)", tz: "UTC", want: 24 * time.Hour},
		{expr: "cron(5 * * * ? *)", tz: "UTC", want: time.Hour},
		{expr: "cron(0/15 * * * ? *)", tz: "UTC", want: 15 * time.Minute},
		{expr: "cron(0 2 * * ? *)", tz: "UTC", want: 24 * time.Hour},
		// Weekdays only: Friday 02:00 to Monday 02:00.
		{expr: "cron(0 2 ? * MON-FRI *)", tz: "UTC", want: 72 * time.Hour},
		// A day that lasts 25 hours when the clocks go back.
		{expr: "cron(30 1 * * ? *)", tz: "Europe/London", want: 25 * time.Hour},
		{expr: "cron(0 9 ? JUL,DEC WED *)", tz: "UTC", want: 0},
		{expr: "cron(0 2 L * ? *)", tz: "UTC", err: "L, W or #"},
		{expr: "cron(0 2 * * ? 2030)", tz: "UTC", err: "some years only"},
	} {
		t.Run(c.expr, func(t *testing.T) {
			got, err := ecs.LongestInterval(c.expr, c.tz)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.want != 0 && got != c.want {
				t.Errorf("= %v, want %v", got, c.want)
			}
		})
	}
}
