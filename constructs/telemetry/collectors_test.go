package telemetry_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// collectorsEnv is a cluster stack and an add-ons stack of one app.
type collectorsEnv struct {
	app           cdktf.App
	stack, addons cdktf.TerraformStack
	vpc           *network.VPC
	cluster       *eks.Cluster
}

func newCollectorsEnv(t testing.TB) *collectorsEnv {
	t.Helper()
	stack := tftest.NewStack(t)
	app := cdktf.App_Of(stack)
	if dir := *app.Outdir(); strings.HasPrefix(filepath.Base(dir), "cdktf.outdir.") {
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}, ClusterNames: []string{"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{Name: "demo", VPC: vpc, PrivateAccessCIDRs: []string{vpc.CIDR()}, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	addons := cdktf.NewTerraformStack(app, ptr.String("addons"))
	provider.NewAwsProvider(addons, ptr.String("aws"), &provider.AwsProviderConfig{Region: ptr.String("eu-west-1")})
	if _, err := kube.NewProviders(addons, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	return &collectorsEnv{app: app, stack: stack, addons: addons, vpc: vpc, cluster: cluster}
}

// collectors adds NewCollectors to the add-ons stack and returns it with
// the stack's document (cross-stack references resolved the way cdktf
// synth resolves them).
func (e *collectorsEnv) collectors(t testing.TB, mod func(*telemetry.CollectorsProps)) (*telemetry.Collectors, tftest.Doc) {
	t.Helper()
	props := telemetry.CollectorsProps{Cluster: e.cluster, Region: "eu-west-1", VPCCIDR: e.vpc.CIDR()}
	if mod != nil {
		mod(&props)
	}
	c, err := telemetry.NewCollectors(e.addons, "telemetry", props)
	if err != nil {
		t.Fatal(err)
	}
	e.app.Synth()
	b, err := os.ReadFile(filepath.Join(*e.app.Outdir(), "stacks", "addons", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d tftest.Doc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return c, d
}

// at walks nested blocks (one-element lists or objects) of a resource.
func at(r map[string]any, path ...string) map[string]any {
	for _, p := range path {
		r = tftest.Block(r, p)
	}
	return r
}

// items returns a list attribute's objects.
func items(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// podSpec returns the pod template spec of a DaemonSet or Deployment.
func podSpec(r map[string]any) map[string]any { return at(r, "spec", "template", "spec") }

func TestCollectorsNamespacesPodSecurity(t *testing.T) {
	_, doc := newCollectorsEnv(t).collectors(t, nil)
	levels := map[string]string{}
	for _, ns := range doc.Resources("kubernetes_namespace_v1") {
		meta := at(ns, "metadata")
		labels := meta["labels"].(map[string]any)
		levels[meta["name"].(string)] = fmt.Sprint(labels["pod-security.kubernetes.io/enforce"])
	}
	want := map[string]string{"logging": "privileged", "observability": "restricted"}
	if fmt.Sprint(levels) != fmt.Sprint(want) {
		t.Errorf("namespaces' enforced Pod Security = %v, want %v (only logging privileged)", levels, want)
	}
	logging := doc.One(t, "kubernetes_namespace_v1", "logging-namespace")
	if reason := at(logging, "metadata")["annotations"].(map[string]any)["hybridstack.io/pod-security-reason"]; !strings.Contains(fmt.Sprint(reason), "hostPath") {
		t.Errorf("logging's relax reason = %v, want it to name the hostPath volume", reason)
	}
	// Every workload in observability passes restricted.
	for _, id := range []string{"kube-state-metrics_", "otel-collector_"} {
		d := doc.One(t, "kubernetes_deployment_v1", id)
		spec := podSpec(d)
		pod := at(spec, "security_context")
		if pod["run_as_non_root"] != true || at(pod, "seccomp_profile")["type"] != "RuntimeDefault" || pod["run_as_user"] == "0" {
			t.Errorf("%s pod security = %v", id, pod)
		}
		for _, c := range items(spec["container"]) {
			checkContainerLockedDown(t, id, c, true)
		}
	}
}

// checkContainerLockedDown fails unless c cannot escalate, has no
// capability, runs seccomp RuntimeDefault with a read-only root
// filesystem, has requests and limits and a pinned image.
func checkContainerLockedDown(t *testing.T, what string, c map[string]any, nonRoot bool) {
	t.Helper()
	sc := at(c, "security_context")
	if sc["allow_privilege_escalation"] != false || sc["privileged"] == true || sc["read_only_root_filesystem"] != true {
		t.Errorf("%s container security = %v", what, sc)
	}
	if fmt.Sprint(at(sc, "capabilities")["drop"]) != "[ALL]" || at(sc, "capabilities")["add"] != nil {
		t.Errorf("%s capabilities = %v, want drop [ALL] and nothing added", what, at(sc, "capabilities"))
	}
	if at(sc, "seccomp_profile")["type"] != "RuntimeDefault" {
		t.Errorf("%s seccomp = %v", what, at(sc, "seccomp_profile"))
	}
	if nonRoot && sc["run_as_non_root"] != true {
		t.Errorf("%s does not insist on a non-root user: %v", what, sc)
	}
	res := at(c, "resources")
	for _, k := range []string{"requests", "limits"} {
		m, _ := res[k].(map[string]any)
		if m["cpu"] == nil || m["memory"] == nil {
			t.Errorf("%s resources.%s = %v, want cpu and memory", what, k, m)
		}
	}
	image := fmt.Sprint(c["image"])
	if !regexp.MustCompile(`:(v?[0-9]+\.[0-9]+\.[0-9]+)(@sha256:[0-9a-f]{64})?$`).MatchString(image) {
		t.Errorf("%s image %q is not pinned to an exact release", what, image)
	}
}

func TestCollectorsImagesPinned(t *testing.T) {
	_, doc := newCollectorsEnv(t).collectors(t, nil)
	var images []string
	for _, typ := range []string{"kubernetes_daemon_set_v1", "kubernetes_deployment_v1"} {
		for _, r := range doc.Resources(typ) {
			for _, c := range items(podSpec(r)["container"]) {
				images = append(images, c["image"].(string))
			}
		}
	}
	sort.Strings(images)
	want := []string{telemetry.ImageFluentBit, telemetry.ImageKubeStateMetrics, telemetry.ImageOTelCollector}
	sort.Strings(want)
	if fmt.Sprint(images) != fmt.Sprint(want) {
		t.Errorf("images = %v, want %v", images, want)
	}
	for _, img := range want {
		if strings.HasSuffix(img, ":latest") || !strings.Contains(img[strings.LastIndex(img, "/"):], ":") {
			t.Errorf("%q has no exact tag", img)
		}
	}
}

func TestFluentBitDaemonSet(t *testing.T) {
	_, doc := newCollectorsEnv(t).collectors(t, nil)
	ds := doc.One(t, "kubernetes_daemon_set_v1", "fluent-bit")
	if at(ds, "metadata")["namespace"] == nil || !strings.Contains(fmt.Sprint(at(ds, "metadata")["namespace"]), "logging-namespace") {
		t.Errorf("Fluent Bit runs in %v, want the logging namespace", at(ds, "metadata")["namespace"])
	}
	spec := podSpec(ds)
	if tol := items(spec["toleration"]); len(tol) != 1 || tol[0]["operator"] != "Exists" || tol[0]["key"] != nil {
		t.Errorf("tolerations = %v, want one that tolerates every taint", spec["toleration"])
	}
	terms := items(at(spec, "affinity", "node_affinity", "required_during_scheduling_ignored_during_execution")["node_selector_term"])
	if len(terms) != 1 || fmt.Sprint(items(terms[0]["match_expressions"])) != "[map[key:eks.amazonaws.com/compute-type operator:NotIn values:[fargate]]]" {
		t.Errorf("node affinity = %v, want compute-type NotIn fargate", terms)
	}
	hostPaths := map[string]string{}
	for _, v := range items(spec["volume"]) {
		if hp := at(v, "host_path"); len(hp) > 0 {
			hostPaths[v["name"].(string)] = hp["path"].(string)
		}
	}
	if fmt.Sprint(hostPaths) != "map[host-logs:/var/log state:/var/fluent-bit/state]" {
		t.Errorf("host paths = %v, want /var/log and the state directory only", hostPaths)
	}
	containers := items(spec["container"])
	if len(containers) != 1 {
		t.Fatalf("containers = %v", containers)
	}
	c := containers[0]
	mounts := map[string]any{}
	for _, m := range items(c["volume_mount"]) {
		mounts[m["mount_path"].(string)] = m["read_only"]
	}
	if mounts["/var/log"] != true {
		t.Errorf("/var/log is mounted read_only=%v, want true", mounts["/var/log"])
	}
	if mounts["/var/fluent-bit/state"] == true {
		t.Errorf("the state directory must be writable")
	}
	checkContainerLockedDown(t, "fluent-bit", c, false)
	// Root, without a single capability (see fluentBitSecurity).
	if pod := at(spec, "security_context"); pod["run_as_user"] != "0" || at(pod, "seccomp_profile")["type"] != "RuntimeDefault" {
		t.Errorf("Fluent Bit pod security = %v", pod)
	}
	if sa := doc.One(t, "kubernetes_service_account_v1", "fluent-bit"); !strings.Contains(fmt.Sprint(at(sa, "metadata")["annotations"]), "eks.amazonaws.com/role-arn") {
		t.Errorf("Fluent Bit's service account has no IRSA role: %v", at(sa, "metadata"))
	}
	rules := items(doc.One(t, "kubernetes_cluster_role_v1", "fluent-bit")["rule"])
	if len(rules) != 1 || fmt.Sprint(rules[0]["resources"]) != "[namespaces pods]" || fmt.Sprint(rules[0]["verbs"]) != "[get list watch]" || fmt.Sprint(rules[0]["api_groups"]) != "[]" {
		t.Errorf("Fluent Bit's ClusterRole = %v, want get/list/watch on pods and namespaces", rules)
	}
	if deps := tftest.Strings(ds["depends_on"]); len(deps) != 5 {
		t.Errorf("the DaemonSet waits for %v, want the five log groups", deps)
	}
}

// fluentBitConf returns the Fluent Bit configuration and the cluster's
// name as it appears in it (a reference).
func fluentBitConf(t *testing.T, doc tftest.Doc) (string, string) {
	t.Helper()
	conf := fmt.Sprint(doc.One(t, "kubernetes_config_map_v1", "fluent-bit")["data"].(map[string]any)["fluent-bit.conf"])
	m := regexp.MustCompile(`log_group_name\s+/hybridstack/(.+)/platform\n`).FindStringSubmatch(conf)
	if m == nil {
		t.Fatalf("no platform fallback group in\n%s", conf)
	}
	return conf, m[1]
}

func TestFluentBitRouting(t *testing.T) {
	_, doc := newCollectorsEnv(t).collectors(t, nil)
	conf, cluster := fluentBitConf(t, doc)
	if !strings.HasPrefix(cluster, "${") {
		t.Errorf("the groups are not named after the cluster (a reference to it): %q", cluster)
	}
	outputs := strings.Split(conf, "[OUTPUT]")[1:]
	if len(outputs) != 2 {
		t.Fatalf("want two outputs, got %d:\n%s", len(outputs), conf)
	}
	entry := func(section, key string) string {
		m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(key) + `\s+(.*)$`).FindStringSubmatch(section)
		if m == nil {
			return ""
		}
		return m[1]
	}
	for i, out := range outputs {
		for key, want := range map[string]string{
			"Name": "cloudwatch_logs", "auto_create_group": "false", "region": "eu-west-1",
			"log_group_name":      "/hybridstack/" + cluster + "/platform",
			"log_stream_template": "$kubernetes['pod_name'].$kubernetes['container_name']",
		} {
			if got := entry(out, key); got != want {
				t.Errorf("output %d %s = %q, want %q", i, key, got, want)
			}
		}
		if entry(out, "log_stream_prefix") == "" {
			t.Errorf("output %d has no log_stream_prefix fallback", i)
		}
	}
	known := "(?:argocd|kube-system|logging|observability)_"
	if got := entry(outputs[0], "Match_Regex"); got != `^kube\.var\.log\.containers\.[^_]+_`+known {
		t.Errorf("platform output matches %q", got)
	}
	if got := entry(outputs[0], "log_group_template"); got != "/hybridstack/"+cluster+"/$kubernetes['namespace_name']" {
		t.Errorf("platform output template = %q", got)
	}
	if got := entry(outputs[1], "Match_Regex"); got != `^kube\.var\.log\.containers\.[^_]+_(?!`+known+`)` {
		t.Errorf("labelled output matches %q", got)
	}
	if got := entry(outputs[1], "log_group_template"); got != "/hybridstack/"+cluster+"/$kubernetes_namespace['labels']['logs.hybridstack.io/group']" {
		t.Errorf("labelled output template = %q", got)
	}
	// The platform regex, which Go can read, matches a tag of a known
	// namespace and not of another one.
	platform := regexp.MustCompile(entry(outputs[0], "Match_Regex"))
	for tag, want := range map[string]bool{
		"kube.var.log.containers.coredns-5d78c9869d-abcde_kube-system_coredns-0123abcd.log": true,
		"kube.var.log.containers.orders-7c9f8d-xyz12_trading-engine_orders-0123abcd.log":    false,
		"kube.var.log.containers.argocd-server-1_argocd-extra_server-0123abcd.log":          false,
		"kube.var.log.containers.fluent-bit-abcde_logging_fluent-bit-0123abcd.log":          true,
	} {
		if platform.MatchString(tag) != want {
			t.Errorf("platform output matches %s: %v, want %v", tag, !want, want)
		}
	}
	for _, want := range []string{"namespace_labels     on", "K8S-Logging.Exclude  off", "Path                 /var/log/containers/*.log", "DB                   /var/fluent-bit/state/"} {
		if !strings.Contains(strings.Join(strings.Fields(conf), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("configuration lacks %q:\n%s", want, conf)
		}
	}
	// The pods roll when the configuration changes.
	ann := at(doc.One(t, "kubernetes_daemon_set_v1", "fluent-bit"), "spec", "template", "metadata")["annotations"].(map[string]any)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(fmt.Sprint(ann["hybridstack.io/config-sha256"])) {
		t.Errorf("no configuration hash on the pods: %v", ann)
	}
}

func TestLogGroups(t *testing.T) {
	c, doc := newCollectorsEnv(t).collectors(t, func(p *telemetry.CollectorsProps) {
		p.Namespaces = []string{"kube-system", "argocd", "payments"}
		p.LogRetentionDays = 30
	})
	var names []string
	for _, g := range doc.Resources("aws_cloudwatch_log_group") {
		names = append(names, regexp.MustCompile(`^/hybridstack/\$\{[^}]+\}/`).ReplaceAllString(g["name"].(string), "/hybridstack/<cluster>/"))
		if g["retention_in_days"] != float64(30) || g["kms_key_id"] == nil || g["kms_key_id"] == "" {
			t.Errorf("log group %v has no 30-day retention or no KMS key", g)
		}
	}
	sort.Strings(names)
	want := []string{"argocd", "kube-system", "logging", "observability", "payments", "platform"}
	for i := range want {
		want[i] = "/hybridstack/<cluster>/" + want[i]
	}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("log groups = %v, want %v", names, want)
	}
	if c.LogGroup("payments") == nil || c.LogGroup(telemetry.PlatformLogGroup) == nil || c.LogGroup("default") != nil {
		t.Errorf("LogGroup does not return the groups made (and only them)")
	}
	if !strings.HasSuffix(c.PlatformLogGroupName(), "/platform") {
		t.Errorf("PlatformLogGroupName() = %q", c.PlatformLogGroupName())
	}
}

// policyStatements returns the statements of the inline policy of the IRSA
// role whose construct id contains role.
func policyStatements(t *testing.T, doc tftest.Doc, role string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, st := range tftest.Policy(t, doc.One(t, "aws_iam_role_policy", role)["policy"])["Statement"].([]any) {
		out = append(out, st.(map[string]any))
	}
	return out
}

func TestCollectorRoles(t *testing.T) {
	_, doc := newCollectorsEnv(t).collectors(t, nil)
	fb := policyStatements(t, doc, "fluent-bit-role")
	if len(fb) != 1 {
		t.Fatalf("Fluent Bit's policy = %v", fb)
	}
	if got := fmt.Sprint(fb[0]["Action"]); got != "[logs:CreateLogStream logs:DescribeLogStreams logs:PutLogEvents]" {
		t.Errorf("Fluent Bit may %s; want CreateLogStream, DescribeLogStreams and PutLogEvents only (no CreateLogGroup)", got)
	}
	res := strings.Join(tftest.Strings(fb[0]["Resource"]), " ")
	if !regexp.MustCompile(`^arn:\$\{[^}]+\}:logs:eu-west-1:\$\{[^}]+\}:log-group:/hybridstack/\$\{[^}]+\}/\*:\*$`).MatchString(res) {
		t.Errorf("Fluent Bit writes to %s, want arn:...:log-group:/hybridstack/<cluster>/*:* only", res)
	}
	otel := policyStatements(t, doc, "otel-collector-role")
	if len(otel) != 1 || fmt.Sprint(otel[0]["Action"]) != "[xray:GetSamplingRules xray:GetSamplingTargets xray:PutTelemetryRecords xray:PutTraceSegments]" || fmt.Sprint(otel[0]["Resource"]) != "[*]" {
		t.Errorf("the collector's policy = %v", otel)
	}
	if len(doc.Resources("aws_iam_role_policy")) == 0 {
		t.Fatal("no role policies")
	}
	for name, p := range doc.Resources("aws_iam_role_policy") {
		if strings.Contains(fmt.Sprint(p["policy"]), "CreateLogGroup") {
			t.Errorf("%s allows logs:CreateLogGroup", name)
		}
	}
	// Each role trusts its own service account.
	for id, sub := range map[string]string{"fluent-bit-role": "system:serviceaccount:logging:fluent-bit", "otel-collector-role": "system:serviceaccount:observability:otel-collector"} {
		if trust := fmt.Sprint(doc.One(t, "aws_iam_role", id)["assume_role_policy"]); !strings.Contains(trust, sub) {
			t.Errorf("%s trust = %s, want %s", id, trust, sub)
		}
	}
}

func TestKubeStateMetrics(t *testing.T) {
	e := newCollectorsEnv(t)
	_, doc := e.collectors(t, nil)
	d := doc.One(t, "kubernetes_deployment_v1", "kube-state-metrics")
	if at(d, "metadata")["name"] != telemetry.KubeStateMetricsName {
		t.Errorf("Deployment name = %v", at(d, "metadata")["name"])
	}
	c := items(podSpec(d)["container"])[0]
	ports := map[string]any{}
	for _, p := range items(c["port"]) {
		ports[p["name"].(string)] = p["container_port"]
	}
	if ports["http-metrics"] != float64(8080) {
		t.Errorf("container ports = %v, want http-metrics 8080", ports)
	}
	svc := doc.One(t, "kubernetes_service_v1", "kube-state-metrics")
	svcPorts := items(at(svc, "spec")["port"])
	if at(svc, "metadata")["name"] != "kube-state-metrics" || len(svcPorts) != 1 || svcPorts[0]["name"] != "http-metrics" || svcPorts[0]["port"] != float64(8080) {
		t.Errorf("Service = %v %v, want kube-state-metrics with port http-metrics 8080", at(svc, "metadata"), svcPorts)
	}
	if want := telemetry.DefaultKubeStateMetrics(); want.Service != telemetry.KubeStateMetricsName || want.PortName != telemetry.KubeStateMetricsPortName || want.Port != telemetry.KubeStateMetricsPort || want.Namespace != telemetry.ObservabilityNamespace {
		t.Errorf("the scraper looks for %+v, which is not where kube-state-metrics is", want)
	}
	// Its ClusterRole lists and watches exactly the kinds it reports.
	args := strings.Join(tftest.Strings(c["args"]), " ")
	m := regexp.MustCompile(`--resources=(\S+)`).FindStringSubmatch(args)
	if m == nil {
		t.Fatalf("args = %s", args)
	}
	var granted []string
	for _, r := range items(doc.One(t, "kubernetes_cluster_role_v1", "kube-state-metrics")["rule"]) {
		if fmt.Sprint(r["verbs"]) != "[list watch]" {
			t.Errorf("kube-state-metrics may %v", r["verbs"])
		}
		granted = append(granted, tftest.Strings(r["resources"])...)
	}
	sort.Strings(granted)
	if strings.Join(granted, ",") != m[1] {
		t.Errorf("ClusterRole grants %v, reports %s", granted, m[1])
	}
	if strings.Contains(m[1], "secrets") || strings.Contains(m[1], "configmaps") {
		t.Errorf("kube-state-metrics reads secrets or configmaps: %s", m[1])
	}
	pol := doc.One(t, "kubernetes_network_policy_v1", "kube-state-metrics")
	ingress := items(at(pol, "spec")["ingress"])
	if len(ingress) != 1 || at(items(ingress[0]["from"])[0], "ip_block")["cidr"] != e.vpc.CIDR() || fmt.Sprint(items(ingress[0]["ports"])) != "[map[port:8080 protocol:TCP]]" {
		t.Errorf("kube-state-metrics admits %v, want the VPC's range on 8080", ingress)
	}
}

func TestScraperRBAC(t *testing.T) {
	_, doc := newCollectorsEnv(t).collectors(t, nil)
	role := doc.One(t, "kubernetes_cluster_role_v1", "scraper")
	if at(role, "metadata")["name"] != "aps-collector-role" {
		t.Errorf("ClusterRole name = %v", at(role, "metadata")["name"])
	}
	var rules []string
	for _, r := range items(role["rule"]) {
		rules = append(rules, fmt.Sprint(r["api_groups"], r["resources"], r["non_resource_urls"], r["verbs"]))
		for _, v := range tftest.Strings(r["verbs"]) {
			if v != "get" && v != "list" && v != "watch" {
				t.Errorf("the scraper may %s", v)
			}
		}
	}
	want := []string{
		"[] [configmaps endpoints ingresses nodes nodes/metrics nodes/proxy pods services] <nil> [get list watch]",
		"[extensions networking.k8s.io] [ingresses ingresses/status] <nil> [get list watch]",
		"[metrics.eks.amazonaws.com] [kcm/metrics ksh/metrics] <nil> [get]",
		"<nil> <nil> [/metrics] [get]",
	}
	if fmt.Sprint(rules) != fmt.Sprint(want) {
		t.Errorf("scraper rules =\n%v\nwant\n%v", strings.Join(rules, "\n"), strings.Join(want, "\n"))
	}
	binding := doc.One(t, "kubernetes_cluster_role_binding_v1", "scraper")
	subj := items(binding["subject"])
	if len(subj) != 1 || subj[0]["kind"] != "User" || subj[0]["name"] != telemetry.ScraperKubernetesUser {
		t.Errorf("binding subjects = %v, want the user %s", subj, telemetry.ScraperKubernetesUser)
	}
}

func TestOTelCollector(t *testing.T) {
	e := newCollectorsEnv(t)
	c, doc := e.collectors(t, nil)
	if c.OTLPEndpoint() != "http://otel-collector.observability.svc:4317" || telemetry.OTLPEnv()["OTEL_EXPORTER_OTLP_ENDPOINT"] != c.OTLPEndpoint() {
		t.Errorf("OTLPEndpoint() = %q, OTLPEnv() = %v", c.OTLPEndpoint(), telemetry.OTLPEnv())
	}
	svc := doc.One(t, "kubernetes_service_v1", "otel-collector")
	ports := map[string]any{}
	for _, p := range items(at(svc, "spec")["port"]) {
		ports[p["name"].(string)] = p["port"]
	}
	if at(svc, "metadata")["name"] != "otel-collector" || ports["otlp-grpc"] != float64(4317) || ports["otlp-http"] != float64(4318) {
		t.Errorf("Service %v ports %v", at(svc, "metadata")["name"], ports)
	}
	var conf map[string]any
	raw := fmt.Sprint(doc.One(t, "kubernetes_config_map_v1", "otel-collector")["data"].(map[string]any)["config.yaml"])
	if err := json.Unmarshal([]byte(raw), &conf); err != nil {
		t.Fatalf("collector configuration is not JSON (YAML): %v\n%s", err, raw)
	}
	pipelines := conf["service"].(map[string]any)["pipelines"].(map[string]any)
	if fmt.Sprint(pipelines) != "map[traces:map[exporters:[awsxray] processors:[memory_limiter batch] receivers:[otlp]]]" {
		t.Errorf("pipelines = %v", pipelines)
	}
	protocols := conf["receivers"].(map[string]any)["otlp"].(map[string]any)["protocols"]
	if fmt.Sprint(protocols) != "map[grpc:map[endpoint:0.0.0.0:4317] http:map[endpoint:0.0.0.0:4318]]" {
		t.Errorf("OTLP receiver = %v", protocols)
	}
	if fmt.Sprint(conf["exporters"]) != "map[awsxray:map[region:eu-west-1]]" {
		t.Errorf("exporters = %v", conf["exporters"])
	}
	pol := doc.One(t, "kubernetes_network_policy_v1", "otel-collector")
	ingress := items(at(pol, "spec")["ingress"])
	if len(ingress) != 1 {
		t.Fatalf("ingress = %v", ingress)
	}
	from := items(ingress[0]["from"])
	if len(from) != 1 || len(at(from[0], "namespace_selector")) != 0 || from[0]["ip_block"] != nil {
		t.Errorf("the collector admits %v, want every namespace's pods", from)
	}
	if fmt.Sprint(items(ingress[0]["ports"])) != "[map[port:4317 protocol:TCP] map[port:4318 protocol:TCP] map[port:2000 protocol:TCP]]" {
		t.Errorf("the collector admits ports %v", ingress[0]["ports"])
	}
	if pdb := doc.One(t, "kubernetes_pod_disruption_budget_v1", "otel-collector"); at(pdb, "spec")["max_unavailable"] != "1" {
		t.Errorf("disruption budget = %v", at(pdb, "spec"))
	}
	if fb := doc.One(t, "kubernetes_network_policy_v1", "fluent-bit"); at(fb, "spec")["ingress"] != nil || fmt.Sprint(at(fb, "spec")["policy_types"]) != "[Ingress]" {
		t.Errorf("Fluent Bit admits %v", at(fb, "spec"))
	}
}

func TestCollectorsValidation(t *testing.T) {
	e := newCollectorsEnv(t)
	for _, tc := range []struct {
		name string
		mod  func(*telemetry.CollectorsProps)
		want []string
	}{
		{"no cluster", func(p *telemetry.CollectorsProps) { p.Cluster = nil }, []string{"Cluster is nil"}},
		{"region", func(p *telemetry.CollectorsProps) { p.Region = "Ireland" }, []string{`Region "Ireland" is not an AWS Region`}},
		{"no region", func(p *telemetry.CollectorsProps) { p.Region = "" }, []string{"Region is empty"}},
		{"cidr", func(p *telemetry.CollectorsProps) { p.VPCCIDR = "10.0.0.1/16" }, []string{`VPCCIDR "10.0.0.1/16" is not an IPv4 network`}},
		{"every address", func(p *telemetry.CollectorsProps) { p.VPCCIDR = "0.0.0.0/0" }, []string{"admits every address"}},
		{"namespaces", func(p *telemetry.CollectorsProps) {
			p.Namespaces = []string{"kube-system", "kube-system", "Bad", "platform"}
		}, []string{
			`Namespaces[1] "kube-system" is listed twice`, `Namespaces[2] "Bad" is not a namespace name`, `Namespaces[3] "platform" would share`,
		}},
		{"retention", func(p *telemetry.CollectorsProps) { p.LogRetentionDays = 13 }, []string{"LogRetentionDays 13 is not a retention"}},
		{"images", func(p *telemetry.CollectorsProps) {
			p.Images = telemetry.Images{FluentBit: "fluent/fluent-bit", KubeStateMetrics: "registry.k8s.io/kube-state-metrics/kube-state-metrics:latest",
				OTelCollector: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/otel@sha256:" + strings.Repeat("ab", 32)}
		}, []string{`Images.FluentBit "fluent/fluent-bit" is not a pinned`, `Images.KubeStateMetrics "registry.k8s.io/kube-state-metrics/kube-state-metrics:latest" is not a pinned`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			props := telemetry.CollectorsProps{Cluster: e.cluster, Region: "eu-west-1", VPCCIDR: "10.0.0.0/16"}
			tc.mod(&props)
			_, err := telemetry.NewCollectors(e.addons, "bad-"+strings.ReplaceAll(tc.name, " ", "-"), props)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, validate.ErrInvalid) {
				t.Errorf("%v does not wrap validate.ErrInvalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "Images.OTelCollector") {
				t.Errorf("an image pinned by digest alone is refused: %v", err)
			}
			if !strings.Contains(err.Error(), `telemetry "addons/bad-`) {
				t.Errorf("error %q does not name the construct path", err)
			}
			if e.addons.Node().TryFindChild(ptr.String("bad-"+strings.ReplaceAll(tc.name, " ", "-"))) != nil {
				t.Errorf("a failed NewCollectors left a construct in the tree")
			}
		})
	}
}

func TestNamespaceLogGroupNaming(t *testing.T) {
	if got := telemetry.NamespaceLogGroupName("trading", "orders"); got != "/hybridstack/trading/orders" {
		t.Errorf("NamespaceLogGroupName = %q", got)
	}
	if got := telemetry.NamespaceLogLabels("orders"); fmt.Sprint(got) != "map[logs.hybridstack.io/group:orders]" {
		t.Errorf("NamespaceLogLabels = %v", got)
	}
	if !strings.HasPrefix(telemetry.LogGroupName("trading", "tenant-a"), telemetry.LogGroupPrefix("trading")) {
		t.Errorf("a group is not under the prefix Fluent Bit may write to")
	}
}

// TestConfigHashIgnoresTokenNumbering: constructs made before the
// collectors renumber the tokens in the configuration; the pods must not
// roll for that.
func TestConfigHashIgnoresTokenNumbering(t *testing.T) {
	hash := func(before func(*collectorsEnv)) string {
		e := newCollectorsEnv(t)
		if before != nil {
			before(e)
		}
		_, doc := e.collectors(t, nil)
		return fmt.Sprint(at(doc.One(t, "kubernetes_daemon_set_v1", "fluent-bit"), "spec", "template", "metadata")["annotations"].(map[string]any)["hybridstack.io/config-sha256"])
	}
	plain := hash(nil)
	other := hash(func(e *collectorsEnv) {
		for i := 0; i < 5; i++ {
			v := cdktf.NewTerraformVariable(e.addons, ptr.String(fmt.Sprintf("unrelated-%d", i)), &cdktf.TerraformVariableConfig{Type: ptr.String("string")})
			cdktf.NewTerraformOutput(e.addons, ptr.String(fmt.Sprintf("unrelated-out-%d", i)), &cdktf.TerraformOutputConfig{Value: v.StringValue()})
		}
	})
	if plain != other {
		t.Errorf("the configuration hash changed with unrelated constructs: %s, %s", plain, other)
	}
}
