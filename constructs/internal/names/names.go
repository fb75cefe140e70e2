// Package names shapes AWS resource names and name prefixes.
package names

// Truncate cuts s to at most n bytes, for names and prefixes AWS limits in
// length.
func Truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
