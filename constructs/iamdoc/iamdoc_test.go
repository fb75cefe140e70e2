package iamdoc

import "testing"

func TestDocumentIsDeterministicAndOmitsEmptyFields(t *testing.T) {
	got := Document(Allow("Read", []string{"s3:GetObject"}, "arn:aws:s3:::b/*"), Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "eks.amazonaws.com"},
		Actions:   []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{"StringEquals": {"b": "2", "a": "1"}},
	})
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]},` +
		`{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole"],"Condition":{"StringEquals":{"a":"1","b":"2"}}}]}`
	if got != want {
		t.Fatalf("Document =\n%s\nwant\n%s", got, want)
	}
}

func TestServiceTrust(t *testing.T) {
	got := ServiceTrust([]string{"pods.eks.amazonaws.com"}, []string{"sts:AssumeRole", "sts:TagSession"}, nil)
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	if got != want {
		t.Fatalf("ServiceTrust =\n%s\nwant\n%s", got, want)
	}
	two := ServiceTrust([]string{"a.amazonaws.com", "b.amazonaws.com"}, nil, nil)
	if want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["a.amazonaws.com","b.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`; two != want {
		t.Fatalf("two services =\n%s\nwant\n%s", two, want)
	}
}
