package storage_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/rolepolicy"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// The fuzz tests below feed primitive values into the props of NewBucket
// and ImportBucket, and into bucket grants, and check the contract of every
// call: it returns a value or an error, never both and never neither, and
// never panics; an error is about props, so it wraps validate.ErrInvalid,
// every FieldError in it names the construct path, the field and the
// problem, and a failed constructor added nothing to the tree; a stack
// that was built without error synthesizes. `go test` runs the seeds;
// `make fuzz` (go test -fuzz) explores from them.

func FuzzNewBucket(f *testing.F) {
	type in struct {
		id, prefix, name, kms, sseReason string
		noVersioning                     bool
		rules                            uint8
		ruleID, rulePrefix               string
		expire, noncurrentExpire         int
		class                            string
		days, noncurrentDays             int
		disposable                       bool
		tagKey, tagValue                 string
	}
	add := func(i in) {
		f.Add(i.id, i.prefix, i.name, i.kms, i.sseReason, i.noVersioning, i.rules, i.ruleID, i.rulePrefix, i.expire, i.noncurrentExpire, i.class, i.days, i.noncurrentDays, i.disposable, i.tagKey, i.tagValue)
	}
	add(in{id: "data"})
	add(in{id: "logs", prefix: "acme-logs-", sseReason: "ALB access logs: the ELB service cannot write SSE-KMS", rules: 1, ruleID: "archive", rulePrefix: "AWSLogs/", expire: 365, class: "GLACIER_IR", days: 90, disposable: true, tagKey: "team", tagValue: "platform"})
	add(in{id: "data", name: "acme-data-eu-west-1", kms: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", noncurrentDays: 7})
	add(in{id: "data", name: "@token", kms: "@token"})
	add(in{id: "data", name: "Bad..Name", prefix: "also-set-"})
	add(in{id: "data", name: "ab"})
	add(in{id: "Data With Spaces"})
	add(in{id: "data", prefix: strings.Repeat("p", 38)})
	add(in{id: "data", kms: "alias/x", sseReason: "   "})
	add(in{id: "data", noncurrentDays: -1, rules: 2, ruleID: "dup", expire: -5})
	add(in{id: "data", rules: 1, ruleID: strings.Repeat("r", 256)})
	add(in{id: "data", rules: 1, ruleID: "noop"})
	add(in{id: "data", rules: 3, ruleID: "ia", class: "STANDARD_IA", days: 10, expire: 5})
	add(in{id: "data", rules: 1, ruleID: "deep", class: "DEEP_ARCHIVE", days: math.MaxInt, expire: math.MinInt, noncurrentExpire: math.MaxInt})
	add(in{id: "data", noVersioning: true, rules: 1, ruleID: "ünïcødé", rulePrefix: "ünï/", noncurrentExpire: 1, tagKey: "", tagValue: "x"})
	add(in{id: "ünï/cødé"})
	add(in{id: "awsenv-partition"})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, prefix, name, kms, sseReason string, noVersioning bool, rules uint8, ruleID, rulePrefix string, expire, noncurrentExpire int, class string, days, noncurrentDays int, disposable bool, tagKey, tagValue string) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &name, &kms)
		props := storage.BucketProps{
			NamePrefix: prefix, Name: name, KMSKeyARN: kms, SSES3Reason: sseReason, DisableVersioning: noVersioning,
			NoncurrentVersionDays: noncurrentDays, Disposable: disposable,
		}
		rule := storage.LifecycleRule{ID: ruleID, Prefix: rulePrefix, ExpireDays: expire, NoncurrentExpireDays: noncurrentExpire}
		if class != "" {
			rule.Transitions = []storage.Transition{{Days: days, StorageClass: class}}
		}
		switch rules % 4 {
		case 1:
			props.Lifecycle = []storage.LifecycleRule{rule}
		case 2: // the same rule twice
			props.Lifecycle = []storage.LifecycleRule{rule, rule}
		case 3:
			second := rule
			second.ID += "-2"
			props.Lifecycle = []storage.LifecycleRule{rule, second}
		}
		if tagKey != "" || tagValue != "" {
			props.Tags = map[string]string{tagKey: tagValue}
		}
		var b *storage.Bucket
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { b, err = storage.NewBucket(stack, id, props) })
		if !fuzztest.Check(t, "NewBucket", b != nil, err) {
			if added() {
				t.Fatalf("NewBucket returned %v but added %q to the tree", err, id)
			}
			return
		}
		if b.BucketName() == "" || b.BucketARN() == "" || (b.KMSKeyARN() == "") != (sseReason != "") {
			t.Fatalf("NewBucket: name %q, ARN %q, key %q with SSES3Reason %q", b.BucketName(), b.BucketARN(), b.KMSKeyARN(), sseReason)
		}
		tftest.Synth(t, stack)
	})
}

