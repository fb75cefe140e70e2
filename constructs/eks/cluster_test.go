package eks_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// standard builds a cluster with one node group and one Fargate profile.
func standard(t *testing.T, mod func(*eks.ClusterProps)) (*eks.Cluster, tftest.Doc) {
	t.Helper()
	stack := tftest.NewStack(t)
	props := eks.ClusterProps{
		Name: "demo",
		VPC:  newVPC(t, stack),
		NodeGroups: []eks.NodeGroupProps{{
			Name: "general", MinSize: 2, MaxSize: 5,
			Labels: map[string]string{"workload": "general"},
			Taints: []eks.Taint{{Key: "dedicated", Value: "general", Effect: eks.PreferNoSchedule}},
		}},
		FargateProfiles: []eks.FargateProfileProps{{Name: "serverless", Selectors: []eks.FargateSelector{{Namespace: "serverless"}}}},
		AccessEntries: []eks.AccessEntry{
			{PrincipalARN: "arn:aws:iam::123456789012:role/Admin", Policy: eks.AccessPolicyClusterAdmin},
			{PrincipalARN: "arn:aws:iam::123456789012:role/team-a", Policy: eks.AccessPolicyEdit, Namespaces: []string{"team-a"}},
		},
	}
	if mod != nil {
		mod(&props)
	}
	c, err := eks.NewCluster(stack, "cluster", props)
	if err != nil {
		t.Fatal(err)
	}
	return c, tftest.Synth(t, stack)
}

func TestClusterSecureDefaults(t *testing.T) {
	_, doc := standard(t, nil)
	cluster := doc.One(t, "aws_eks_cluster", "cluster")

	vpc := tftest.Block(cluster, "vpc_config")
	if vpc["endpoint_private_access"] != true || vpc["endpoint_public_access"] != false || vpc["public_access_cidrs"] != nil {
		t.Errorf("endpoint is not private-only: %v", vpc)
	}
	for _, id := range tftest.Strings(vpc["subnet_ids"]) {
		if !strings.Contains(id, "private-subnet") {
			t.Errorf("control plane in non-private subnet %s", id)
		}
	}
	enc := tftest.Block(cluster, "encryption_config")
	key := doc.Address(t, "aws_kms_key", "secrets-key")
	if tftest.Block(enc, "provider")["key_arn"] != "${"+key+".arn}" || strings.Join(tftest.Strings(enc["resources"]), ",") != "secrets" {
		t.Errorf("secrets are not encrypted with the construct's key: %v", enc)
	}
	kms := doc.One(t, "aws_kms_key", "secrets-key")
	if kms["enable_key_rotation"] != true || kms["deletion_window_in_days"] != float64(30) {
		t.Errorf("kms key = %v", kms)
	}
	if got := strings.Join(tftest.Strings(cluster["enabled_cluster_log_types"]), ","); got != "api,audit,authenticator,controllerManager,scheduler" {
		t.Errorf("log types = %s", got)
	}
	logs := doc.One(t, "aws_cloudwatch_log_group", "cluster_log-group")
	if logs["name"] != "/aws/eks/demo/cluster" || logs["retention_in_days"] != float64(90) {
		t.Errorf("control plane log group = %v", logs)
	}
	deps := strings.Join(tftest.Strings(cluster["depends_on"]), ",")
	for _, want := range []string{doc.Address(t, "aws_cloudwatch_log_group", "cluster_log-group"), doc.Address(t, "aws_iam_role_policy", "cluster-role-encryption"), doc.Address(t, "aws_iam_role_policy_attachment", "AmazonEKSClusterPolicy")} {
		if !strings.Contains(deps, want) {
			t.Errorf("cluster does not depend on %s (depends_on: %s)", want, deps)
		}
	}
	access := tftest.Block(cluster, "access_config")
	if access["authentication_mode"] != "API" || access["bootstrap_cluster_creator_admin_permissions"] != false {
		t.Errorf("access config = %v", access)
	}
	if tftest.Block(cluster, "upgrade_policy")["support_type"] != "STANDARD" {
		t.Errorf("upgrade policy = %v", cluster["upgrade_policy"])
	}
	if cluster["bootstrap_self_managed_addons"] != false {
		t.Errorf("self-managed add-ons are bootstrapped although managed ones replace them")
	}
	for _, r := range []map[string]any{cluster, kms} {
		if tftest.Block(r, "lifecycle")["prevent_destroy"] != true {
			t.Errorf("data-bearing resource lacks prevent_destroy: %v", r["//"])
		}
	}
}

