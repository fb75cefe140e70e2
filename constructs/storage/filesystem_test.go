package storage_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// fsVPC is a VPC with three private subnets.
func fsVPC(t testing.TB, stack cdktf.TerraformStack) *network.VPC {
	t.Helper()
	v, err := network.NewVPC(stack, "net", network.VPCProps{AvailabilityZones: []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// newFileSystem builds a file system named "shared" in a new stack, with mod
// applied to its props.
func newFileSystem(t *testing.T, mod func(*storage.FileSystemProps)) (cdktf.TerraformStack, *storage.FileSystem) {
	t.Helper()
	stack := tftest.NewStack(t)
	props := storage.FileSystemProps{Name: "shared", VPC: fsVPC(t, stack)}
	if mod != nil {
		mod(&props)
	}
	fs, err := storage.NewFileSystem(stack, "shared", props)
	if err != nil {
		t.Fatal(err)
	}
	return stack, fs
}

// statements returns a policy document's statements by Sid.
func statements(t *testing.T, doc any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	list, _ := tftest.Policy(t, doc)["Statement"].([]any)
	for _, s := range list {
		st, _ := s.(map[string]any)
		sid, _ := st["Sid"].(string)
		out[sid] = st
	}
	return out
}

func TestFileSystemSecureDefaults(t *testing.T) {
	stack, fs := newFileSystem(t, nil)
	if fs.Key() == nil || fs.Resource() == nil || fs.ID() == "" || fs.ARN() == "" || fs.SecurityGroupID() == "" {
		t.Fatal("Key, Resource, ID, ARN and SecurityGroupID must be set")
	}
	doc := tftest.Synth(t, stack)
	key := doc.Address(t, "aws_kms_key", "shared_key")

	efs := doc.One(t, "aws_efs_file_system", "shared_file-system")
	if efs["encrypted"] != true || efs["kms_key_id"] != "${"+key+".arn}" {
		t.Errorf("file system is not encrypted with its key: encrypted %v, kms_key_id %v", efs["encrypted"], efs["kms_key_id"])
	}
	if efs["performance_mode"] != "generalPurpose" || efs["throughput_mode"] != "elastic" {
		t.Errorf("modes = %v, %v", efs["performance_mode"], efs["throughput_mode"])
	}
	if efs["creation_token"] != "shared-test-shared" {
		t.Errorf("creation_token = %v", efs["creation_token"])
	}
	if tags, _ := efs["tags"].(map[string]any); tags["Name"] != "shared" {
		t.Errorf("tags = %v", efs["tags"])
	}
	if tftest.Block(efs, "lifecycle")["prevent_destroy"] != true {
		t.Errorf("file system lifecycle = %v", efs["lifecycle"])
	}
	lp, _ := efs["lifecycle_policy"].([]any)
	if len(lp) != 2 || lp[0].(map[string]any)["transition_to_ia"] != "AFTER_30_DAYS" || lp[1].(map[string]any)["transition_to_primary_storage_class"] != "AFTER_1_ACCESS" {
		t.Errorf("lifecycle_policy = %v", efs["lifecycle_policy"])
	}

	k := doc.One(t, "aws_kms_key", "shared_key")
	if k["enable_key_rotation"] != true || tftest.Block(k, "lifecycle")["prevent_destroy"] != true || k["deletion_window_in_days"] != float64(30) {
		t.Errorf("key = %v", k)
	}
	kp := tftest.Policy(t, k["policy"])
	if st, _ := kp["Statement"].([]any); len(st) != 1 || st[0].(map[string]any)["Sid"] != "AccountAdministersKeyThroughIAM" {
		t.Errorf("key policy = %v", kp)
	}
	if a := doc.One(t, "aws_kms_alias", "shared_key-alias"); a["name"] != "alias/efs/test/shared" {
		t.Errorf("alias = %v", a["name"])
	}

	if b := tftest.Block(doc.One(t, "aws_efs_backup_policy", "shared"), "backup_policy"); b["status"] != "ENABLED" {
		t.Errorf("backup policy = %v", b)
	}

	// One mount target per private subnet, each behind the file system's
	// security group, which admits nothing by itself.
	sg := doc.Address(t, "aws_security_group", "shared_security-group")
	targets := doc.Resources("aws_efs_mount_target")
	var subnets []string
	for _, mt := range targets {
		subnets = append(subnets, mt["subnet_id"].(string))
		if mt["file_system_id"] != "${"+doc.Address(t, "aws_efs_file_system", "shared")+".id}" {
			t.Errorf("mount target of %v", mt["file_system_id"])
		}
		if g := tftest.Strings(mt["security_groups"]); len(g) != 1 || g[0] != "${"+sg+".id}" {
			t.Errorf("mount target security groups = %v", g)
		}
	}
	sort.Strings(subnets)
	var want []string
	for i := range 3 {
		want = append(want, "${"+doc.Address(t, "aws_subnet", fmt.Sprintf("net_private-subnet-%d", i))+".id}")
	}
	sort.Strings(want)
	if strings.Join(subnets, ",") != strings.Join(want, ",") {
		t.Errorf("mount targets in %v, want the private subnets %v", subnets, want)
	}
	group := doc.One(t, "aws_security_group", "shared_security-group")
	if group["ingress"] != nil || group["egress"] != nil || len(doc.Resources("aws_vpc_security_group_ingress_rule")) != 0 {
		t.Errorf("security group opens paths by default: %v", group)
	}
	if !strings.HasPrefix(group["name_prefix"].(string), "shared-") || group["vpc_id"] != "${"+doc.Address(t, "aws_vpc", "net_vpc")+".id}" {
		t.Errorf("security group = %v", group)
	}
}

func TestFileSystemPolicy(t *testing.T) {
	stack, _ := newFileSystem(t, nil)
	doc := tftest.Synth(t, stack)
	p := doc.One(t, "aws_efs_file_system_policy", "shared_policy")
	if p["bypass_policy_lockout_safety_check"] != false {
		t.Errorf("bypass_policy_lockout_safety_check = %v", p["bypass_policy_lockout_safety_check"])
	}
	arn := "${" + doc.Address(t, "aws_efs_file_system", "shared") + ".arn}"
	sts := statements(t, p["policy"])
	if len(sts) != 4 {
		t.Fatalf("statements = %v", sts)
	}
	tests := []struct {
		sid, effect string
		actions     []any
		condition   map[string]any
	}{
		{"DenyInsecureTransport", "Deny", []any{"*"}, map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
		{"AllowMountThroughMountTargets", "Allow", []any{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
			map[string]any{"Bool": map[string]any{"elasticfilesystem:AccessedViaMountTarget": "true"}}},
		{"DenyMountWithoutAccessPoint", "Deny", []any{"elasticfilesystem:ClientMount"},
			map[string]any{"Null": map[string]any{"elasticfilesystem:AccessPointArn": "true"}}},
		{"DenyRootAccess", "Deny", []any{"elasticfilesystem:ClientRootAccess"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.sid, func(t *testing.T) {
			st := sts[tt.sid]
			if st == nil {
				t.Fatalf("no statement %s in %v", tt.sid, sts)
			}
			if st["Effect"] != tt.effect {
				t.Errorf("Effect = %v", st["Effect"])
			}
			if got, _ := json.Marshal(st["Action"]); string(got) != mustJSON(t, tt.actions) {
				t.Errorf("Action = %s", got)
			}
			if got, _ := json.Marshal(st["Principal"]); string(got) != `{"AWS":"*"}` {
				t.Errorf("Principal = %s", got)
			}
			if r := tftest.Strings(st["Resource"]); len(r) != 1 || r[0] != arn {
				t.Errorf("Resource = %v, want [%s]", r, arn)
			}
			if got, _ := json.Marshal(st["Condition"]); (tt.condition == nil && st["Condition"] != nil) || (tt.condition != nil && string(got) != mustJSON(t, tt.condition)) {
				t.Errorf("Condition = %s", got)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFileSystemOptions(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*storage.FileSystemProps)
		check func(t *testing.T, doc tftest.Doc, fs *storage.FileSystem)
	}{
		{"disposable", func(p *storage.FileSystemProps) { p.Disposable = true }, func(t *testing.T, doc tftest.Doc, _ *storage.FileSystem) {
			if l := doc.One(t, "aws_efs_file_system", "shared")["lifecycle"]; l != nil {
				t.Errorf("disposable file system lifecycle = %v", l)
			}
			k := doc.One(t, "aws_kms_key", "shared_key")
			if k["lifecycle"] != nil || k["deletion_window_in_days"] != float64(7) {
				t.Errorf("disposable key = %v", k)
			}
		}},
		{"backups off", func(p *storage.FileSystemProps) { p.DisableBackups = true }, func(t *testing.T, doc tftest.Doc, _ *storage.FileSystem) {
			if b := tftest.Block(doc.One(t, "aws_efs_backup_policy", "shared"), "backup_policy"); b["status"] != "DISABLED" {
				t.Errorf("backup policy = %v", b)
			}
		}},
		{"given key", func(p *storage.FileSystemProps) { p.KMSKeyARN = "arn:aws:kms:eu-west-1:123456789012:key/abc" }, func(t *testing.T, doc tftest.Doc, fs *storage.FileSystem) {
			// The only key is the stack's shared logs key (the VPC's flow logs').
			if keys := doc.Resources("aws_kms_key"); len(keys) != 1 || keys["logs-key"] == nil || len(doc.Resources("aws_kms_alias")) != 1 || fs.Key() != nil {
				t.Errorf("a file system given a key made another: %v", keys)
			}
			if efs := doc.One(t, "aws_efs_file_system", "shared"); efs["kms_key_id"] != "arn:aws:kms:eu-west-1:123456789012:key/abc" || efs["encrypted"] != true {
				t.Errorf("kms_key_id = %v", efs["kms_key_id"])
			}
			if fs.KMSKeyARN() != "arn:aws:kms:eu-west-1:123456789012:key/abc" {
				t.Errorf("KMSKeyARN() = %q", fs.KMSKeyARN())
			}
		}},
		{"bursting, one day", func(p *storage.FileSystemProps) { p.ThroughputMode = "bursting"; p.TransitionToIADays = 1 }, func(t *testing.T, doc tftest.Doc, _ *storage.FileSystem) {
			efs := doc.One(t, "aws_efs_file_system", "shared")
			lp, _ := efs["lifecycle_policy"].([]any)
			if efs["throughput_mode"] != "bursting" || len(lp) != 2 || lp[0].(map[string]any)["transition_to_ia"] != "AFTER_1_DAY" {
				t.Errorf("file system = %v", efs)
			}
		}},
		{"a year", func(p *storage.FileSystemProps) { p.TransitionToIADays = 365 }, func(t *testing.T, doc tftest.Doc, _ *storage.FileSystem) {
			lp, _ := doc.One(t, "aws_efs_file_system", "shared")["lifecycle_policy"].([]any)
			if len(lp) != 2 || lp[0].(map[string]any)["transition_to_ia"] != "AFTER_365_DAYS" {
				t.Errorf("lifecycle_policy = %v", lp)
			}
		}},
		{"tags", func(p *storage.FileSystemProps) { p.Tags = map[string]string{"team": "risk"} }, func(t *testing.T, doc tftest.Doc, _ *storage.FileSystem) {
			for _, typ := range []string{"aws_efs_file_system", "aws_kms_key", "aws_security_group"} {
				if tags, _ := doc.One(t, typ, "shared")["tags"].(map[string]any); tags["team"] != "risk" {
					t.Errorf("%s tags = %v", typ, tags)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack, fs := newFileSystem(t, tt.mod)
			tt.check(t, tftest.Synth(t, stack), fs)
		})
	}
}

// Clients reach the mount targets through Connections: one path, both
// halves, on the NFS port.
func TestFileSystemConnections(t *testing.T) {
	stack, fs := newFileSystem(t, nil)
	app := network.NewConnections(stack, "app", "sg-0123456789abcdef0")
	if _, err := app.AllowTo(fs, storage.NFSPort, "app mounts the shared file system"); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	in := doc.One(t, "aws_vpc_security_group_ingress_rule", "shared-from-app-2049")
	if in["security_group_id"] != "${"+doc.Address(t, "aws_security_group", "shared_security-group")+".id}" ||
		in["from_port"] != float64(2049) || in["to_port"] != float64(2049) || in["referenced_security_group_id"] != "sg-0123456789abcdef0" {
		t.Errorf("ingress = %v", in)
	}
	if out := doc.One(t, "aws_vpc_security_group_egress_rule", "app-to-shared-2049"); out["security_group_id"] != "sg-0123456789abcdef0" {
		t.Errorf("egress = %v", out)
	}
	if got := fs.Connections().SecurityGroupIDs(); len(got) != 1 || got[0] != fs.SecurityGroupID() {
		t.Errorf("Connections groups = %v", got)
	}
}

func TestAccessPoint(t *testing.T) {
	stack, fs := newFileSystem(t, nil)
	ap, err := storage.NewAccessPoint(stack, "risk", storage.AccessPointProps{FileSystem: fs, Path: "/tenants/risk", UID: 1001, GID: 2001, Tags: map[string]string{"team": "risk"}})
	if err != nil {
		t.Fatal(err)
	}
	if ap.FileSystemID() != fs.ID() || ap.Resource() == nil {
		t.Error("FileSystemID and Resource must be set")
	}
	cdktf.NewTerraformOutput(stack, ptr.String("volume-handle"), &cdktf.TerraformOutputConfig{Value: ap.VolumeHandle()})
	cdktf.NewTerraformOutput(stack, ptr.String("access-point-arn"), &cdktf.TerraformOutputConfig{Value: ap.ARN()})
	doc := tftest.Synth(t, stack)
	a := doc.One(t, "aws_efs_access_point", "risk_access-point")
	efs := doc.Address(t, "aws_efs_file_system", "shared")
	if a["file_system_id"] != "${"+efs+".id}" {
		t.Errorf("file_system_id = %v", a["file_system_id"])
	}
	if u := tftest.Block(a, "posix_user"); u["uid"] != float64(1001) || u["gid"] != float64(2001) || u["secondary_gids"] != nil {
		t.Errorf("posix_user = %v", u)
	}
	root := tftest.Block(a, "root_directory")
	ci := tftest.Block(root, "creation_info")
	if root["path"] != "/tenants/risk" || ci["owner_uid"] != float64(1001) || ci["owner_gid"] != float64(2001) || ci["permissions"] != "0750" {
		t.Errorf("root_directory = %v", root)
	}
	if tags, _ := a["tags"].(map[string]any); tags["Name"] != "shared:/tenants/risk" || tags["team"] != "risk" {
		t.Errorf("tags = %v", a["tags"])
	}
	outputs, _ := doc["output"].(map[string]any)
	handle, _ := outputs["volume-handle"].(map[string]any)
	apAddr := doc.Address(t, "aws_efs_access_point", "risk")
	if handle["value"] != "${"+efs+".id}::${"+apAddr+".id}" {
		t.Errorf("VolumeHandle = %v, want <fs id>::<access point id>", handle["value"])
	}
	if arn, _ := outputs["access-point-arn"].(map[string]any); arn["value"] != "${"+apAddr+".arn}" {
		t.Errorf("ARN = %v", arn["value"])
	}

	// Permissions may be given.
	if _, err := storage.NewAccessPoint(stack, "ops", storage.AccessPointProps{FileSystem: fs, Path: "/ops", UID: 7, GID: 7, Permissions: "700"}); err != nil {
		t.Fatal(err)
	}
	ops := tftest.Block(tftest.Block(tftest.Synth(t, stack).One(t, "aws_efs_access_point", "ops"), "root_directory"), "creation_info")
	if ops["permissions"] != "700" {
		t.Errorf("permissions = %v", ops["permissions"])
	}
}

func TestAccessPointGrantMount(t *testing.T) {
	tests := []struct {
		write   bool
		policy  string
		sid     string
		actions []any
	}{
		{false, "mount-risk", "MountThroughAccessPoint", []any{"elasticfilesystem:ClientMount"}},
		{true, "mount-write-risk", "MountWriteThroughAccessPoint", []any{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"}},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			stack, fs := newFileSystem(t, nil)
			ap, err := storage.NewAccessPoint(stack, "risk", storage.AccessPointProps{FileSystem: fs, Path: "/tenants/risk", UID: 1001, GID: 1001})
			if err != nil {
				t.Fatal(err)
			}
			if err := ap.GrantMount(newFuzzRole(stack, "pods"), tt.write); err != nil {
				t.Fatal(err)
			}
			doc := tftest.Synth(t, stack)
			p := doc.One(t, "aws_iam_role_policy", "pods_policy-"+tt.policy)
			if p["name"] != tt.policy {
				t.Errorf("policy name = %v", p["name"])
			}
			st := statements(t, p["policy"])[tt.sid]
			if st == nil {
				t.Fatalf("no statement %s in %v", tt.sid, p["policy"])
			}
			if got, _ := json.Marshal(st["Action"]); string(got) != mustJSON(t, tt.actions) {
				t.Errorf("Action = %s", got)
			}
			if r := tftest.Strings(st["Resource"]); st["Effect"] != "Allow" || len(r) != 1 || r[0] != "${"+doc.Address(t, "aws_efs_file_system", "shared")+".arn}" {
				t.Errorf("statement = %v", st)
			}
			want := map[string]any{"StringEquals": map[string]any{"elasticfilesystem:AccessPointArn": "${" + doc.Address(t, "aws_efs_access_point", "risk") + ".arn}"}}
			if got, _ := json.Marshal(st["Condition"]); string(got) != mustJSON(t, want) {
				t.Errorf("Condition = %s, want the access point's ARN", got)
			}
		})
	}
	stack, fs := newFileSystem(t, nil)
	ap, err := storage.NewAccessPoint(stack, "risk", storage.AccessPointProps{FileSystem: fs, Path: "/tenants/risk", UID: 1001, GID: 1001})
	if err != nil {
		t.Fatal(err)
	}
	if err := ap.GrantMount(nil, true); err == nil || !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `storage "test/risk": GrantMount(write=true) the grantee is nil`) {
		t.Errorf("nil grantee error = %v", err)
	}
}

// The file system lives in the storage stack; a tenant's stack of the same
// app makes its access point and grant through cross-stack references.
func TestAccessPointCrossStack(t *testing.T) {
	storageStack, fs := newFileSystem(t, nil)
	app := cdktf.App_Of(storageStack)
	tenant := cdktf.NewTerraformStack(app, ptr.String("tenant"))
	provider.NewAwsProvider(tenant, ptr.String("aws"), &provider.AwsProviderConfig{Region: ptr.String("eu-west-1")})
	ap, err := storage.NewAccessPoint(tenant, "risk", storage.AccessPointProps{FileSystem: fs, Path: "/tenants/risk", UID: 1001, GID: 1001})
	if err != nil {
		t.Fatal(err)
	}
	if err := ap.GrantMount(newFuzzRole(tenant, "pods"), true); err != nil {
		t.Fatal(err)
	}
	cdktf.NewTerraformOutput(tenant, ptr.String("volume-handle"), &cdktf.TerraformOutputConfig{Value: ap.VolumeHandle()})
	app.Synth()
	read := func(stack string) tftest.Doc {
		b, err := os.ReadFile(filepath.Join(*app.Outdir(), "stacks", stack, "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		var d tftest.Doc
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	doc := read("tenant")
	if len(doc.Resources("aws_efs_file_system")) != 0 || len(doc.Data("terraform_remote_state")) != 1 {
		t.Fatalf("tenant stack: file systems %v, remote state %v", doc.Resources("aws_efs_file_system"), doc.Data("terraform_remote_state"))
	}
	remote := "${data.terraform_remote_state.cross-stack-reference-input-test.outputs.cross-stack-output-aws_efs_file_systemshared_file-system"
	a := doc.One(t, "aws_efs_access_point", "risk")
	if id, _ := a["file_system_id"].(string); !strings.HasPrefix(id, remote) || !strings.HasSuffix(id, "id}") {
		t.Errorf("file_system_id = %q", id)
	}
	p := doc.One(t, "aws_iam_role_policy", "mount-write-risk")
	if s, _ := p["policy"].(string); !strings.Contains(s, strings.TrimPrefix(remote, "${")) || !strings.Contains(s, "aws_efs_access_point.risk_access-point") {
		t.Errorf("grant policy = %s", s)
	}
	outputs, _ := doc["output"].(map[string]any)
	if h, _ := outputs["volume-handle"].(map[string]any)["value"].(string); !strings.HasPrefix(h, remote) || !strings.Contains(h, "}::${aws_efs_access_point.risk_access-point") {
		t.Errorf("VolumeHandle = %q", h)
	}
	if outs, _ := read("test")["output"].(map[string]any); len(outs) == 0 {
		t.Error("the storage stack exports nothing for the tenant stack")
	}
}

// The file system passes the project's policy rules (DATA-001 destroy
// protection, KMS-001 rotation, IAM-00x) without suppressions.
func TestFileSystemPolicyChecks(t *testing.T) {
	stack, fs := newFileSystem(t, nil)
	ap, err := storage.NewAccessPoint(stack, "risk", storage.AccessPointProps{FileSystem: fs, Path: "/tenants/risk", UID: 1001, GID: 1001})
	if err != nil {
		t.Fatal(err)
	}
	if err := ap.GrantMount(newFuzzRole(stack, "pods"), true); err != nil {
		t.Fatal(err)
	}
	full, _ := json.Marshal(stack.ToTerraform())
	findings := tftest.Check(t, full)
	for _, f := range findings {
		if strings.Contains(f.Address, "shared") || strings.Contains(f.Address, "risk") || strings.Contains(f.Address, "pods") {
			t.Errorf("%s %s: %s", f.RuleID, f.Address, f.Message)
		}
	}
}

func TestFileSystemValidation(t *testing.T) {
	// A VPC without private subnets cannot be built by either
	// constructor; an empty one stands in for it.
	empty := func(*testing.T, cdktf.TerraformStack) *network.VPC { return &network.VPC{} }
	tests := []struct {
		name  string
		props func(t *testing.T, stack cdktf.TerraformStack) storage.FileSystemProps
		want  []string
	}{
		{"required", func(*testing.T, cdktf.TerraformStack) storage.FileSystemProps { return storage.FileSystemProps{} },
			[]string{`storage "test/fs": Name is empty`, `storage "test/fs": VPC is nil`}},
		{"no private subnets", func(t *testing.T, s cdktf.TerraformStack) storage.FileSystemProps {
			return storage.FileSystemProps{Name: "x", VPC: empty(t, s)}
		}, []string{`VPC has no private subnets`}},
		{"every problem at once", func(t *testing.T, s cdktf.TerraformStack) storage.FileSystemProps {
			return storage.FileSystemProps{Name: "bad name", VPC: fsVPC(t, s), KMSKeyARN: "alias/mine", ThroughputMode: "provisioned", TransitionToIADays: 45, Tags: map[string]string{"aws:owner": "x"}}
		}, []string{
			`storage "test/fs": Name "bad name" is not a file system name (1-64 letters, digits, '.', '_' and '-', starting with a letter or digit)`,
			`KMSKeyARN "alias/mine" is not a KMS key ARN; EFS needs the key's full ARN`,
			`ThroughputMode "provisioned" is not a throughput mode; use "elastic" or "bursting"`,
			`TransitionToIADays 45 is not a transition EFS accepts; use one of [1 7 14 30 60 90 180 270 365]`,
			`Tags key "aws:owner" uses the reserved aws: prefix`,
		}},
		{"name too long", func(t *testing.T, s cdktf.TerraformStack) storage.FileSystemProps {
			return storage.FileSystemProps{Name: strings.Repeat("n", 65), VPC: fsVPC(t, s)}
		}, []string{`is not a file system name`}},
		{"negative days", func(t *testing.T, s cdktf.TerraformStack) storage.FileSystemProps {
			return storage.FileSystemProps{Name: "x", VPC: fsVPC(t, s), TransitionToIADays: -1}
		}, []string{`TransitionToIADays -1 is not a transition EFS accepts`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			fs, err := storage.NewFileSystem(stack, "fs", tt.props(t, stack))
			if fs != nil || err == nil || !errors.Is(err, validate.ErrInvalid) {
				t.Fatalf("NewFileSystem = %v, %v", fs, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\ndoes not contain %q", err, w)
				}
			}
			if stack.Node().TryFindChild(ptr.String("fs")) != nil {
				t.Error("a failed NewFileSystem added to the tree")
			}
		})
	}
	// Tokens are not validated.
	stack := tftest.NewStack(t)
	token := *cdktf.NewTerraformVariable(stack, ptr.String("key"), &cdktf.TerraformVariableConfig{Type: ptr.String("string")}).StringValue()
	if _, err := storage.NewFileSystem(stack, "fs", storage.FileSystemProps{Name: "x", VPC: fsVPC(t, stack), KMSKeyARN: token}); err != nil {
		t.Errorf("a token key ARN was refused: %v", err)
	}
}

func TestAccessPointValidation(t *testing.T) {
	stack, fs := newFileSystem(t, nil)
	ok := storage.AccessPointProps{FileSystem: fs, Path: "/tenants/risk", UID: 1001, GID: 1001}
	tests := []struct {
		name string
		mod  func(*storage.AccessPointProps)
		want []string
	}{
		{"required", func(p *storage.AccessPointProps) { *p = storage.AccessPointProps{} }, []string{
			`storage "test/ap": FileSystem is nil`,
			`Path is empty`,
			`UID is 0 (root); set the POSIX id every client of the access point acts as, 1-4294967294`,
			`GID is 0 (root)`,
		}},
		{"relative", func(p *storage.AccessPointProps) { p.Path = "tenants/risk" }, []string{`Path "tenants/risk" is not absolute; start it with '/'`}},
		{"whole file system", func(p *storage.AccessPointProps) { p.Path = "/" }, []string{`Path "/" is the whole file system`}},
		{"climbs out", func(p *storage.AccessPointProps) { p.Path = "/tenants/../admin" }, []string{`Path "/tenants/../admin" contains ".."`}},
		{"dot level", func(p *storage.AccessPointProps) { p.Path = "/tenants/.risk" }, []string{`has the level ".risk" starting with '.'`}},
		{"trailing slash", func(p *storage.AccessPointProps) { p.Path = "/tenants/risk/" }, []string{`has an empty level`}},
		{"too deep", func(p *storage.AccessPointProps) { p.Path = "/a/b/c/d/e" }, []string{`Path "/a/b/c/d/e" has 5 levels; EFS allows at most 4`}},
		{"too long", func(p *storage.AccessPointProps) { p.Path = "/" + strings.Repeat("p", 100) }, []string{`characters; EFS allows at most 100`}},
		{"bad characters", func(p *storage.AccessPointProps) { p.Path = "/tenants/$risk" }, []string{`contains one of the characters EFS refuses`}},
		{"ids out of range", func(p *storage.AccessPointProps) { p.UID, p.GID = -1, 4294967295 }, []string{
			`UID -1 is not a POSIX id EFS accepts; use 1-4294967294`,
			`GID 4294967295 is not a POSIX id EFS accepts`,
		}},
		{"permissions", func(p *storage.AccessPointProps) { p.Permissions = "rwx" }, []string{`Permissions "rwx" is not an octal mode such as "0750"`}},
		{"permissions digits", func(p *storage.AccessPointProps) { p.Permissions = "0758" }, []string{`Permissions "0758" is not an octal mode`}},
		{"tags", func(p *storage.AccessPointProps) { p.Tags = map[string]string{"AWS:x": "y"} }, []string{`Tags key "AWS:x" uses the reserved aws: prefix`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			props := ok
			tt.mod(&props)
			ap, err := storage.NewAccessPoint(stack, "ap", props)
			if ap != nil || err == nil || !errors.Is(err, validate.ErrInvalid) {
				t.Fatalf("NewAccessPoint = %v, %v", ap, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\ndoes not contain %q", err, w)
				}
			}
		})
	}
	if stack.Node().TryFindChild(ptr.String("ap")) != nil {
		t.Error("a failed NewAccessPoint added to the tree")
	}
	for _, good := range []string{"/a", "/tenants/risk", "/a/b/c/d", "/data-2024_v1.0"} {
		props := ok
		props.Path = good
		if _, err := storage.NewAccessPoint(stack, "ap-"+strings.NewReplacer("/", "-", ".", "-", "_", "-").Replace(good), props); err != nil {
			t.Errorf("Path %q refused: %v", good, err)
		}
	}
}

// FuzzNewFileSystem feeds primitive values into the props of NewFileSystem
// and NewAccessPoint and checks the constructors' contract (see
// fuzz_test.go): a value or an error, never both, never a panic, errors
// about props naming path, field and problem, nothing added on error, and
// a stack built without error synthesizes.
func FuzzNewFileSystem(f *testing.F) {
	f.Add("shared", "shared", "", "", 0, false, false, "/tenants/risk", 1001, 1001, "")
	f.Add("shared", "@token", "@token", "bursting", 1, true, true, "@token", 1, 1, "700")
	f.Add("shared", "", "alias/x", "provisioned", 45, false, false, "", 0, 0, "")
	f.Add("Data With Spaces", "a b", "arn:", "ELASTIC", -1, false, false, "relative", -1, 4294967295, "rwx")
	f.Add("shared", strings.Repeat("n", 65), "", "", 365, false, false, "/", 1, 1, "0758")
	f.Add("shared", "x", "", "", 7, false, false, "/a/../b", 1, 1, "")
	f.Add("shared", "x", "", "", 14, false, false, "/a/b/c/d/e", 1, 1, "")
	f.Add("shared", "x", "", "", 30, false, false, "/ünï/cødé", 1, 1, "")
	f.Add("shared", "x", "", "", 30, false, false, "/a//b", 1, 1, "")
	f.Add("awsenv-region", "x", "", "", 30, false, false, "/a", 1, 1, "")
	f.Add("ünï/cødé", "x", "", "", 30, false, false, "/.hidden", 1, 1, "")
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, kms, throughput string, iaDays int, noBackups, disposable bool, path string, uid, gid int, perms string) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &name, &kms, &path)
		vpc := fsVPC(t, stack)
		var fs *storage.FileSystem
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() {
			fs, err = storage.NewFileSystem(stack, id, storage.FileSystemProps{
				Name: name, VPC: vpc, KMSKeyARN: kms, ThroughputMode: throughput, TransitionToIADays: iaDays,
				DisableBackups: noBackups, Disposable: disposable,
			})
		})
		if !fuzztest.Check(t, "NewFileSystem", fs != nil, err) {
			if added() {
				t.Fatalf("NewFileSystem returned %v but added %q to the tree", err, id)
			}
			return
		}
		var ap *storage.AccessPoint
		apID := "access-point-of-fuzz"
		fuzztest.Run(t, func() {
			ap, err = storage.NewAccessPoint(stack, apID, storage.AccessPointProps{FileSystem: fs, Path: path, UID: uid, GID: gid, Permissions: perms})
		})
		if !fuzztest.Check(t, "NewAccessPoint", ap != nil, err) {
			if stack.Node().TryFindChild(ptr.String(apID)) != nil {
				t.Fatalf("NewAccessPoint returned %v but added to the tree", err)
			}
		} else {
			fuzztest.Run(t, func() { err = ap.GrantMount(newFuzzRole(stack, "grantee-of-fuzz"), true) })
			fuzztest.Check(t, "GrantMount", err == nil, err)
		}
		tftest.Synth(t, stack)
	})
}
