// Package names shapes AWS resource names and name prefixes.
package names

import "strings"

// TerraformSuffix is the length of the unique suffix Terraform appends to a
// name_prefix (a timestamp and a counter): a prefix may be at most the AWS
// name limit less this.
const TerraformSuffix = 26

// Truncate cuts s to at most n bytes, for names and prefixes AWS limits in
// length.
func Truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Prefix returns s cut to fit a name prefix of at most n bytes, ending in
// "-" so the suffix Terraform appends reads as a separate word.
func Prefix(s string, n int) string {
	s = strings.TrimRight(Truncate(strings.TrimRight(s, "-"), n-1), "-")
	return s + "-"
}
