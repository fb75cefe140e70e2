package iamdoc_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// The fuzz tests below feed primitive values into Document and
// ServiceTrust and check their contract: a document or an error wrapping
// validate.ErrInvalid, never both, never a panic; a document is JSON with
// Version 2012-10-17 and every statement, and the same input gives the same
// bytes.

// fuzzValue turns a fuzz string into a principal or condition value by
// kind: a string, a list, a boolean, an empty list, a number or nil (the
// last three are refused).
func fuzzValue(kind uint8, s string) any {
	switch kind % 6 {
	case 1:
		return strings.Split(s, ",")
	case 2:
		return s == "true"
	case 3:
		return []string{}
	case 4:
		return len(s)
	case 5:
		return nil
	}
	return s
}

// checkDocument checks the result of Document or ServiceTrust and returns
// the parsed document, or nil after an error.
func checkDocument(t *testing.T, doc string, err error) map[string]any {
	t.Helper()
	if err != nil {
		if doc != "" {
			t.Fatalf("a document %q and the error %v", doc, err)
		}
		if !errors.Is(err, validate.ErrInvalid) || strings.TrimSpace(err.Error()) == "" {
			t.Fatalf("error %q does not wrap validate.ErrInvalid", err)
		}
		return nil
	}
	var parsed map[string]any
	if err := json.Unmarshal([]byte(doc), &parsed); err != nil {
		t.Fatalf("document is not JSON: %v\n%s", err, doc)
	}
	if parsed["Version"] != "2012-10-17" {
		t.Fatalf("document version %v", parsed["Version"])
	}
	return parsed
}

func FuzzDocument(f *testing.F) {
	f.Add(uint8(1), "ReadObjects", "Allow", "", "", uint8(0), "s3:GetObject", "arn:aws:s3:::b/*", "", "", "", uint8(0))
	f.Add(uint8(2), "DenyInsecureTransport", "Deny", "AWS", "*", uint8(0), "s3:*", "arn:aws:s3:::b,arn:aws:s3:::b/*", "Bool", "aws:SecureTransport", "false", uint8(0))
	f.Add(uint8(1), "", "Allow", "Service", "lambda.amazonaws.com,events.amazonaws.com", uint8(1), "sts:AssumeRole", "", "StringEquals", "aws:SourceAccount", "${data.aws_caller_identity.x.account_id}", uint8(0))
	f.Add(uint8(1), "", "Allow", "AWS", "", uint8(2), "kms:*", "*", "Bool", "kms:GrantIsForAWSResource", "true", uint8(2))
	f.Add(uint8(0), "", "", "", "", uint8(0), "", "", "", "", "", uint8(0))
	f.Add(uint8(1), "x", "allow", "AWS", "", uint8(3), "", ",", "StringLike", "s3:prefix", "", uint8(3))
	f.Add(uint8(3), "ünïcødé", "Allow", "", "", uint8(4), "s3:GetObject,", "\x00", "Null", "k", "", uint8(5))
	f.Add(uint8(1), "<html>&", "Allow", "AWS", "arn:aws:iam::123456789012:root", uint8(0), "s3:GetObject", "arn:aws:s3:::b/\"quoted\"", "", "", "", uint8(0))
	f.Fuzz(func(t *testing.T, n uint8, sid, effect, principalKey, principalValue string, principalKind uint8, actions, resources, condOp, condKey, condValue string, condKind uint8) {
		st := iamdoc.Statement{Sid: sid, Effect: effect, Actions: fuzztest.List(actions), Resources: fuzztest.List(resources)}
		if principalKey != "" || principalValue != "" {
			st.Principal = map[string]any{principalKey: fuzzValue(principalKind, principalValue)}
		}
		if condOp != "" || condKey != "" || condValue != "" {
			st.Condition = map[string]map[string]any{condOp: {condKey: fuzzValue(condKind, condValue)}}
		}
		statements := make([]iamdoc.Statement, int(n%4))
		for i := range statements {
			statements[i] = st
		}
		doc, err := iamdoc.Document(statements...)
		parsed := checkDocument(t, doc, err)
		if parsed == nil {
			return
		}
		if got, _ := parsed["Statement"].([]any); len(got) != len(statements) {
			t.Fatalf("%d statements in, %d out:\n%s", len(statements), len(got), doc)
		}
		if again, err := iamdoc.Document(statements...); err != nil || again != doc {
			t.Fatalf("Document is not deterministic:\n%s\n%s (%v)", doc, again, err)
		}
	})
}

func FuzzServiceTrust(f *testing.F) {
	f.Add("lambda.amazonaws.com", "", "StringEquals", "aws:SourceAccount", "123456789012")
	f.Add("pods.eks.amazonaws.com", "sts:AssumeRole,sts:TagSession", "", "", "")
	f.Add("a.amazonaws.com,b.amazonaws.com", "", "", "", "")
	f.Add("", "", "", "", "")
	f.Add(",", ",", "", "", "")
	f.Add("ünïcødé", "sts:AssumeRole", "ArnLike", "aws:SourceArn", "arn:aws:eks:*:*:fargateprofile/c/*")
	f.Fuzz(func(t *testing.T, services, actions, condOp, condKey, condValue string) {
		var conditions map[string]map[string]any
		if condOp != "" || condKey != "" || condValue != "" {
			conditions = map[string]map[string]any{condOp: {condKey: condValue}}
		}
		doc, err := iamdoc.ServiceTrust(fuzztest.List(services), fuzztest.List(actions), conditions)
		if parsed := checkDocument(t, doc, err); parsed != nil && !strings.Contains(doc, `"Service"`) {
			t.Fatalf("trust policy without a service principal:\n%s", doc)
		}
	})
}
