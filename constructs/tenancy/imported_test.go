package tenancy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
)

// A platform runs on any eks.ClusterRef: on an imported cluster, tenant
// roles trust the OIDC provider the data source read, and team access
// entries name the cluster the data source read.
func TestPlatformOnImportedCluster(t *testing.T) {
	e := newEnv(t)
	imported, err := eks.ImportCluster(e.tenants, "trading", eks.ImportClusterProps{Name: "trading", Version: eks.DefaultVersion, EC2Nodes: true})
	if err != nil {
		t.Fatal(err)
	}
	p := e.platform(t, func(props *tenancy.PlatformProps) { props.Cluster = imported })
	if _, err := p.AddTenant(tenant("alpha", 10001)); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, e.tenants)
	clusters, providers := doc.Data("aws_eks_cluster"), doc.Data("aws_iam_openid_connect_provider")
	if len(clusters) != 1 || len(providers) != 1 {
		t.Fatalf("want one cluster and one OIDC provider data source, got %d and %d", len(clusters), len(providers))
	}
	var cl, op string
	for name := range clusters {
		cl = "data.aws_eks_cluster." + name
	}
	for name := range providers {
		op = "data.aws_iam_openid_connect_provider." + name
	}

	roles := ofTenant(doc, "aws_iam_role", "alpha")
	if len(roles) != 1 {
		t.Fatalf("want alpha's one workload role, got %d", len(roles))
	}
	var trust struct {
		Statement []struct {
			Principal map[string]string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(roles[0]["assume_role_policy"].(string)), &trust); err != nil {
		t.Fatal(err)
	}
	if len(trust.Statement) != 1 || trust.Statement[0].Principal["Federated"] != "${"+op+".arn}" {
		t.Errorf("alpha's role trusts %+v, want the imported OIDC provider ${%s.arn}", trust.Statement, op)
	}
	for k, v := range trust.Statement[0].Condition["StringEquals"] {
		if strings.HasSuffix(k, ":sub") && v != "system:serviceaccount:alpha:alpha" && !strings.HasPrefix(v, "system:serviceaccount:alpha:") {
			t.Errorf("alpha's role trusts subject %s", v)
		}
	}

	entries := ofTenant(doc, "aws_eks_access_entry", "alpha")
	if len(entries) != 1 || entries[0]["cluster_name"] != "${"+cl+".name}" {
		t.Errorf("alpha's team access entry = %v, want it on ${%s.name}", entries, cl)
	}
}
