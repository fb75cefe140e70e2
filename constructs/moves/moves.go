// Package moves keeps a construct's resources when the construct is
// renamed or moved in the tree. cdktf derives a resource's Terraform
// address from its construct path (type.<path joined by _>_<hash of the
// path>), so renaming a construct gives every resource under it a new
// address, and Terraform destroys and recreates each one. From, called
// once on the construct where it is created now, writes a Terraform moved
// block for every resource under it, from the address the resource had
// under the old path: Terraform then keeps them, like a Pulumi component
// alias.
//
// From keeps addresses, not the names a construct derives from its id.
// Moving storage.NewBucket(stack, "uploads") to id "media" with
// From(media, "uploads") still replaces the bucket: its default name
// prefix is the id ("uploads-" becomes "media-", and bucket_prefix forces
// a new bucket), and its key alias is the path (alias/s3/<stack>/uploads
// becomes alias/s3/<stack>/media: the alias is replaced, the key kept).
// When moving a construct, pin the names it derives from its id to their
// old values: for a bucket, storage.BucketProps.NamePrefix ("uploads-")
// or Name. hybridcheck diff names each attribute that still forces a
// replacement inside a construct-level move.
//
// It is a package of its own, not part of constructs/nag: nag writes
// markers that Terraform ignores and the rule pack reads, moves writes
// blocks Terraform acts on.
package moves

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// From declares that construct c was at oldPath before: a construct path
// inside c's stack, as the change reviewer prints it ("uploads",
// "store/uploads"). When the stack is synthesized, every resource under c,
// including those added after the call, gets a moved block from its
// address under oldPath to its address now (cdktf's MoveFromId). A
// resource that already declares a move (MoveFromId, MoveTo) keeps its
// own; a resource whose logical id is overridden (OverrideLogicalId) has
// no address derived from its path, so it gets none and a warning.
//
// oldPath must be a path no construct of the stack has any more (else
// two constructs would claim the same resources), must differ from c's
// path, and must not be empty or have empty elements. c must be inside a
// stack and not the stack itself. Call it once per construct. Names the
// construct derives from its id (a bucket's default NamePrefix) are not
// kept: pin them (see the package doc).
func From(c constructs.IConstruct, oldPath string) error {
	if c == nil {
		return fmt.Errorf("moves.From: the construct is nil")
	}
	path := *c.Node().Path()
	stack := stackOf(c)
	if stack == nil {
		return fmt.Errorf("%s: moves.From needs a construct inside a TerraformStack; %s is in none", path, path)
	}
	if *stack.Node().Path() == path {
		return fmt.Errorf("%s: moves.From moves a construct inside a stack, not the stack itself", path)
	}
	now := relPath(c, stack)
	old, err := splitPath(oldPath)
	if err != nil {
		return fmt.Errorf("%s: moves.From old path %q: %w", path, oldPath, err)
	}
	if strings.Join(old, "/") == strings.Join(now, "/") {
		return fmt.Errorf("%s: moves.From old path %q is the construct's current path: nothing moves", path, oldPath)
	}
	if existing := find(stack, old); existing != nil {
		return fmt.Errorf("%s: moves.From old path %q still names a construct (%s): its resources keep those addresses, so the old path must be free (remove or rename that construct first)", path, oldPath, *existing.Node().Path())
	}
	cdktf.Aspects_Of(c).Add(&mover{scope: c, stack: stack, from: old, to: now})
	return nil
}

// mover is the aspect that writes the moved blocks at synthesis, once
// every resource under the construct exists.
type mover struct {
	scope    constructs.IConstruct
	stack    cdktf.TerraformStack
	from, to []string
}

// Visit gives a resource under the construct a move from its old address.
func (m *mover) Visit(node constructs.IConstruct) {
	r, ok := node.(cdktf.TerraformResource)
	if !ok || r.HasResourceMove() != nil {
		return
	}
	comps := relPath(node, m.stack)
	if len(comps) < len(m.to) || m.deeperMover(node) {
		return
	}
	if UniqueID(comps) != *r.FriendlyUniqueId() {
		cdktf.Annotations_Of(node).AddWarning(jsii.String(fmt.Sprintf("moves.From(%s, %q): %s has an overridden logical id %s, not one derived from its path: no moved block is written for it", strings.Join(m.to, "/"), strings.Join(m.from, "/"), *node.Node().Path(), *r.FriendlyUniqueId())))
		return
	}
	old := append(append([]string{}, m.from...), comps[len(m.to):]...)
	r.MoveFromId(jsii.String(*r.TerraformResourceType() + "." + UniqueID(old)))
}

