package review

import (
	"fmt"
	"sort"
	"strings"
)

// ClassSettingLost is the class of a singleton setting of a live resource
// (a bucket's public access block, policy, encryption...) that changes
// address without a moved block.
const ClassSettingLost = "setting-lost"

// subresource is a resource type that holds one setting of another, live
// resource, at most one per parent: Parent is the attribute naming the
// parent, Destroy what deleting the setting does to the parent.
type subresource struct {
	Parent  string
	Destroy string
}

// subresources are the singleton sub-resource types. Types of which a
// parent may hold several (aws_iam_role_policy_attachment, one per
// policy; aws_eks_access_policy_association, one per principal and
// policy) are not here: two of them do not race.
var subresources = map[string]subresource{
	"aws_s3_bucket_public_access_block":                  {"bucket", "deletes the public access block: public ACLs and public bucket policies are no longer blocked"},
	"aws_s3_bucket_policy":                               {"bucket", "deletes the bucket policy: its statements (a TLS-only Deny, cross-account grants) stop applying"},
	"aws_s3_bucket_server_side_encryption_configuration": {"bucket", "deletes the default encryption: new objects get SSE-S3, not the configured KMS key"},
	"aws_s3_bucket_versioning":                           {"bucket", "suspends versioning: overwritten and deleted objects keep no new versions"},
	"aws_s3_bucket_lifecycle_configuration":              {"bucket", "deletes every lifecycle rule: nothing expires or transitions any more"},
	"aws_s3_bucket_ownership_controls":                   {"bucket", "deletes the ownership controls: ACLs are enabled again (object writer owns objects)"},
	"aws_s3_bucket_logging":                              {"bucket", "turns server access logging off"},
	"aws_s3_bucket_notification":                         {"bucket", "deletes every event notification: consumers stop receiving events"},
	"aws_s3_bucket_object_lock_configuration":            {"bucket", "removes the default retention: new objects are no longer locked"},
	"aws_s3_bucket_cors_configuration":                   {"bucket", "deletes the CORS rules: browsers' cross-origin requests fail"},
	"aws_sqs_queue_policy":                               {"queue_url", "deletes the queue policy: the principals it allows lose access, its Deny statements stop applying"},
	"aws_sqs_queue_redrive_policy":                       {"queue_url", "removes the dead-letter redrive: failing messages are retried until they expire"},
	"aws_sns_topic_policy":                               {"arn", "resets the topic policy to the default (the owner only): the publishers it allows lose access"},
	"aws_efs_backup_policy":                              {"file_system_id", "disables automatic backups of the file system"},
	"aws_efs_file_system_policy":                         {"file_system_id", "deletes the file system policy: its conditions (TLS only, no anonymous access) stop applying"},
	"aws_ecr_lifecycle_policy":                           {"repository", "deletes the image lifecycle policy: no image expires any more"},
	"aws_ecr_repository_policy":                          {"repository", "deletes the repository policy: the pulls it allows (other accounts, services) fail"},
	"aws_kms_key_policy":                                 {"key_id", "resets the key policy to the default: the principals it grants lose access to the key"},
	"aws_lambda_function_event_invoke_config":            {"function_name", "deletes the asynchronous invocation settings: retries and age go back to the defaults, failed events reach no destination"},
	"aws_vpclattice_auth_policy":                         {"resource_identifier", "deletes the auth policy: with auth_type AWS_IAM every call is then denied"},
	"aws_ecs_cluster_capacity_providers":                 {"cluster_name", "removes the cluster's capacity providers and default strategy: services using them cannot place tasks"},
}

// SubresourceOrdering is what a real plan on the emulator showed for such a
// change (testdata/subresource: tools/e2e plan wrote plan.json, and
// terraform graph -plan of the kept plan has no edge between any delete
// and any create: each delete waits only for the provider, each create
// for the bucket and key), and what applying it there did
// (testdata/subresource/apply-on-moto.txt): it is quoted in the finding.
const SubresourceOrdering = "A real plan of such a change (Terraform 1.11.4 against the emulator) has each old address as a delete and each new one as a create, with no edge between them in the apply graph: they run in parallel, in no defined order (applied there, the encryption's delete landed after its create and left the bucket without it, and the public access block's and ownership controls' deletes failed on finding the new ones)"