func FuzzImportBucket(f *testing.F) {
	f.Add("shared", "acme-shared-artifacts", "")
	f.Add("shared", "acme-shared-artifacts", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	f.Add("shared", "@token", "@token")
	f.Add("shared", "", "")
	f.Add("shared", "Bad_Name", "key-without-arn")
	f.Add("shared", "a..b", "arn:")
	f.Add("shared", strings.Repeat("b", 64), "")
	f.Add("ünï/cødé", "ünïcødé", "arn:ünï")
	f.Add("awsenv-region", "acme-shared-artifacts", "")
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, kms string) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &name, &kms)
		var b storage.BucketRef
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() {
			b, err = storage.ImportBucket(stack, id, storage.ImportBucketProps{Name: name, KMSKeyARN: kms})
		})
		if !fuzztest.Check(t, "ImportBucket", b != nil, err) {
			if added() {
				t.Fatalf("ImportBucket returned %v but added %q to the tree", err, id)
			}
			return
		}
		if b.BucketName() != name || b.KMSKeyARN() != kms || !strings.HasSuffix(b.BucketARN(), ":s3:::"+name) {
			t.Fatalf("ImportBucket: name %q, key %q, ARN %q", b.BucketName(), b.KMSKeyARN(), b.BucketARN())
		}
		tftest.Synth(t, stack)
	})
}

// fuzzRole is a grant.Grantee: an IAM role whose inline policies are
// attached the way serverless.Handler and the eks roles attach theirs.
type fuzzRole struct {
	constructs.Construct
	role     iamrole.IamRole
	policies *rolepolicy.Attacher
}

func newFuzzRole(scope constructs.Construct, id string) *fuzzRole {
	r := &fuzzRole{}
	constructs.NewConstruct_Override(r, scope, &id)
	trust, err := iamdoc.ServiceTrust([]string{"lambda.amazonaws.com"}, nil, nil)
	if err != nil {
		panic(err)
	}
	r.role = iamrole.NewIamRole(r, jsii.String("role"), &iamrole.IamRoleConfig{AssumeRolePolicy: jsii.String(trust)})
	r.policies = rolepolicy.New(r, r.role.Id)
	return r
}

func (r *fuzzRole) RoleARN() string { return *r.role.Arn() }

func (r *fuzzRole) AddToRolePolicy(name string, statements ...iamdoc.Statement) error {
	_, err := r.policies.Add(name, statements...)
	return err
}

// fuzzDerived are ways to make a second construct id from the first one,
// with the suffixes and prefixes constructs add to ids and policy names:
// byte mutation alone rarely builds them.
var fuzzDerived = []string{"%s-1", "%s-2", "write-%s", "read-%s", "%s-write", "%s/x", "%s-key", "%s-bucket"}

func FuzzBucketGrants(f *testing.F) {
	// grants holds two bits per grant: 0 none, 1 read, 2 write, 3
	// read-write, for the first bucket (twice) and the second bucket.
	f.Add("data", "other", uint8(0), uint8(0b01_01_01), "uploads/", false, "")
	f.Add("data", "other", uint8(0), uint8(0b11_10_01), "", true, "arn:aws:kms:eu-west-1:123456789012:key/k")
	f.Add("data", "", uint8(1), uint8(0b01_00_01), "/leading/slash/", false, "")
	f.Add("data", "", uint8(3), uint8(0b01_00_11), "*", false, "")
	f.Add("data", "", uint8(1), uint8(0b01_01_01), "", false, "") // was a panic: read-data twice and read-data-1
	f.Add("data", "", uint8(6), uint8(0b11_00_11), "ünïcødé/", true, "")
	f.Add("data", "", uint8(6), uint8(0b01_00_01), "${var.prefix}", false, "")
	f.Add("Data With Spaces", "x", uint8(0), uint8(0b01_01_01), "", false, "")
	f.Add(strings.Repeat("b", 30), "", uint8(0), uint8(0b11_11_11), strings.Repeat("p/", 200), false, "")
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id1, id2 string, sel, grants uint8, prefix string, imported bool, importKMS string) {
		id2 = fuzztest.Derive(id1, id2, sel, fuzzDerived)
		// Construct ids are unique per scope ("/" reads "--"): equal ids are a
		// caller's mistake that constructs refuses with a panic.
		if same := strings.NewReplacer("/", "--"); same.Replace(id1) == same.Replace(id2) || id1 == "grantee" || id2 == "grantee" {
			t.Skip("not a grant input: the bucket ids must differ from each other and from the grantee's")
		}
		stack := fuzztest.Stack(t)
		g := newFuzzRole(stack, "grantee")
		var buckets [2]storage.BucketRef
		for i, id := range []string{id1, id2} {
			var b storage.BucketRef
			var err error
			fuzztest.Run(t, func() {
				if imported {
					b, err = storage.ImportBucket(stack, id, storage.ImportBucketProps{Name: fmt.Sprintf("acme-imported-%d", i), KMSKeyARN: importKMS})
				} else if nb, nerr := storage.NewBucket(stack, id, storage.BucketProps{}); nb != nil {
					b, err = nb, nerr
				} else {
					err = nerr
				}
			})
			if !fuzztest.Check(t, "bucket "+id, b != nil, err) {
				t.Skip("not a grant input: the bucket is invalid")
			}
			buckets[i] = b
		}
		kinds := []int{int(grants & 3), int(grants >> 2 & 3), int(grants >> 4 & 3)}
		for i, kind := range kinds {
			b := buckets[i/2]
			var err error
			fuzztest.Run(t, func() {
				switch kind {
				case 1:
					err = b.GrantRead(g, prefix)
				case 2:
					err = b.GrantWrite(g, prefix)
				case 3:
					err = b.GrantReadWrite(g, prefix)
				}
			})
			fuzztest.Check(t, fmt.Sprintf("grant %d of %s", kind, *b.Node().Id()), err == nil, err)
		}
		tftest.Synth(t, stack)
	})
}