func TestClusterPublicEndpointNeedsCIDRs(t *testing.T) {
	_, doc := standard(t, func(p *eks.ClusterProps) { p.PublicAccessCIDRs = []string{"203.0.113.0/24"} })
	vpc := tftest.Block(doc.One(t, "aws_eks_cluster", "cluster"), "vpc_config")
	if vpc["endpoint_public_access"] != true || strings.Join(tftest.Strings(vpc["public_access_cidrs"]), ",") != "203.0.113.0/24" || vpc["endpoint_private_access"] != true {
		t.Errorf("vpc_config = %v", vpc)
	}
}

func TestAccessEntries(t *testing.T) {
	_, doc := standard(t, nil)
	if n := len(doc.Resources("aws_eks_access_entry")); n != 2 {
		t.Fatalf("%d access entries, want 2", n)
	}
	admin := doc.One(t, "aws_eks_access_policy_association", "access-policy-role-Admin")
	if !strings.HasSuffix(admin["policy_arn"].(string), ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy") || tftest.Block(admin, "access_scope")["type"] != "cluster" {
		t.Errorf("admin association = %v", admin)
	}
	team := doc.One(t, "aws_eks_access_policy_association", "access-policy-role-team-a")
	scope := tftest.Block(team, "access_scope")
	if scope["type"] != "namespace" || strings.Join(tftest.Strings(scope["namespaces"]), ",") != "team-a" || !strings.HasSuffix(team["policy_arn"].(string), "/AmazonEKSEditPolicy") {
		t.Errorf("namespace-scoped association = %v", team)
	}
}

func TestNodeGroupHardening(t *testing.T) {
	_, doc := standard(t, nil)
	lt := doc.One(t, "aws_launch_template", "node-group-general")
	md := tftest.Block(lt, "metadata_options")
	if md["http_tokens"] != "required" || md["http_put_response_hop_limit"] != float64(1) || md["http_endpoint"] != "enabled" {
		t.Errorf("IMDS options = %v", md)
	}
	ebs := tftest.Block(tftest.Block(lt, "block_device_mappings"), "ebs")
	if ebs["encrypted"] != "true" || ebs["volume_type"] != "gp3" || ebs["volume_size"] != float64(50) {
		t.Errorf("root volume = %v", ebs)
	}
	if lt["name_prefix"] != "demo-general-" || tftest.Block(lt, "lifecycle")["create_before_destroy"] != true {
		t.Errorf("launch template naming = %v %v", lt["name_prefix"], lt["lifecycle"])
	}

	ng := doc.One(t, "aws_eks_node_group", "node-group-general")
	if ng["node_group_name_prefix"] != "demo-general-" || ng["node_group_name"] != nil {
		t.Errorf("node group is not name-prefixed: %v", ng["node_group_name_prefix"])
	}
	life := tftest.Block(ng, "lifecycle")
	if life["create_before_destroy"] != true || strings.Join(tftest.Strings(life["ignore_changes"]), ",") != "scaling_config[0].desired_size" {
		t.Errorf("node group lifecycle = %v", life)
	}
	if ng["disk_size"] != nil {
		t.Error("disk_size set on the node group; it belongs in the launch template")
	}
	if ng["ami_type"] != "AL2023_x86_64_STANDARD" || ng["capacity_type"] != "ON_DEMAND" {
		t.Errorf("ami/capacity = %v/%v", ng["ami_type"], ng["capacity_type"])
	}
	sc := tftest.Block(ng, "scaling_config")
	if sc["min_size"] != float64(2) || sc["desired_size"] != float64(2) || sc["max_size"] != float64(5) {
		t.Errorf("scaling = %v", sc)
	}
	if tftest.Block(ng, "update_config")["max_unavailable_percentage"] != float64(33) {
		t.Errorf("update config = %v", ng["update_config"])
	}
	tags := ng["tags"].(map[string]any)
	if tags["k8s.io/cluster-autoscaler/enabled"] != "true" || tags["k8s.io/cluster-autoscaler/demo"] != "owned" {
		t.Errorf("autoscaler discovery tags missing: %v", tags)
	}
	taint := tftest.Block(ng, "taint")
	if taint["key"] != "dedicated" || taint["effect"] != "PREFER_NO_SCHEDULE" {
		t.Errorf("taint = %v", taint)
	}

	// The node role carries exactly the node policies; CNI rights go to the
	// vpc-cni add-on's IRSA role.
	var nodePolicies []string
	for name, a := range doc.Resources("aws_iam_role_policy_attachment") {
		if strings.HasPrefix(name, "cluster_node-role-") {
			arn := a["policy_arn"].(string)
			nodePolicies = append(nodePolicies, arn[strings.LastIndex(arn, "/")+1:])
		}
	}
	sort.Strings(nodePolicies)
	if got := strings.Join(nodePolicies, ","); got != "AmazonEC2ContainerRegistryPullOnly,AmazonEKSWorkerNodePolicy" {
		t.Errorf("node role policies = %s", got)
	}
}

