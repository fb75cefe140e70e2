package policy

import (
	"bytes"
	"strings"
	"testing"
)

// TestWriteTableTotals: the totals line says "1 warning", "1 error",
// never "1 warnings", as the per-stack summary line does.
func TestWriteTableTotals(t *testing.T) {
	for _, tc := range []struct {
		findings []Finding
		want     string
	}{
		{[]Finding{{Severity: Warning}}, "0 errors, 1 warning, 0 suppressed\n"},
		{[]Finding{{Severity: Error}, {Severity: Warning}, {Severity: Warning}, {Severity: Error, Suppressed: true}}, "1 error, 2 warnings, 1 suppressed\n"},
		{[]Finding{{Severity: Error}, {Severity: Info}}, "1 error, 0 warnings, 1 not checked, 0 suppressed\n"},
	} {
		var b bytes.Buffer
		if err := WriteTable(&b, tc.findings); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(b.String(), "\n"+tc.want) {
			t.Errorf("totals of %d findings:\n%s\nwant last line %q", len(tc.findings), b.String(), tc.want)
		}
	}
}
