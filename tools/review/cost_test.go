package review

import (
	"bytes"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// costDoc has one resource of each type the estimate prices, plus some it
// only lists (Lambda) or leaves out (App Mesh, a gateway endpoint).
const costDoc = `{
  "provider": {"aws": [{"region": "eu-west-1"}]},
  "resource": {
    "aws_eks_cluster": {"cluster": {"//": {"metadata": {"path": "unit/cluster/cluster"}}, "name": "unit", "version": "1.35", "upgrade_policy": {"support_type": "STANDARD"}}},
    "aws_eip": {"nat-eip": {"domain": "vpc"}},
    "aws_nat_gateway": {"nat": {"allocation_id": "${aws_eip.nat-eip.id}", "subnet_id": "subnet-1"}},
    "aws_lb": {
      "alb": {"load_balancer_type": "application", "internal": true},
      "nlb": {"load_balancer_type": "network"}
    },
    "aws_vpc_endpoint": {
      "logs": {"vpc_endpoint_type": "Interface", "service_name": "com.amazonaws.eu-west-1.logs", "subnet_ids": ["subnet-1", "subnet-2"]},
      "s3": {"vpc_endpoint_type": "Gateway", "service_name": "com.amazonaws.eu-west-1.s3"}
    },
    "aws_msk_cluster": {"kafka": {"number_of_broker_nodes": 3, "broker_node_group_info": {"instance_type": "kafka.m7g.large", "storage_info": {"ebs_storage_info": {"volume_size": 100}}}}},
    "aws_db_instance": {"db": {"engine": "postgres", "instance_class": "db.t4g.medium", "allocated_storage": 20, "storage_type": "gp3", "multi_az": false}},
    "aws_launch_template": {"nodes-lt": {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": {"volume_size": 50, "volume_type": "gp3"}}]}},
    "aws_eks_node_group": {"nodes": {"capacity_type": "ON_DEMAND", "instance_types": ["m7i.large", "m6i.large"], "scaling_config": {"desired_size": 3, "min_size": 2, "max_size": 6}, "launch_template": {"id": "${aws_launch_template.nodes-lt.id}", "version": "${aws_launch_template.nodes-lt.latest_version}"}}},
    "aws_ecs_cluster": {"ecs": {"name": "unit"}},
    "aws_ecs_task_definition": {"task": {"family": "unit-api", "cpu": "512", "memory": "1024", "requires_compatibilities": ["FARGATE"], "runtime_platform": {"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}}},
    "aws_ecs_service": {"api": {"cluster": "${aws_ecs_cluster.ecs.arn}", "launch_type": "FARGATE", "desired_count": 2, "task_definition": "${aws_ecs_task_definition.task.arn}"}},
    "aws_kms_key": {"key": {"enable_key_rotation": true}},
    "aws_secretsmanager_secret": {"secret": {"name_prefix": "unit/"}},
    "aws_cloudwatch_metric_alarm": {"alarm": {"metric_name": "Errors", "namespace": "AWS/Lambda", "period": 300}},
    "aws_vpclattice_service": {"lattice": {"name": "unit", "auth_type": "AWS_IAM"}},
    "aws_appmesh_mesh": {"mesh": {"name": "unit"}},
    "aws_lambda_function": {"fn": {"function_name": "unit"}}
  }
}`

func parseCostDoc(t *testing.T, doc string) *Stack {
	t.Helper()
	s, err := Parse("unit", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustPrice(t *testing.T, table PriceTable, key string) Price {
	t.Helper()
	p, ok := table.Lookup(key)
	if !ok {
		t.Fatalf("price table has no %q", key)
	}
	return p
}

// monthly is the line formula, written out again.
func monthly(table PriceTable, p Price, quantity float64) float64 {
	if p.Unit == "hour" {
		return quantity * p.USD * table.HoursPerMonth
	}
	return quantity * p.USD
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestPriceTableValid(t *testing.T) {
	table := DefaultPrices()
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(table.Date) {
		t.Errorf("date %q is not YYYY-MM-DD", table.Date)
	}
	if _, err := time.Parse("2006-01-02", table.Date); err != nil {
		t.Errorf("date %q: %v", table.Date, err)
	}
	if table.Region != "eu-west-1" || table.Currency != "USD" || table.HoursPerMonth != 730 {
		t.Errorf("table is %s %s %v h/month, want eu-west-1 USD 730", table.Region, table.Currency, table.HoursPerMonth)
	}
	seen := map[string]bool{}
	for _, p := range table.Prices {
		if seen[p.Key] {
			t.Errorf("price key %q twice", p.Key)
		}
		seen[p.Key] = true
		if p.USD <= 0 || math.IsNaN(p.USD) {
			t.Errorf("%s: price %v", p.Key, p.USD)
		}
		if p.Unit != "hour" && p.Unit != "month" {
			t.Errorf("%s: unit %q", p.Key, p.Unit)
		}
		if !strings.HasPrefix(p.Source, "https://") {
			t.Errorf("%s: source %q is not a URL", p.Key, p.Source)
		}
		if p.What == "" {
			t.Errorf("%s: no description", p.Key)
		}
		if p.Verified && p.Note == "" {
			t.Errorf("%s: verified without a note of what confirmed it", p.Key)
		}
	}
	types := map[string]bool{}
	for _, u := range table.UsagePriced {
		conds := make([]string, 0, len(u.When))
		for k, v := range u.When {
			conds = append(conds, k+"="+v)
		}
		sort.Strings(conds)
		key := u.Type + " " + strings.Join(conds, " ")
		if types[key] || u.Basis == "" || !strings.HasPrefix(u.Source, "https://") {
			t.Errorf("usage type %+v: duplicate, or no basis or source URL", u)
		}
		types[key] = true
	}
}

func TestEstimateOneOfEach(t *testing.T) {
	table := DefaultPrices()
	e := EstimateCost(parseCostDoc(t, costDoc), table)

	type want struct {
		addr, key string
		quantity  float64
	}
	wants := []want{
		{"aws_cloudwatch_metric_alarm.alarm", "cloudwatch-alarm:standard", 1},
		{"aws_db_instance.db", "rds-storage:gp3", 20},
		{"aws_db_instance.db", "rds:postgres:db.t4g.medium", 1},
		{"aws_ecs_service.api", "fargate:arm64:gb", 2},   // 2 tasks x 1 GB
		{"aws_ecs_service.api", "fargate:arm64:vcpu", 1}, // 2 tasks x 0.5 vCPU
		{"aws_eip.nat-eip", "public-ipv4", 1},
		{"aws_eks_cluster.cluster", "eks-cluster", 1},
		{"aws_eks_node_group.nodes", "ebs:gp3", 150}, // 3 nodes x 50 GB
		{"aws_eks_node_group.nodes", "ec2:m7i.large", 3},
		{"aws_kms_key.key", "kms-key", 1},
		{"aws_lb.alb", "lb:application", 1},
		{"aws_lb.nlb", "lb:network", 1},
		{"aws_msk_cluster.kafka", "msk:storage", 300},
		{"aws_msk_cluster.kafka", "msk:kafka.m7g.large", 3},
		{"aws_nat_gateway.nat", "nat-gateway", 1},
		{"aws_secretsmanager_secret.secret", "secretsmanager-secret", 1},
		{"aws_vpc_endpoint.logs", "vpc-endpoint:interface", 2},
		{"aws_vpclattice_service.lattice", "vpc-lattice-service", 1},
	}
	if len(e.Lines) != len(wants) {
		for _, l := range e.Lines {
			t.Logf("%s %q %v", l.Address, l.What, l.Quantity)
		}
		t.Fatalf("%d lines, want %d", len(e.Lines), len(wants))
	}
	total := 0.0
	for i, w := range wants {
		l, p := e.Lines[i], mustPrice(t, table, w.key)
		if l.Address != w.addr || l.Quantity != w.quantity || l.UnitUSD != p.USD || l.Unit != p.Unit || l.Source != p.Source {
			t.Errorf("line %d = %s %v x %v/%s (%s), want %s %v x %v/%s (%s)", i, l.Address, l.Quantity, l.UnitUSD, l.Unit, l.Source, w.addr, w.quantity, p.USD, p.Unit, p.Source)
		}
		if m := monthly(table, p, w.quantity); !near(l.MonthlyUSD, m) {
			t.Errorf("%s %s: $%v/month, want $%v", w.addr, w.key, l.MonthlyUSD, m)
		}
		total += l.MonthlyUSD
	}
	if !near(e.MonthlyUSD, total) {
		t.Errorf("total $%v, want the sum of the lines $%v", e.MonthlyUSD, total)
	}
	// One hard-coded sanity value: an EKS control plane is $0.10 x 730 h.
	if eks := e.Lines[6]; !near(eks.MonthlyUSD, 73.00) {
		t.Errorf("EKS control plane $%v/month, want $73.00", eks.MonthlyUSD)
	}
	if len(e.Unpriced) != 0 {
		t.Errorf("unpriced %v", e.Unpriced)
	}
	if e.Stack != "unit" || e.Region != "eu-west-1" || e.Date != table.Date {
		t.Errorf("estimate of %s in %s at %s", e.Stack, e.Region, e.Date)
	}
	if e.Lines[6].Path != "cluster/cluster" {
		t.Errorf("construct path %q, want cluster/cluster", e.Lines[6].Path)
	}

	usage := map[string]bool{}
	for _, u := range e.Usage {
		usage[u.Address] = true
	}
	for _, a := range []string{"aws_lambda_function.fn", "aws_lb.alb", "aws_nat_gateway.nat", "aws_vpc_endpoint.logs"} {
		if !usage[a] {
			t.Errorf("%s is not listed as priced by usage: %+v", a, e.Usage)
		}
	}
	for _, a := range []string{"aws_vpc_endpoint.s3", "aws_appmesh_mesh.mesh", "aws_kms_key.key"} {
		if usage[a] {
			t.Errorf("%s listed as priced by usage", a)
		}
	}
}

func TestEstimateMultiAZDoubles(t *testing.T) {
	table := DefaultPrices()
	doc := func(multi string) string {
		return `{"resource": {"aws_db_instance": {"db": {"engine": "postgres", "instance_class": "db.t4g.medium", "allocated_storage": 20, "storage_type": "gp3", "multi_az": ` + multi + `}}}}`
	}
	single := EstimateCost(parseCostDoc(t, doc("false")), table)
	multi := EstimateCost(parseCostDoc(t, doc("true")), table)
	if len(single.Lines) != 2 || len(multi.Lines) != 2 {
		t.Fatalf("lines %+v / %+v", single.Lines, multi.Lines)
	}
	for i := range single.Lines {
		if multi.Lines[i].Quantity != 2*single.Lines[i].Quantity || !near(multi.Lines[i].MonthlyUSD, 2*single.Lines[i].MonthlyUSD) {
			t.Errorf("Multi-AZ %s: %v ($%v), want twice %v ($%v)", multi.Lines[i].What, multi.Lines[i].Quantity, multi.Lines[i].MonthlyUSD, single.Lines[i].Quantity, single.Lines[i].MonthlyUSD)
		}
	}
	p := mustPrice(t, table, "rds:postgres:db.t4g.medium")
	if got, want := multi.Lines[1].MonthlyUSD, 2*p.USD*table.HoursPerMonth; multi.Lines[1].UnitUSD != p.USD || !near(got, want) {
		t.Errorf("Multi-AZ instance $%v/month, want $%v", got, want)
	}
}

func TestEstimateEndpoints(t *testing.T) {
	table := DefaultPrices()
	e := EstimateCost(parseCostDoc(t, `{"resource": {"aws_vpc_endpoint": {
		"sts": {"vpc_endpoint_type": "Interface", "subnet_ids": ["a", "b", "c"]},
		"s3": {"vpc_endpoint_type": "Gateway", "route_table_ids": ["rt"]},
		"dynamodb": {"service_name": "com.amazonaws.eu-west-1.dynamodb"}
	}}}`), table)
	p := mustPrice(t, table, "vpc-endpoint:interface")
	if len(e.Lines) != 1 || e.Lines[0].Address != "aws_vpc_endpoint.sts" || e.Lines[0].Quantity != 3 {
		t.Fatalf("lines %+v, want one for the interface endpoint in 3 AZs", e.Lines)
	}
	if want := 3 * p.USD * table.HoursPerMonth; !near(e.MonthlyUSD, want) {
		t.Errorf("total $%v, want $%v", e.MonthlyUSD, want)
	}
	if len(e.Usage) != 1 || e.Usage[0].Address != "aws_vpc_endpoint.sts" {
		t.Errorf("usage %+v: gateway endpoints cost nothing by usage either", e.Usage)
	}
	if len(e.Unpriced) != 0 {
		t.Errorf("unpriced %v", e.Unpriced)
	}
}

func TestEstimateUnknownClassIsUnpriced(t *testing.T) {
	e := EstimateCost(parseCostDoc(t, `{"resource": {
		"aws_db_instance": {"big": {"engine": "postgres", "instance_class": "db.x2iedn.32xlarge", "allocated_storage": 100, "storage_type": "gp3"}},
		"aws_launch_template": {"bare": {"name_prefix": "x"}},
		"aws_eks_node_group": {"nodes": {"scaling_config": {"desired_size": 2}, "launch_template": {"id": "${aws_launch_template.bare.id}"}}},
		"aws_msk_cluster": {"kafka": {"number_of_broker_nodes": 3, "broker_node_group_info": {"instance_type": "kafka.m5.4xlarge"}}},
		"aws_nat_gateway": {"nat": {"subnet_id": "s"}}
	}}`), DefaultPrices())
	want := []string{"aws_db_instance.big", "aws_eks_node_group.nodes", "aws_msk_cluster.kafka"}
	if strings.Join(e.Unpriced, " ") != strings.Join(want, " ") {
		t.Errorf("unpriced %v, want %v", e.Unpriced, want)
	}
	for _, l := range e.Lines {
		if l.Address == "aws_db_instance.big" && strings.Contains(l.What, "x2iedn") {
			t.Errorf("an instance class missing from the table was priced: %+v", l)
		}
		if l.Address == "aws_eks_node_group.nodes" || l.Address == "aws_msk_cluster.kafka" {
			t.Errorf("unresolved resource priced: %+v", l)
		}
	}
	// What the table does price is still priced: the storage and the NAT.
	if len(e.Lines) != 2 {
		t.Errorf("lines %+v, want the db storage and the NAT gateway", e.Lines)
	}
}

func TestDiffCost(t *testing.T) {
	table := DefaultPrices()
	base := EstimateCost(parseCostDoc(t, `{"resource": {
		"aws_kms_key": {"old": {}, "kept": {}},
		"aws_eks_node_group": {"nodes": {"instance_types": ["m7i.large"], "scaling_config": {"desired_size": 3}}}
	}}`), table)
	head := EstimateCost(parseCostDoc(t, `{"resource": {
		"aws_kms_key": {"kept": {}},
		"aws_nat_gateway": {"nat": {}},
		"aws_eks_node_group": {"nodes": {"instance_types": ["m7i.large"], "scaling_config": {"desired_size": 5}}}
	}}`), table)
	head.Stack, base.Stack = "unit", "unit"
	d := DiffCost(base, head)
	if d.Stack != "unit" || !near(d.BaseUSD, base.MonthlyUSD) || !near(d.HeadUSD, head.MonthlyUSD) || !near(d.DeltaUSD, head.MonthlyUSD-base.MonthlyUSD) {
		t.Errorf("delta %+v", d)
	}
	if len(d.Added) != 1 || d.Added[0].Address != "aws_nat_gateway.nat" {
		t.Errorf("added %+v", d.Added)
	}
	if len(d.Removed) != 1 || d.Removed[0].Address != "aws_kms_key.old" {
		t.Errorf("removed %+v", d.Removed)
	}
	if len(d.Changed) != 1 || d.Changed[0].Base.Quantity != 3 || d.Changed[0].Head.Quantity != 5 {
		t.Errorf("changed %+v", d.Changed)
	}
	nat, kms, ec2 := mustPrice(t, table, "nat-gateway"), mustPrice(t, table, "kms-key"), mustPrice(t, table, "ec2:m7i.large")
	want := monthly(table, nat, 1) - monthly(table, kms, 1) + monthly(table, ec2, 2)
	if !near(d.DeltaUSD, want) {
		t.Errorf("delta $%v, want $%v", d.DeltaUSD, want)
	}
	if same := DiffCost(head, head); len(same.Added)+len(same.Removed)+len(same.Changed) != 0 || same.DeltaUSD != 0 {
		t.Errorf("an estimate differs from itself: %+v", same)
	}
}

// TestEstimateSnapshots prices every stack of the library: the table must
// cover every fixed-price resource they declare.
func TestEstimateSnapshots(t *testing.T) {
	stacks, err := LoadDir("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(stacks) == 0 {
		t.Fatal("no snapshot stacks")
	}
	table := DefaultPrices()
	names := make([]string, 0, len(stacks))
	for n := range stacks {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := stacks[n]
		e := EstimateCost(s, table)
		if len(e.Unpriced) != 0 {
			t.Errorf("%s: unpriced %v", n, e.Unpriced)
		}
		priced := map[string]bool{}
		for _, l := range e.Lines {
			priced[l.Address] = true
			if l.MonthlyUSD < 0 || math.IsNaN(l.MonthlyUSD) {
				t.Errorf("%s: %s $%v", n, l.Address, l.MonthlyUSD)
			}
		}
		for _, addr := range s.Addresses() {
			r := s.Resources[addr]
			switch r.Type {
			case "aws_eks_cluster", "aws_nat_gateway", "aws_eip", "aws_lb", "aws_msk_cluster", "aws_db_instance",
				"aws_eks_node_group", "aws_ecs_service", "aws_kms_key", "aws_secretsmanager_secret",
				"aws_cloudwatch_metric_alarm", "aws_vpclattice_service", "aws_cloudwatch_composite_alarm",
				"aws_cloudwatch_dashboard", "aws_prometheus_scraper":
				if !priced[addr] {
					t.Errorf("%s: %s has no cost line", n, addr)
				}
			}
		}
		var buf bytes.Buffer
		if err := WriteCostMarkdown(&buf, e); err != nil {
			t.Fatal(err)
		}
		t.Logf("%-40s $%10.2f/month, %d lines, %d usage-priced", n, e.MonthlyUSD, len(e.Lines), len(e.Usage))
	}
}

func TestWriteCostMarkdown(t *testing.T) {
	table := DefaultPrices()
	e := EstimateCost(parseCostDoc(t, costDoc), table)
	var a, b bytes.Buffer
	if err := WriteCostMarkdown(&a, e); err != nil {
		t.Fatal(err)
	}
	if err := WriteCostMarkdown(&b, EstimateCost(parseCostDoc(t, costDoc), table)); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("output is not deterministic:\n%s\n---\n%s", a.String(), b.String())
	}
	out := a.String()
	for _, want := range []string{
		"| **Total** | | | | **" + costUSD(e.MonthlyUSD, false) + "** |",
		"| cluster/cluster (`aws_eks_cluster.cluster`) | EKS control plane, standard support (Kubernetes 1.35) | 1 | $0.10/hour | $73.00 |",
		"- `aws_lambda_function.fn`: requests and GB-seconds",
		table.Date, "eu-west-1", "without free tier, tax or data transfer",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "aws_cloudwatch_metric_alarm.alarm") > strings.Index(out, "aws_vpclattice_service.lattice") {
		t.Errorf("lines are not sorted by address:\n%s", out)
	}
	if got := costUSD(1234567.891, false); got != "$1,234,567.89" {
		t.Errorf("costUSD = %s", got)
	}
	if got := costUSD(0.004445, true); got != "$0.004445" {
		t.Errorf("costUSD unit = %s", got)
	}
}

// TestEstimateResolvesThroughStack follows references: a node group's
// instance type from its launch template, a service's capacity from its
// cluster's default strategy and its task definition by family.
func TestEstimateResolvesThroughStack(t *testing.T) {
	table := DefaultPrices()
	e := EstimateCost(parseCostDoc(t, `{"resource": {
		"aws_launch_template": {"lt": {"instance_type": "m6i.large"}},
		"aws_eks_node_group": {"nodes": {"scaling_config": {"desired_size": 2}, "launch_template": {"name": "${aws_launch_template.lt.name}"}}},
		"aws_ecs_cluster": {"ecs": {"name": "c"}},
		"aws_ecs_cluster_capacity_providers": {"cp": {"cluster_name": "${aws_ecs_cluster.ecs.name}", "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 1}]}},
		"aws_ecs_task_definition": {"td": {"family": "api", "cpu": "1024", "memory": "2048"}},
		"aws_ecs_service": {
			"api": {"cluster": "${aws_ecs_cluster.ecs.arn}", "desired_count": 3, "task_definition": "api:7"},
			"ec2": {"cluster": "${aws_ecs_cluster.ecs.arn}", "launch_type": "EC2", "desired_count": 3, "task_definition": "api"},
			"elsewhere": {"cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/other", "desired_count": 1, "task_definition": "api"}
		}
	}}`), table)
	got := map[string]float64{}
	for _, l := range e.Lines {
		got[l.Address+" "+l.What] = l.Quantity
	}
	want := map[string]float64{
		"aws_eks_node_group.nodes EC2 m6i.large nodes, on-demand": 2,
		"aws_ecs_service.api Fargate Linux/x86 vCPU":              3,
		"aws_ecs_service.api Fargate Linux/x86 memory, GB":        6,
	}
	if len(got) != len(want) {
		t.Errorf("lines %v, want %v", got, want)
	}
	for k, q := range want {
		if got[k] != q {
			t.Errorf("%s: quantity %v, want %v (lines %v)", k, got[k], q, got)
		}
	}
	if strings.Join(e.Unpriced, " ") != "aws_ecs_service.elsewhere" {
		t.Errorf("unpriced %v, want the service of a cluster outside the stack", e.Unpriced)
	}
}