func TestNodeRoleGetsCNIPolicyWhenVPCCNIIsSelfManaged(t *testing.T) {
	_, doc := standard(t, func(p *eks.ClusterProps) {
		p.Addons = []eks.AddonProps{{Name: eks.AddonKubeProxy}, {Name: eks.AddonCoreDNS}}
	})
	doc.One(t, "aws_iam_role_policy_attachment", "node-role-AmazonEKS_CNI_Policy")
	if _, ok := doc.One(t, "aws_eks_cluster", "cluster")["bootstrap_self_managed_addons"]; ok {
		t.Error("bootstrap_self_managed_addons must stay at its default when vpc-cni is self-managed")
	}
}

func TestAddonOrdering(t *testing.T) {
	_, doc := standard(t, nil)
	addr := func(name string) string { return doc.Address(t, "aws_eks_addon", "addon-"+name+"_") }
	ng := doc.One(t, "aws_eks_node_group", "node-group-general")
	fp := doc.One(t, "aws_eks_fargate_profile", "fargate-profile-serverless")
	for _, compute := range []map[string]any{ng, fp} {
		deps := strings.Join(tftest.Strings(compute["depends_on"]), ",")
		for _, first := range []string{"vpc-cni", "kube-proxy", "eks-pod-identity-agent"} {
			if !strings.Contains(deps, addr(first)) {
				t.Errorf("%v does not wait for %s (depends_on: %s)", compute["//"], first, deps)
			}
		}
	}
	for _, after := range []string{"coredns", "aws-ebs-csi-driver"} {
		a := doc.One(t, "aws_eks_addon", "addon-"+after+"_")
		deps := strings.Join(tftest.Strings(a["depends_on"]), ",")
		if !strings.Contains(deps, doc.Address(t, "aws_eks_node_group", "node-group-general")) || !strings.Contains(deps, doc.Address(t, "aws_eks_fargate_profile", "serverless")) {
			t.Errorf("%s does not wait for compute: %s", after, deps)
		}
	}
	for _, first := range []string{"kube-proxy", "eks-pod-identity-agent"} {
		if deps := doc.One(t, "aws_eks_addon", "addon-"+first+"_")["depends_on"]; deps != nil {
			t.Errorf("%s waits for %v; it must come before compute", first, deps)
		}
	}
	// vpc-cni comes before compute too, waiting only for its own role.
	for _, d := range tftest.Strings(doc.One(t, "aws_eks_addon", "addon-vpc-cni_")["depends_on"]) {
		if !strings.HasPrefix(d, "aws_iam_role_policy_attachment.") {
			t.Errorf("vpc-cni waits for %s; it must come before compute", d)
		}
	}
	for addon, sa := range map[string]string{"vpc-cni": "aws-node", "aws-ebs-csi-driver": "ebs-csi-controller-sa"} {
		a := doc.One(t, "aws_eks_addon", "addon-"+addon+"_")
		role := doc.Address(t, "aws_iam_role", "addon-"+addon+"-role")
		if a["service_account_role_arn"] != "${"+role+".arn}" {
			t.Errorf("%s role = %v", addon, a["service_account_role_arn"])
		}
		trust := doc.One(t, "aws_iam_role", "addon-"+addon+"-role")["assume_role_policy"].(string)
		if !strings.Contains(trust, "system:serviceaccount:kube-system:"+sa) {
			t.Errorf("%s trust does not name %s: %s", addon, sa, trust)
		}
	}
	if n := len(doc.Data("aws_eks_addon_version")); n != 0 {
		t.Errorf("%d add-on version lookups; versions are pinned so upgrades show in snapshots", n)
	}
	for _, name := range []string{"vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"} {
		want := eks.AddonVersion(eks.DefaultVersion, name)
		if got := doc.One(t, "aws_eks_addon", "addon-"+name+"_")["addon_version"]; want == "" || got != want {
			t.Errorf("%s version = %v, want the pinned %q", name, got, want)
		}
	}
}

