package iamdoc_test

import (
	"errors"
	"fmt"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// A permission policy: one statement allowing reads under a prefix.
func ExampleDocument() {
	doc, err := iamdoc.Document(iamdoc.Allow("ReadUploads", []string{"s3:GetObject"}, "arn:aws:s3:::acme-uploads/uploads/*"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc)
	// Output: {"Version":"2012-10-17","Statement":[{"Sid":"ReadUploads","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::acme-uploads/uploads/*"]}]}
}

// A bucket policy statement with a principal and a condition; map keys
// come out sorted, so the same statements always give the same bytes.
// Statements IAM would reject are errors wrapping validate.ErrInvalid.
func ExampleDocument_realistic() {
	doc, err := iamdoc.Document(iamdoc.Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: map[string]any{"AWS": "*"},
		Actions:   []string{"s3:*"},
		Resources: []string{"arn:aws:s3:::acme-uploads", "arn:aws:s3:::acme-uploads/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc)

	_, err = iamdoc.Document(iamdoc.Statement{Effect: "allow", Actions: []string{"s3:GetObject"}})
	fmt.Println(errors.Is(err, validate.ErrInvalid), err)
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:*"],"Resource":["arn:aws:s3:::acme-uploads","arn:aws:s3:::acme-uploads/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
	// true iamdoc: Statement[0] (Sid ""): Effect "allow" must be Allow or Deny: invalid props
}

// A role trust policy for an AWS service, limited to this account with a
// condition (the confused-deputy guard).
func ExampleServiceTrust() {
	doc, err := iamdoc.ServiceTrust([]string{"lambda.amazonaws.com"}, nil,
		map[string]map[string]any{"StringEquals": {"aws:SourceAccount": "123456789012"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc)
	// Output: {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["sts:AssumeRole"],"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}
}
