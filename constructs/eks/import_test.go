package eks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

func importLegacy(t *testing.T, mod func(*eks.ImportClusterProps)) (*eks.ImportedCluster, cdktf.TerraformStack) {
	t.Helper()
	stack := tftest.NewStack(t)
	props := eks.ImportClusterProps{
		Name:        "legacy",
		Version:     eks.DefaultVersion,
		NodeRoleARN: "arn:aws:iam::123456789012:role/legacy-nodes",
		KMSKeyARN:   "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		EC2Nodes:    true,
		Tags:        map[string]string{"team": "platform"},
	}
	if mod != nil {
		mod(&props)
	}
	c, err := eks.ImportCluster(stack, "legacy", props)
	if err != nil {
		t.Fatal(err)
	}
	return c, stack
}

// The imported cluster reads the cluster and its OIDC provider with data
// sources; its attributes, access entries and IRSA roles refer to them.
func TestImportClusterReadsDataSources(t *testing.T) {
	c, stack := importLegacy(t, func(p *eks.ImportClusterProps) { p.AccessEntries = []eks.AccessEntry{admin} })
	if err := c.AddAccessEntry(dev); err != nil {
		t.Fatal(err)
	}
	if _, err := eks.NewServiceAccountRole(stack, "reader", eks.ServiceAccountRoleProps{Cluster: c, Namespace: "shop", ServiceAccount: "reader"}); err != nil {
		t.Fatal(err)
	}
	tftest.ExposeTokens(stack, map[string]string{
		"name": c.Name(), "arn": c.ARN(), "endpoint": c.Endpoint(), "ca": c.CertificateAuthorityData(),
		"sg": c.SecurityGroupID(), "vpc": c.VPCID(), "issuer": c.OIDCIssuerURL(), "oidc": c.OIDCProviderARN(),
	})
	doc := tftest.Synth(t, stack)

	clusters := doc.Data("aws_eks_cluster")
	providers := doc.Data("aws_iam_openid_connect_provider")
	if len(clusters) != 1 || len(providers) != 1 {
		t.Fatalf("want one aws_eks_cluster and one aws_iam_openid_connect_provider data source, got %d and %d", len(clusters), len(providers))
	}
	var cl, op string
	for name, attrs := range clusters {
		cl = "data.aws_eks_cluster." + name
		if attrs["name"] != "legacy" {
			t.Errorf("aws_eks_cluster name = %v", attrs["name"])
		}
	}
	for name, attrs := range providers {
		op = "data.aws_iam_openid_connect_provider." + name
		if attrs["url"] != "${"+cl+".identity[0].oidc[0].issuer}" {
			t.Errorf("OIDC provider looked up by url %v, want the cluster's issuer", attrs["url"])
		}
	}
	for key, want := range map[string]string{
		"name": "${" + cl + ".name}", "arn": "${" + cl + ".arn}", "endpoint": "${" + cl + ".endpoint}",
		"ca": "${" + cl + ".certificate_authority[0].data}", "sg": "${" + cl + ".vpc_config[0].cluster_security_group_id}",
		"vpc": "${" + cl + ".vpc_config[0].vpc_id}", "issuer": "${" + cl + ".identity[0].oidc[0].issuer}", "oidc": "${" + op + ".arn}",
	} {
		if got := doc.Exposed(key); got != want {
			t.Errorf("%s = %s, want %s", key, got, want)
		}
	}
	if c.Version() != eks.DefaultVersion || c.NodeRoleARN() != "arn:aws:iam::123456789012:role/legacy-nodes" || !c.HasEC2Nodes() ||
		!c.AdmitsAdministrators() || len(c.ComputeResources()) != 0 || !strings.HasPrefix(c.KMSKeyARN(), "arn:aws:kms:") {
		t.Errorf("props not carried: version %s, node role %s, EC2 nodes %v, compute %d, key %s", c.Version(), c.NodeRoleARN(), c.HasEC2Nodes(), len(c.ComputeResources()), c.KMSKeyARN())
	}

	entries := doc.Resources("aws_eks_access_entry")
	if len(entries) != 2 {
		t.Fatalf("want 2 access entries, got %v", ptrKeys(entries))
	}
	for name, e := range entries {
		if e["cluster_name"] != "${"+cl+".name}" || !strings.Contains(name, "access-entry-role-") {
			t.Errorf("access entry %s = %v", name, e)
		}
	}
	if p := doc.One(t, "aws_eks_access_policy_association", "access-policy-role-dev"); tftest.Block(p, "access_scope")["type"] != "namespace" {
		t.Errorf("dev's association = %v", p)
	}
	if n := len(doc.Resources("aws_eks_cluster")); n != 0 {
		t.Errorf("an imported cluster made an aws_eks_cluster")
	}

	role := doc.One(t, "aws_iam_role", "reader")
	trust := tftest.Policy(t, role["assume_role_policy"])
	st := trust["Statement"].([]any)[0].(map[string]any)
	if fed := st["Principal"].(map[string]any)["Federated"]; fed != "${"+op+".arn}" {
		t.Errorf("IRSA role trusts %v, want the imported OIDC provider", fed)
	}
	cond := st["Condition"].(map[string]any)["StringEquals"].(map[string]any)
	if len(cond) != 2 {
		t.Fatalf("trust conditions = %v, want :sub and :aud", cond)
	}
	for k := range cond {
		if !strings.HasPrefix(k, "${local.") {
			t.Errorf("condition key %q does not use the issuer host local", k)
		}
	}
	if !strings.HasPrefix(role["name_prefix"].(string), "legacy-shop-reader-") || role["tags"].(map[string]any)["team"] != "platform" {
		t.Errorf("role name_prefix %v, tags %v", role["name_prefix"], role["tags"])
	}
}