// Compute and add-ons with roles wait for their roles' policy attachments:
// created after them, destroyed before them.
func TestComputeWaitsForRolePolicies(t *testing.T) {
	_, doc := standard(t, nil)
	check := func(what map[string]any, name, rolePrefix string) {
		t.Helper()
		deps := strings.Join(tftest.Strings(what["depends_on"]), ",")
		n := 0
		for addr := range doc.Resources("aws_iam_role_policy_attachment") {
			if strings.HasPrefix(addr, rolePrefix) {
				n++
				if !strings.Contains(deps, "aws_iam_role_policy_attachment."+addr) {
					t.Errorf("%s does not wait for aws_iam_role_policy_attachment.%s (depends_on: %s)", name, addr, deps)
				}
			}
		}
		if n == 0 {
			t.Errorf("no policy attachments of %s* found", rolePrefix)
		}
	}
	check(doc.One(t, "aws_eks_node_group", "node-group-general"), "node group", "cluster_node-role-")
	check(doc.One(t, "aws_eks_fargate_profile", "fargate-profile-serverless"), "Fargate profile", "cluster_fargate-pod-execution-role-")
	check(doc.One(t, "aws_eks_addon", "addon-vpc-cni_"), "vpc-cni add-on", "cluster_addon-vpc-cni-role-")
	check(doc.One(t, "aws_eks_addon", "addon-aws-ebs-csi-driver_"), "EBS CSI add-on", "cluster_addon-aws-ebs-csi-driver-role-")
}

func TestPinnedAddonVersion(t *testing.T) {
	_, doc := standard(t, func(p *eks.ClusterProps) {
		p.Addons = []eks.AddonProps{{Name: "vpc-cni", Version: "v1.19.2-eksbuild.1", ConfigurationValues: `{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}`}, {Name: "kube-proxy"}, {Name: "coredns"}}
	})
	cni := doc.One(t, "aws_eks_addon", "addon-vpc-cni_")
	if cni["addon_version"] != "v1.19.2-eksbuild.1" || cni["configuration_values"] != `{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}` {
		t.Errorf("vpc-cni = %v", cni)
	}
}

func TestFargateProfile(t *testing.T) {
	_, doc := standard(t, nil)
	fp := doc.One(t, "aws_eks_fargate_profile", "serverless")
	for _, id := range tftest.Strings(fp["subnet_ids"]) {
		if !strings.Contains(id, "private-subnet") {
			t.Errorf("Fargate profile uses non-private subnet %s", id)
		}
	}
	if tftest.Block(fp, "selector")["namespace"] != "serverless" {
		t.Errorf("selector = %v", fp["selector"])
	}
	role := doc.One(t, "aws_iam_role", "fargate-pod-execution-role")
	trust := role["assume_role_policy"].(string)
	if !strings.Contains(trust, "eks-fargate-pods.amazonaws.com") || !strings.Contains(trust, `:fargateprofile/demo/*"`) {
		t.Errorf("pod execution role trust = %s", trust)
	}
}

