package meta_test

import (
	"fmt"

	"github.com/hybridstack/hybridstack/constructs/nag/meta"
)

// Rule ids are a family of capitals, a dash and three digits; whether the
// rule exists is decided when the JSON is checked.
func ExampleValidRuleID() {
	for _, id := range []string{"S3-005", "EKS-008", "s3-005", "S3-5", "S3005"} {
		fmt.Println(id, meta.ValidRuleID(id))
	}
	// Output:
	// S3-005 true
	// EKS-008 true
	// s3-005 false
	// S3-5 false
	// S3005 false
}

// A secret-sounding name is fine when its value says where the secret
// lives; a credential-shaped value is a secret whatever its name.
func ExampleLooksLikeSecret() {
	for _, v := range [][2]string{
		{"DB_PASSWORD", "hunter2"},
		{"DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"},
		{"API_TOKEN_PARAMETER", "/prod/api/token"},
		{"VENDOR_URL", "https://user:pw@api.vendor.example.com"},
		{"REGION", "eu-west-1"},
		{"NOTE", "AKIAIOSFODNN7EXAMPLE"},
	} {
		fmt.Println(v[0], meta.LooksLikeSecret(v[0], v[1]))
	}
	// Output:
	// DB_PASSWORD true
	// DB_PASSWORD false
	// API_TOKEN_PARAMETER false
	// VENDOR_URL false
	// REGION false
	// NOTE true
}

// The keys the markers write, which the toolchain reads.
func Example_keys() {
	fmt.Println(meta.SuppressionsKey)
	fmt.Println(meta.DisposableLocal)
	// Output:
	// hybridstack_suppressions
	// hybridstack_disposable
}