// subresourceFindings reports, per live parent, the singleton settings
// that are deleted at one address and created at another (a probable
// rename, or a delete and a create of the same type on the same parent):
// whichever of the two runs last decides whether the setting exists
// after the apply. A moved block for the setting makes it a move, not
// found here. A parent that is itself destroyed (deleted, replaced,
// renamed) is reported as such, not here.
func (d *StackDiff) subresourceFindings() []Finding {
	type pair struct{ from, to string }
	byParent := map[string][]pair{}
	parentOf := func(r *Resource, side map[string]string) (string, bool) {
		sr := subresources[r.Type]
		attrs := r.Attrs
		if side != nil {
			attrs = normalizeAttrs(attrs, side)
		}
		v, ok := attrs[sr.Parent].(string)
		return v, ok && v != ""
	}
	var deleted, created []string
	for _, c := range d.Changes {
		if _, ok := subresources[c.Type]; !ok {
			continue
		}
		switch c.Action {
		case Rename:
			b, h := d.base.Resources[c.From], d.head.Resources[c.Address]
			pb, okB := parentOf(b, nil)
			ph, okH := parentOf(h, d.rename)
			if okB && okH && pb == ph {
				byParent[pb] = append(byParent[pb], pair{c.From, c.Address})
			}
		case Delete:
			deleted = append(deleted, c.Address)
		case Create:
			created = append(created, c.Address)
		}
	}
	// A delete and a create of the same type on the same parent race the
	// same way, paired or not.
	for _, from := range deleted {
		b := d.base.Resources[from]
		pb, ok := parentOf(b, nil)
		if !ok {
			continue
		}
		for _, to := range created {
			h := d.head.Resources[to]
			if h.Type != b.Type {
				continue
			}
			if ph, ok := parentOf(h, d.rename); ok && ph == pb {
				byParent[pb] = append(byParent[pb], pair{from, to})
				break
			}
		}
	}
	recreated := map[string]bool{}
	for _, c := range d.Changes {
		switch c.Action {
		case Delete, Replace, Rename:
			recreated[c.Address] = true
			if c.From != "" {
				recreated[c.From] = true
			}
		}
	}
	parents := make([]string, 0, len(byParent))
	for p := range byParent {
		parents = append(parents, p)
	}
	sort.Strings(parents)
	var out []Finding
	for _, p := range parents {
		pairs := byParent[p]
		sort.Slice(pairs, func(i, j int) bool { return pairs[i].to < pairs[j].to })
		// The live parent: the resource the value references, at its
		// head address; or the literal value.
		addr, path, live := "", "", p
		if refs := blockRefs(p); len(refs) == 1 {
			base := refs[0].Address
			if recreated[base] {
				continue
			}
			addr = base
			for to, from := range d.rename {
				if from == base {
					addr = to
				}
			}
			if recreated[addr] {
				continue
			}
			live = addr
			if r, ok := d.lookup(addr); ok {
				path = r.ConstructPath()
			}
		}
		first := d.head.Resources[pairs[0].to]
		if addr == "" {
			addr, path = first.Address(), first.ConstructPath()
			live = fmt.Sprintf("%s %q", subresources[first.Type].Parent, p)
		}
		var what []string
		fixes := map[string]bool{}
		var construct []string
		var moved []string
		for _, pr := range pairs {
			h := d.head.Resources[pr.to]
			b := d.base.Resources[pr.from]
			what = append(what, fmt.Sprintf("%s (%s, was %s) %s", h.Type, h.ConstructPath(), b.ConstructPath(), subresources[h.Type].Destroy))
			if c, ok := d.change(pr.to); ok && c.Fix != nil && c.Fix.Construct != "" {
				call, _, _ := strings.Cut(c.Fix.Construct, " //")
				if !fixes[call] {
					fixes[call] = true
					construct = append(construct, "`"+call+"`")
				}
				continue
			}
			moved = append(moved, d.settingFix(pr.from, pr.to))
		}
		fix := ""
		switch {
		case len(construct) > 0 && len(moved) == 0:
			fix = "one construct-level move keeps them all: " + strings.Join(construct, "; ")
		case len(construct) > 0:
			fix = "a construct-level move (" + strings.Join(construct, "; ") + ") and, for the others, " + strings.Join(moved, "; ")
		default:
			fix = "a move for each: " + strings.Join(moved, "; ")
		}
		msg := fmt.Sprintf("%d singleton settings of the live %s change address without a moved block. %s; if a delete runs after its create, the setting is gone when the apply ends, and the next plan creates it again: %s. Fix: %s",
			len(pairs), live, SubresourceOrdering, strings.Join(what, "; "), fix)
		out = append(out, Finding{Severity: High, Class: ClassSettingLost, Stack: d.Stack, Address: addr, Path: path, Message: msg})
	}
	return out
}

// change finds the change at a head address.
func (d *StackDiff) change(addr string) (ResourceChange, bool) {
	for _, c := range d.Changes {
		if c.Address == addr {
			return c, true
		}
	}
	return ResourceChange{}, false
}

// settingFix is the per-resource fix of one setting that changes address:
// the Go call on the resource (RenameFix.Cdktf, for a probable rename)
// and the moved block, so that the comment shows both, not only the JSON.
func (d *StackDiff) settingFix(from, to string) string {
	moved := fmt.Sprintf("`moved { from = %s, to = %s }`", from, to)
	if c, ok := d.change(to); ok && c.Fix != nil && c.Fix.Cdktf != "" {
		call, _, _ := strings.Cut(c.Fix.Cdktf, " //")
		return fmt.Sprintf("`%s` (at %s; or %s)", call, d.head.Resources[to].ConstructPath(), moved)
	}
	return moved
}
