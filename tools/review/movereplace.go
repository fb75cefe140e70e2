package review

import (
	"fmt"
	"strings"
)

// derivedNames are the forced-new attributes a construct of the library
// derives from its construct id, with the prop that pins them: moved to a
// new id (constructs/moves.From), the construct derives a new value and
// Terraform replaces the resource even with the moved blocks.
var derivedNames = map[string]string{
	"aws_s3_bucket.bucket_prefix": "NamePrefix (storage.BucketProps.NamePrefix)",
	"aws_s3_bucket.bucket":        "Name (storage.BucketProps.Name)",
}

// movedReplaceNote says, for a resource inside a construct-level move (a
// moved resource whose construct path changed its prefix, or a rename a
// ConstructMove keeps), which forced-new attributes still replace it and
// what to pin: "; even moved with its construct, it is replaced because
// `bucket_prefix` changes from "uploads-" to "media-" (derived from the
// construct id): pin NamePrefix ... to "uploads-"". Empty otherwise: the
// finding then gives its usual reasons.
func (d *StackDiff) movedReplaceNote(c ResourceChange) string {
	inMove := false
	switch c.Action {
	case Rename:
		inMove = c.Fix != nil && c.Fix.Construct != ""
	case Replace:
		if b, ok := d.base.Resources[c.From]; ok && c.From != c.Address {
			_, _, inMove = movedPrefix(b.ConstructPath(), c.Path)
		}
	}
	if !inMove {
		return ""
	}
	var why []string
	for _, a := range c.Attrs {
		if a.ForcesNew == "" {
			continue
		}
		w := fmt.Sprintf("`%s` changes from %s to %s", a.Path, orNone(a.Before), orNone(a.After))
		if pin, ok := derivedNames[c.Type+"."+a.Path]; ok {
			w += fmt.Sprintf(" (derived from the construct id): pin %s to %s", pin, orNone(a.Before))
		} else {
			w += ": keep its old value"
		}
		why = append(why, w)
	}
	if len(why) == 0 {
		return ""
	}
	for _, w := range c.ReplacedBecause {
		if strings.Contains(w, " takes ") {
			why = append(why, w) // a cascade: a forced-new value from a recreated resource
		}
	}
	return "; even moved with its construct, it is replaced because " + strings.Join(why, "; ")
}

// orNone renders an attribute value of one side, "(none)" when unset.
func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