func TestFargateOnlyCoreDNS(t *testing.T) {
	_, doc := standard(t, func(p *eks.ClusterProps) {
		p.NodeGroups = nil
		p.FargateProfiles = []eks.FargateProfileProps{{Name: "system", Selectors: []eks.FargateSelector{{Namespace: "kube-system"}, {Namespace: "apps"}}}}
	})
	if got := doc.One(t, "aws_eks_addon", "addon-coredns_")["configuration_values"]; got != `{"computeType":"Fargate"}` {
		t.Errorf("coredns on Fargate-only cluster has configuration %v", got)
	}
	if len(doc.Resources("aws_eks_node_group")) != 0 || len(doc.Resources("aws_launch_template")) != 0 {
		t.Error("Fargate-only cluster has node groups")
	}
	for name := range doc.Resources("aws_eks_addon") {
		if strings.Contains(name, "ebs-csi") {
			t.Error("EBS CSI driver installed on a cluster without EC2 nodes")
		}
	}
}

func TestAutoMode(t *testing.T) {
	_, doc := standard(t, func(p *eks.ClusterProps) {
		p.NodeGroups, p.FargateProfiles = nil, nil
		p.AutoMode = &eks.AutoModeProps{}
	})
	cluster := doc.One(t, "aws_eks_cluster", "cluster")
	cc := tftest.Block(cluster, "compute_config")
	if cc["enabled"] != true || strings.Join(tftest.Strings(cc["node_pools"]), ",") != "general-purpose,system" || !strings.Contains(cc["node_role_arn"].(string), "aws_iam_role.cluster_node-role") {
		t.Errorf("compute_config = %v", cc)
	}
	if tftest.Block(tftest.Block(cluster, "storage_config"), "block_storage")["enabled"] != true {
		t.Errorf("storage_config = %v", cluster["storage_config"])
	}
	if tftest.Block(tftest.Block(cluster, "kubernetes_network_config"), "elastic_load_balancing")["enabled"] != true {
		t.Errorf("kubernetes_network_config = %v", cluster["kubernetes_network_config"])
	}
	if cluster["bootstrap_self_managed_addons"] != false {
		t.Error("Auto Mode needs bootstrap_self_managed_addons = false")
	}
	if n := len(doc.Resources("aws_eks_addon")); n != 0 {
		t.Errorf("Auto Mode cluster has %d managed add-ons it replaces", n)
	}
	trust := doc.One(t, "aws_iam_role", "cluster_cluster-role")["assume_role_policy"].(string)
	if !strings.Contains(trust, "sts:TagSession") {
		t.Errorf("cluster role trust lacks sts:TagSession: %s", trust)
	}
	for _, p := range []string{"AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"} {
		doc.One(t, "aws_iam_role_policy_attachment", "cluster-role-"+p)
	}
	doc.One(t, "aws_iam_role_policy_attachment", "node-role-AmazonEKSWorkerNodeMinimalPolicy")
}

func TestDisposable(t *testing.T) {
	_, doc := standard(t, func(p *eks.ClusterProps) { p.Disposable = true })
	for _, r := range []map[string]any{doc.One(t, "aws_eks_cluster", "cluster"), doc.One(t, "aws_kms_key", "secrets-key")} {
		if r["lifecycle"] != nil {
			t.Errorf("disposable resource keeps lifecycle %v", r["lifecycle"])
		}
	}
	if doc.One(t, "aws_kms_key", "secrets-key")["deletion_window_in_days"] != float64(7) {
		t.Error("disposable key keeps the 30-day deletion window")
	}
}

func TestGivenKMSKey(t *testing.T) {
	arn := "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	c, doc := standard(t, func(p *eks.ClusterProps) { p.KMSKeyARN = arn })
	// The only key is the stack's shared logs key (its log groups').
	if keys := doc.Resources("aws_kms_key"); len(keys) != 1 || keys[loggroup.KeyID] == nil {
		t.Errorf("a key was created although one was given: %v", keys)
	}
	if c.KMSKeyARN() != arn || tftest.Block(tftest.Block(doc.One(t, "aws_eks_cluster", "cluster"), "encryption_config"), "provider")["key_arn"] != arn {
		t.Error("the given key does not encrypt secrets")
	}
}

