// Package ptr converts plain Go values into the pointer forms the jsii
// bindings expect. It is the only place our constructs build jsii pointers,
// so exported APIs stay free of them.
package ptr

import "sort"

// String returns a pointer to s.
func String(s string) *string { return &s }

// Strings returns a pointer to a slice of pointers to the elements of ss.
// A nil or empty input gives nil, which the bindings omit from the JSON.
func Strings(ss []string) *[]*string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]*string, len(ss))
	for i := range ss {
		out[i] = String(ss[i])
	}
	return &out
}

// Number returns a pointer to n as the float64 the bindings use for numbers.
func Number(n int) *float64 {
	f := float64(n)
	return &f
}

// Bool returns a pointer to b.
func Bool(b bool) *bool { return &b }

// Map returns a pointer to a map of string pointers, or nil for an empty map.
func Map(m map[string]string) *map[string]*string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = String(v)
	}
	return &out
}

// Merge returns a new map with the entries of every map in order; later maps
// win on duplicate keys.
func Merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// SortedKeys returns the keys of m in ascending order, for deterministic
// iteration when resources are created from a map.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Optional returns nil for an empty string, so the binding omits the
// attribute, and a pointer to s otherwise.
func Optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
