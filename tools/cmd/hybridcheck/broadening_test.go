package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestDiffBroadening runs diff -broadening on the review package's
// fixture: a rule from inside the VPC and a new read action pass by
// default, fail with -broadening, and pass again once acknowledged.
func TestDiffBroadening(t *testing.T) {
	base, head := "../../review/testdata/broadening/base", "../../review/testdata/broadening/head"
	var out, errOut bytes.Buffer
	if code := run([]string{"diff", base, head}, &out, &errOut); code != 0 {
		t.Fatalf("without -broadening: exit %d, want 0 (stderr %s)", code, errOut.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"diff", "-broadening", base, head}, &out, &errOut); code != 1 {
		t.Fatalf("-broadening: exit %d, want 1 (stderr %s)", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "2 high-risk change(s) not acknowledged") || !strings.Contains(out.String(), "broadening mode: a new ingress rule admits TCP 8443 from 10.60.0.0/16") {
		t.Errorf("stderr %s\nmarkdown:\n%s", errOut.String(), out.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"diff", "-broadening", "-ack", "../../review/testdata/broadening-acked/ack.json", base, head}, &out, &errOut); code != 0 {
		t.Fatalf("-broadening with the acknowledgements: exit %d, want 0 (stderr %s)", code, errOut.String())
	}
}