func TestImportedVPCGetsDNSPrecondition(t *testing.T) {
	stack := tftest.NewStack(t)
	v, err := network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", PrivateSubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{VPC: v, AutoMode: &eks.AutoModeProps{}}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	pre := tftest.Block(tftest.Block(doc.One(t, "aws_eks_cluster", "cluster"), "lifecycle"), "precondition")
	if !strings.Contains(pre["condition"].(string), "enable_dns_hostnames") || !strings.Contains(pre["error_message"].(string), "DNS hostnames") {
		t.Errorf("precondition = %v", pre)
	}
}

func TestServiceAccountRole(t *testing.T) {
	stack := tftest.NewStack(t)
	c, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{VPC: newVPC(t, stack), NodeGroups: []eks.NodeGroupProps{{Name: "g", MaxSize: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = eks.NewServiceAccountRole(stack, "bad", eks.ServiceAccountRoleProps{Cluster: c, Namespace: "Apps", ServiceAccount: "", ManagedPolicyARNs: []string{"AmazonS3ReadOnlyAccess"}, PolicyDocument: "{}"})
	for _, w := range []string{
		`eks "test/bad": Namespace "Apps" is not a namespace name`,
		`eks "test/bad": ServiceAccount "" is not a service account name`,
		`eks "test/bad": ManagedPolicyARNs[0] "AmazonS3ReadOnlyAccess" is not an IAM policy ARN`,
		`eks "test/bad": PolicyDocument needs "Version": "2012-10-17" and at least one Statement`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
	// A role may start empty and get its permissions from grants.
	granted, err := eks.NewServiceAccountRole(stack, "granted", eks.ServiceAccountRoleProps{Cluster: c, Namespace: "apps", ServiceAccount: "uploader"})
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := storage.NewBucket(stack, "uploads", storage.BucketProps{})
	if err != nil {
		t.Fatal(err)
	}
	queue, err := queue.NewQueue(stack, "jobs", queue.Props{})
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(bucket.GrantWrite(granted, "in/"), queue.GrantSend(granted), granted.AddToRolePolicy("bad name!", iamdoc.Allow("X", []string{"s3:GetObject"}, "*"))); err == nil ||
		!strings.Contains(err.Error(), `inline policy name "bad name!" of "test/granted" is not 1-128 letters, digits and +=,.@_-`) {
		t.Errorf("bad policy name error = %v", err)
	}
	sar, err := eks.NewServiceAccountRole(stack, "reader", eks.ServiceAccountRoleProps{
		Cluster: c, Namespace: "apps", ServiceAccount: "reader",
		ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sar.Role() == nil || *sar.Role().NamePrefix() == "" {
		t.Error("Role must return the aws_iam_role resource")
	}
	if sar.Annotations()["eks.amazonaws.com/role-arn"] != sar.RoleARN() {
		t.Error("annotation does not carry the role ARN")
	}
	doc := tftest.Synth(t, stack)
	write := doc.One(t, "aws_iam_role_policy", "granted_policy-write-uploads")
	if !strings.Contains(fmt.Sprint(write["role"]), "aws_iam_role.granted_role") || !strings.Contains(write["policy"].(string), `"s3:PutObject"`) ||
		!strings.Contains(write["policy"].(string), "/in/*") || !strings.Contains(write["policy"].(string), "aws_kms_key.uploads_key") {
		t.Errorf("bucket grant on an IRSA role = %v", write)
	}
	if send := doc.One(t, "aws_iam_role_policy", "granted_policy-send"); !strings.Contains(send["policy"].(string), `"sqs:SendMessage"`) {
		t.Errorf("queue grant on an IRSA role = %v", send)
	}
	trust := tftest.Policy(t, doc.One(t, "aws_iam_role", "reader_role")["assume_role_policy"])
	st := trust["Statement"].([]any)[0].(map[string]any)
	cond := st["Condition"].(map[string]any)["StringEquals"].(map[string]any)
	var sub, aud bool
	var local string
	for name := range doc["locals"].(map[string]any) {
		if strings.Contains(name, "oidc-issuer-host") {
			local = "${local." + name + "}"
		}
	}
	if l := doc["locals"].(map[string]any); !strings.Contains(l[strings.TrimSuffix(strings.TrimPrefix(local, "${local."), "}")].(string), "identity[0].oidc[0].issuer") {
		t.Errorf("issuer host local = %v", l)
	}
	for k, v := range cond {
		sub = sub || (strings.HasSuffix(k, ":sub") && v == "system:serviceaccount:apps:reader")
		aud = aud || (strings.HasSuffix(k, ":aud") && v == "sts.amazonaws.com")
		if !strings.HasPrefix(k, local+":") {
			t.Errorf("condition key %q is not the cluster's issuer", k)
		}
	}
	if !sub || !aud || len(cond) != 2 {
		t.Errorf("IRSA trust must condition on sub and aud: %v", cond)
	}
	if st["Action"].([]any)[0] != "sts:AssumeRoleWithWebIdentity" || !strings.Contains(st["Principal"].(map[string]any)["Federated"].(string), "aws_iam_openid_connect_provider.") {
		t.Errorf("trust statement = %v", st)
	}
	oidc := doc.One(t, "aws_iam_openid_connect_provider", "oidc-provider")
	if strings.Join(tftest.Strings(oidc["client_id_list"]), ",") != "sts.amazonaws.com" {
		t.Errorf("oidc provider = %v", oidc)
	}
}

func TestPodIdentityRole(t *testing.T) {
	stack := tftest.NewStack(t)
	c, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{
		VPC:             newVPC(t, stack),
		NodeGroups:      []eks.NodeGroupProps{{Name: "g", MaxSize: 2}},
		FargateProfiles: []eks.FargateProfileProps{{Name: "f", Selectors: []eks.FargateSelector{{Namespace: "serverless"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	policy := []string{"arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"}
	_, err = eks.NewPodIdentityRole(stack, "on-fargate", eks.PodIdentityRoleProps{Cluster: c, Namespace: "serverless", ServiceAccount: "worker", ManagedPolicyARNs: policy})
	if err == nil || !strings.Contains(err.Error(), `Namespace "serverless" runs on Fargate, which does not support Pod Identity; use NewServiceAccountRole (IRSA)`) {
		t.Errorf("Fargate namespace error = %v", err)
	}
	if _, err := eks.NewPodIdentityRole(stack, "worker", eks.PodIdentityRoleProps{Cluster: c, Namespace: "jobs", ServiceAccount: "worker", ManagedPolicyARNs: policy}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	assoc := doc.One(t, "aws_eks_pod_identity_association", "worker_association")
	if assoc["namespace"] != "jobs" || assoc["service_account"] != "worker" || !strings.Contains(strings.Join(tftest.Strings(assoc["depends_on"]), ","), "eks-pod-identity-agent") {
		t.Errorf("association = %v", assoc)
	}
	trust := doc.One(t, "aws_iam_role", "worker_role")["assume_role_policy"].(string)
	if !strings.Contains(trust, "pods.eks.amazonaws.com") || !strings.Contains(trust, "sts:TagSession") {
		t.Errorf("pod identity trust = %s", trust)
	}

	// Without the agent add-on, Pod Identity cannot work.
	stack2 := tftest.NewStack(t)
	c2, err := eks.NewCluster(stack2, "cluster", eks.ClusterProps{VPC: newVPC(t, stack2), NodeGroups: []eks.NodeGroupProps{{Name: "g", MaxSize: 2}}, Addons: []eks.AddonProps{{Name: "vpc-cni"}, {Name: "kube-proxy"}, {Name: "coredns"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = eks.NewPodIdentityRole(stack2, "worker", eks.PodIdentityRoleProps{Cluster: c2, Namespace: "jobs", ServiceAccount: "worker", ManagedPolicyARNs: policy})
	if err == nil || !strings.Contains(err.Error(), `Cluster "cluster" does not run the eks-pod-identity-agent add-on`) {
		t.Errorf("missing agent error = %v", err)
	}
}

// A private-only endpoint is reachable from connected networks only when
// the cluster security group admits them.
func TestPrivateAccessCIDRs(t *testing.T) {
	_, doc := standard(t, func(p *eks.ClusterProps) { p.PrivateAccessCIDRs = []string{"10.200.0.0/16"} })
	rule := doc.One(t, "aws_vpc_security_group_ingress_rule", "private-api-access-0")
	if rule["cidr_ipv4"] != "10.200.0.0/16" || rule["from_port"] != float64(443) || !strings.Contains(rule["security_group_id"].(string), "cluster_security_group_id") {
		t.Errorf("API access rule = %v", rule)
	}
	vpc := tftest.Block(doc.One(t, "aws_eks_cluster", "cluster"), "vpc_config")
	if vpc["endpoint_public_access"] != false {
		t.Errorf("endpoint became public: %v", vpc)
	}
	stack := tftest.NewStack(t)
	_, err := eks.NewCluster(stack, "c", eks.ClusterProps{VPC: newVPC(t, stack), PrivateAccessCIDRs: []string{"0.0.0.0/0", "nope"}})
	for _, want := range []string{`PrivateAccessCIDRs[0] "0.0.0.0/0" admits every address`, `PrivateAccessCIDRs[1]`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

// Ids derived from ARNs stay distinct when the ARNs read alike; the same
// ARN twice is a validation error, not a panic.
func TestLookAlikeARNs(t *testing.T) {
	c, doc := standard(t, func(p *eks.ClusterProps) {
		p.AccessEntries = []eks.AccessEntry{
			{PrincipalARN: "arn:aws:iam::111111111111:role/Admin", Policy: eks.AccessPolicyClusterAdmin},
			{PrincipalARN: "arn:aws:iam::222222222222:role/Admin", Policy: eks.AccessPolicyView},
		}
	})
	if n := len(doc.Resources("aws_eks_access_entry")); n != 2 {
		t.Errorf("%d access entries, want 2", n)
	}
	stack := tftest.NewStack(t)
	if _, err := eks.NewServiceAccountRole(stack, "app", eks.ServiceAccountRoleProps{
		Cluster: c, Namespace: "app", ServiceAccount: "app",
		ManagedPolicyARNs: []string{"arn:aws:iam::111111111111:policy/read", "arn:aws:iam::222222222222:policy/read"},
	}); err != nil {
		t.Fatal(err)
	}
	_, err := eks.NewServiceAccountRole(stack, "dup", eks.ServiceAccountRoleProps{
		Cluster: c, Namespace: "app", ServiceAccount: "dup",
		ManagedPolicyARNs: []string{"arn:aws:iam::111111111111:policy/read", "arn:aws:iam::111111111111:policy/read"},
	})
	if err == nil || !strings.Contains(err.Error(), `ManagedPolicyARNs[1] "arn:aws:iam::111111111111:policy/read" is already listed at ManagedPolicyARNs[0]`) {
		t.Errorf("error = %v", err)
	}
}

// A runner's security group in the VPC (not the VPC itself: the cluster
// security group admits only itself) reaches the private endpoint only
// through PrivateAccessSecurityGroupIDs.
func TestPrivateAccessSecurityGroupIDs(t *testing.T) {
	c, doc := standard(t, func(p *eks.ClusterProps) { p.PrivateAccessSecurityGroupIDs = []string{"sg-0123456789abcdef0"} })
	rule := doc.One(t, "aws_vpc_security_group_ingress_rule", "private-api-access-sg-0")
	if rule["referenced_security_group_id"] != "sg-0123456789abcdef0" || rule["from_port"] != float64(443) || rule["to_port"] != float64(443) || !strings.Contains(rule["security_group_id"].(string), "cluster_security_group_id") {
		t.Errorf("API access rule = %v", rule)
	}
	if !c.AdmitsAdministrators() {
		t.Error("AdmitsAdministrators = false with a private access security group")
	}
	if c, _ := standard(t, nil); c.AdmitsAdministrators() {
		t.Error("AdmitsAdministrators = true for a private-only cluster that admits only itself")
	}
	stack := tftest.NewStack(t)
	_, err := eks.NewCluster(stack, "c", eks.ClusterProps{VPC: newVPC(t, stack), PrivateAccessSecurityGroupIDs: []string{"10.0.0.0/8"}})
	if want := `PrivateAccessSecurityGroupIDs[0] "10.0.0.0/8" is not a security group id`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v lacks %q", err, want)
	}
}