// Pod Identity on an imported cluster needs PodIdentityAgent, and not in a
// Fargate namespace.
func TestImportedPodIdentity(t *testing.T) {
	c, stack := importLegacy(t, func(p *eks.ImportClusterProps) { p.FargateNamespaces = []string{"reports"} })
	_, err := eks.NewPodIdentityRole(stack, "worker", eks.PodIdentityRoleProps{Cluster: c, Namespace: "reports", ServiceAccount: "worker"})
	for _, w := range []string{
		`eks "test/worker": Cluster "legacy" does not run the eks-pod-identity-agent add-on; add it to Addons (ImportClusterProps.PodIdentityAgent for an imported cluster)`,
		`eks "test/worker": Namespace "reports" runs on Fargate`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}

	c, stack = importLegacy(t, func(p *eks.ImportClusterProps) { p.PodIdentityAgent = true })
	if _, err := eks.NewPodIdentityRole(stack, "worker", eks.PodIdentityRoleProps{Cluster: c, Namespace: "shop", ServiceAccount: "worker"}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	assoc := doc.One(t, "aws_eks_pod_identity_association", "worker")
	if name, _ := assoc["cluster_name"].(string); !strings.HasPrefix(name, "${data.aws_eks_cluster.") {
		t.Errorf("association = %v", assoc)
	}
}

func ptrKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestImportClusterErrors(t *testing.T) {
	tests := []struct {
		name string
		mod  func(cdktf.TerraformStack, *eks.ImportClusterProps)
		want []string
	}{
		{"empty", func(_ cdktf.TerraformStack, p *eks.ImportClusterProps) { *p = eks.ImportClusterProps{} }, []string{
			`eks "test/legacy": Name is empty; give the existing cluster's name`,
			`eks "test/legacy": Version is empty; give the cluster's Kubernetes version`,
		}},
		{"bad values", func(_ cdktf.TerraformStack, p *eks.ImportClusterProps) {
			p.Name, p.Version = "-legacy", "1.20"
			p.NodeRoleARN, p.KMSKeyARN = "arn:aws:iam::123456789012:user/bob", "key-1234"
			p.SecurityGroupIDs = []string{"sg-0123456789abcdef0", "sg-0123456789abcdef0", "default"}
			p.FargateNamespaces = []string{"Reports"}
			p.AccessEntries = []eks.AccessEntry{admin, {PrincipalARN: admin.PrincipalARN}}
		}, []string{
			`eks "test/legacy": Name "-legacy" is not a valid cluster name; use 1-100 letters, digits, hyphens and underscores, starting with a letter or digit`,
			`eks "test/legacy": Version "1.20" is not a Kubernetes version EKS supports`,
			`eks "test/legacy": NodeRoleARN "arn:aws:iam::123456789012:user/bob" is not an IAM role ARN`,
			`eks "test/legacy": KMSKeyARN "key-1234" is not a KMS key ARN`,
			`eks "test/legacy": SecurityGroupIDs[1] "sg-0123456789abcdef0" is already listed at SecurityGroupIDs[0]`,
			`eks "test/legacy": SecurityGroupIDs[2] "default" is not a security group id; expected sg- followed by 8 or 17 hex digits`,
			`eks "test/legacy": FargateNamespaces[0] "Reports" is not a namespace name`,
			`eks "test/legacy": AccessEntries[1].PrincipalARN "arn:aws:iam::123456789012:role/Admin" already has an access entry at AccessEntries[0]`,
		}},
		{"token name", func(stack cdktf.TerraformStack, p *eks.ImportClusterProps) {
			p.Name = *cdktf.NewTerraformVariable(stack, ptrTo("cluster"), &cdktf.TerraformVariableConfig{Type: ptrTo("string")}).StringValue()
		}, []string{
			`eks "test/legacy": Name is a token; give the cluster's name as written`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			props := eks.ImportClusterProps{Name: "legacy", Version: eks.DefaultVersion}
			tt.mod(stack, &props)
			c, err := eks.ImportCluster(stack, "legacy", props)
			if c != nil || !errors.Is(err, validate.ErrInvalid) {
				t.Fatalf("ImportCluster = %v, %v; want nil and validate.ErrInvalid", c, err)
			}
			if got := len(validate.Fields(err)); got != len(tt.want) {
				t.Fatalf("got %d problems, want %d: %v", got, len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if stack.Node().TryFindChild(ptrTo("legacy")) != nil {
				t.Error("a refused import created its construct")
			}
		})
	}
}

func ptrTo(s string) *string { return &s }