// deeperMover reports whether a construct between m's construct and node
// (node included) declared a move of its own: the innermost declaration
// decides a resource's old address, because it alone knows the old path
// of everything under it (the outer one would join its old path with the
// inner construct's new id). cdktf visits a parent's aspects before a
// child's, so without this the outer move would claim the resource first.
func (m *mover) deeperMover(node constructs.IConstruct) bool {
	scopePath := *m.scope.Node().Path()
	scopes := *node.Node().Scopes()
	for i := len(scopes) - 1; i >= 0; i-- {
		s := scopes[i]
		if *s.Node().Path() == scopePath {
			return false
		}
		for _, a := range *cdktf.Aspects_Of(s).All() {
			if other, ok := a.(*mover); ok && other != m {
				return true
			}
		}
	}
	return false
}

// stackOf finds the innermost TerraformStack holding c, or nil.
func stackOf(c constructs.IConstruct) cdktf.TerraformStack {
	scopes := *c.Node().Scopes()
	for i := len(scopes) - 1; i >= 0; i-- {
		if *cdktf.TerraformStack_IsStack(scopes[i]) {
			return cdktf.TerraformStack_Of(scopes[i])
		}
	}
	return nil
}

// relPath is c's construct path below the stack, as ids.
func relPath(c constructs.IConstruct, stack cdktf.TerraformStack) []string {
	scopes := *c.Node().Scopes()
	stackPath := *stack.Node().Path()
	var out []string
	below := false
	for _, s := range scopes {
		if below {
			out = append(out, *s.Node().Id())
		}
		if *s.Node().Path() == stackPath {
			below = true
		}
	}
	return out
}

// find returns the construct at a path below the stack, or nil.
func find(stack cdktf.TerraformStack, path []string) constructs.IConstruct {
	var cur constructs.IConstruct = stack
	for _, id := range path {
		next := cur.Node().TryFindChild(jsii.String(id))
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

// splitPath checks and splits a construct path.
func splitPath(p string) ([]string, error) {
	if strings.TrimSpace(p) == "" {
		return nil, fmt.Errorf("empty; want the construct's former path inside its stack, e.g. \"uploads\" or \"store/uploads\"")
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if s == "" {
			return nil, fmt.Errorf("element %d is empty; want ids separated by single slashes, without a leading or trailing one", i)
		}
	}
	return parts, nil
}

// The constants of cdktf's makeUniqueId (lib/private/unique.ts).
const (
	hiddenID          = "Default"
	hiddenFromHumanID = "Resource"
	maxHumanLen       = 240
	maxIDLen          = 255
	hashLen           = 8
)

var disallowed = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// UniqueID is the logical id cdktf's default addressing scheme
// (TerraformStack.allocateLogicalId) gives the construct path below a
// stack: a single id as it is (without characters other than letters,
// digits, _ and -); else the ids joined by _ (an id dropped when the one
// before ends with it, "Resource" and "Default" left out) and the first 8
// hex digits, upper case, of the MD5 of the path joined by /.
func UniqueID(components []string) string {
	var comps []string
	for _, c := range components {
		if c != hiddenID {
			comps = append(comps, c)
		}
	}
	if len(comps) == 0 {
		return ""
	}
	if len(comps) == 1 {
		if c := disallowed.ReplaceAllString(comps[0], ""); len(c) <= maxIDLen {
			return c
		}
	}
	sum := md5.Sum([]byte(strings.Join(comps, "/")))
	hash := strings.ToUpper(hex.EncodeToString(sum[:]))[:hashLen]
	var human []string
	for _, c := range comps {
		if len(human) > 0 && strings.HasSuffix(human[len(human)-1], c) {
			continue
		}
		human = append(human, c)
	}
	var kept []string
	for _, c := range human {
		if c != hiddenFromHumanID {
			kept = append(kept, disallowed.ReplaceAllString(c, ""))
		}
	}
	h := strings.Join(kept, "_")
	if len(h) > maxHumanLen {
		h = h[:maxHumanLen]
	}
	return h + "_" + hash
}
