package iamdoc

import (
	"errors"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/validate"
)

// mustDoc fails the running test on err; set t before use.
var mustT *testing.T

func mustDoc(doc string, err error) string {
	if err != nil {
		mustT.Fatal(err)
	}
	return doc
}

func TestDocumentIsDeterministicAndOmitsEmptyFields(t *testing.T) {
	mustT = t
	got := mustDoc(Document(Allow("Read", []string{"s3:GetObject"}, "arn:aws:s3:::b/*"), Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "eks.amazonaws.com"},
		Actions:   []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{"StringEquals": {"b": "2", "a": "1"}},
	}))
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]},` +
		`{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole"],"Condition":{"StringEquals":{"a":"1","b":"2"}}}]}`
	if got != want {
		t.Fatalf("Document =\n%s\nwant\n%s", got, want)
	}
}

func TestServiceTrust(t *testing.T) {
	mustT = t
	got := mustDoc(ServiceTrust([]string{"pods.eks.amazonaws.com"}, []string{"sts:AssumeRole", "sts:TagSession"}, nil))
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	if got != want {
		t.Fatalf("ServiceTrust =\n%s\nwant\n%s", got, want)
	}
	two := mustDoc(ServiceTrust([]string{"a.amazonaws.com", "b.amazonaws.com"}, nil, nil))
	if want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["a.amazonaws.com","b.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`; two != want {
		t.Fatalf("two services =\n%s\nwant\n%s", two, want)
	}
}

func TestDocumentReportsEveryProblemInsteadOfPanicking(t *testing.T) {
	_, err := Document(
		Statement{Sid: "A", Effect: "allow", Actions: []string{"s3:GetObject", ""}, Resources: []string{""}},
		Statement{Sid: "B", Effect: "Allow", Principal: map[string]any{"AWS": func() {}}, Actions: []string{"sts:AssumeRole"},
			Condition: map[string]map[string]any{"StringEquals": {"k": make(chan int)}}},
		Statement{Sid: "C", Effect: "Deny"},
	)
	if !errors.Is(err, validate.ErrInvalid) {
		t.Fatalf("error %v does not wrap validate.ErrInvalid", err)
	}
	for _, want := range []string{
		`Statement[0] (Sid "A"): Effect "allow" must be Allow or Deny`,
		`Statement[0] (Sid "A"): Actions[1] is empty`,
		`Statement[0] (Sid "A"): Resources[0] is empty`,
		`Statement[1] (Sid "B"): Principal["AWS"] is func(); use a string or []string`,
		`Statement[1] (Sid "B"): Condition["StringEquals"]["k"] is chan int`,
		`Statement[2] (Sid "C"): Actions is empty`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := Document(); err == nil {
		t.Error("an empty document must be an error")
	}
	if _, err := ServiceTrust(nil, nil, nil); err == nil {
		t.Error("a trust policy without services must be an error")
	}
}
