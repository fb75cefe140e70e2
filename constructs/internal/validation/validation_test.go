package validation

import (
	"errors"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

func TestReportJoinsEveryProblem(t *testing.T) {
	r := NewReport("eks", "platform/cluster")
	if r.Err() != nil {
		t.Fatal("empty report must have no error")
	}
	r.Addf("NodeGroups[1].MinSize", "%d is greater than MaxSize %d", 5, 3)
	r.Addf("Version", "%q is not supported", "1.20")
	err := r.Err()
	want := "eks \"platform/cluster\": NodeGroups[1].MinSize 5 is greater than MaxSize 3\n" +
		"eks \"platform/cluster\": Version \"1.20\" is not supported"
	if err.Error() != want {
		t.Fatalf("error =\n%s\nwant\n%s", err, want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatal("errors.Is(err, ErrInvalid) must hold")
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "NodeGroups[1].MinSize" {
		t.Fatalf("errors.As must give the first FieldError, got %#v", fe)
	}
}

func TestNames(t *testing.T) {
	for _, tt := range []struct {
		name string
		fn   func(string) bool
		ok   []string
		bad  []string
	}{
		{"DNSLabel", DNSLabel, []string{"serverless", "a", "team-1"}, []string{"", "Serverless", "-a", "a-", strings.Repeat("a", 64), "a.b"}},
		{"DNSSubdomain", DNSSubdomain, []string{"a.b", "cluster-autoscaler"}, []string{"", "A", "a..b"}},
		{"LabelKey", LabelKey, []string{"capacity", "node.kubernetes.io/role", "a_b.c"}, []string{"", "-a", "a/", "/a", strings.Repeat("a", 64)}},
		{"LabelValue", LabelValue, []string{"", "spot", "a.b_c-d"}, []string{"-a", "a b", strings.Repeat("a", 64)}},
		{"IAMPrincipalARN", IAMPrincipalARN, []string{"arn:aws:iam::123456789012:role/Admin", "arn:aws-us-gov:iam::123456789012:user/ops/alice"}, []string{"arn:aws:iam::12345:role/x", "role/Admin", "arn:aws:s3:::bucket"}},
	} {
		for _, s := range tt.ok {
			if !tt.fn(s) {
				t.Errorf("%s(%q) = false, want true", tt.name, s)
			}
		}
		for _, s := range tt.bad {
			if tt.fn(s) {
				t.Errorf("%s(%q) = true, want false", tt.name, s)
			}
		}
	}
}

func TestLogRetention(t *testing.T) {
	for _, d := range []int{1, 90, 365, 3653} {
		if !LogRetention(d) {
			t.Errorf("LogRetention(%d) = false", d)
		}
	}
	for _, d := range []int{0, 2, 91, 10000} {
		if LogRetention(d) {
			t.Errorf("LogRetention(%d) = true", d)
		}
	}
}

func TestSameValue(t *testing.T) {
	stack := tftest.NewStack(t)
	a := snstopic.NewSnsTopic(stack, ptr.String("a"), &snstopic.SnsTopicConfig{})
	b := snstopic.NewSnsTopic(stack, ptr.String("b"), &snstopic.SnsTopicConfig{})
	first, second := *a.Arn(), *a.Arn()
	if first == second {
		t.Fatalf("two reads of one ARN are the same string %q; the test no longer exercises resolution", first)
	}
	for _, tc := range []struct {
		x, y string
		want bool
	}{
		{first, second, true},
		{first, *b.Arn(), false},
		{"arn:aws:sns:eu-west-1:123456789012:t", "arn:aws:sns:eu-west-1:123456789012:t", true},
		{"arn:aws:sns:eu-west-1:123456789012:t", first, false},
		{"x", "y", false},
	} {
		if got := SameValue(stack, tc.x, tc.y); got != tc.want {
			t.Errorf("SameValue(%q, %q) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
}
