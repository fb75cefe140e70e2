// Package names shapes AWS resource names and name prefixes.
package names

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

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

// IDs hands out construct ids derived from user values. Readable ids lose
// information ("GET /orders/{id}" and "GET /orders/id" both read
// "get-orders-id"), and constructs refuse a duplicate id, so a readable id
// already taken by a different value gets a short hash of the full value:
// ids stay injective, and the first value keeps its readable id (its
// Terraform address does not move when another value is added).
type IDs map[string]string

// For returns the id for the value full, whose readable form is readable.
// The same value always gets the same id, and two values never share one:
// when the short hash is itself taken (by a readable id that happens to
// look like it), a longer hash is used.
func (ids IDs) For(readable, full string) string {
	if owner, taken := ids[readable]; !taken || owner == full {
		ids[readable] = full
		return readable
	}
	sum := sha256.Sum256([]byte(full))
	for n := 4; ; n++ {
		id := readable + "-" + hex.EncodeToString(sum[:min(n, len(sum))])
		if owner, taken := ids[id]; !taken || owner == full {
			ids[id] = full
			return id
		}
		if n >= len(sum) { // 2^256 values later: give up readably
			id = readable + "-" + hex.EncodeToString(sum[:]) + "-" + hex.EncodeToString([]byte(full))
			ids[id] = full
			return id
		}
	}
}

// Fit returns s when it has at most n bytes, else its first bytes and a
// short hash of all of it, n bytes in total, so that long names that share
// a beginning stay distinct.
func Fit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	h := hex.EncodeToString(sum[:4])
	return strings.TrimRight(s[:n-len(h)-1], "-") + "-" + h
}

// FromPath returns a name for a construct from its path inside its stack
// ("stack/team-a/orders" gives "stack-team-a-orders"): unlike
// "<stack>-<id>", two constructs with the same id in different scopes get
// different names, and a construct at the stack's top level keeps
// "<stack>-<id>".
func FromPath(path string) string {
	return strings.ReplaceAll(path, "/", "-")
}

var nonName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// FromPathFit returns FromPath(path) with every run of characters other than
// letters, digits, '-' and '_' made one '-', cut to n bytes with Fit: the
// default name of resources whose names allow those characters (Lambda
// functions, ECS clusters, families, services, schedules).
func FromPathFit(path string, n int) string {
	return Fit(nonName.ReplaceAllString(FromPath(path), "-"), n)
}

var readable = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// Readable reports whether s is 1-40 lowercase letters, digits and '-'
// (not first): a name that reads well inside construct ids and addresses.
func Readable(s string) bool { return readable.MatchString(s) }

var nonReadable = regexp.MustCompile(`[^a-z0-9-]+`)

// ID turns s into a Readable name: lowercased, other characters replaced by
// '-', and cut with a short hash to 40 bytes; "x" when nothing is left.
func ID(s string) string {
	id := strings.Trim(nonReadable.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if id == "" {
		return "x"
	}
	return Fit(id, 40)
}
