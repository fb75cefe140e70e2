package review

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// The fixed monthly cost of a stack: what its resources cost by the hour or
// by the month whether or not anything uses them (control planes, NAT
// gateways, load balancers, endpoints, brokers, databases, nodes, Fargate
// services, keys, secrets, alarms, dashboards, managed Prometheus
// collectors), from a small dated price table kept in the repository.
// Resources billed only by what they process or store (Lambda, S3, SQS,
// logs, Prometheus workspaces, Grafana users, X-Ray traces...) are listed
// with what drives their cost, not priced. A resource whose price is
// missing from the table (an instance class the table does not hold) is
// reported as unpriced, never guessed.

//go:embed prices.json
var pricesJSON []byte

// PriceTable is a dated set of list prices for one Region.
type PriceTable struct {
	// Date is when the prices were recorded, YYYY-MM-DD; a price added
	// later says when in its note.
	Date     string `json:"date"`
	Region   string `json:"region"`
	Currency string `json:"currency"`
	// HoursPerMonth turns hourly prices into monthly ones (730 = 8,760/12).
	HoursPerMonth float64 `json:"hours_per_month"`
	// Basis says what the prices are (on-demand, what they leave out).
	Basis       string      `json:"basis,omitempty"`
	Prices      []Price     `json:"prices"`
	UsagePriced []UsageType `json:"usage_priced"`
}

// Price is one list price.
type Price struct {
	// Key names what is priced: "eks-cluster", "nat-gateway",
	// "rds:postgres:db.t4g.medium", "ec2:m7i.large", "fargate:arm64:vcpu".
	Key  string `json:"key"`
	What string `json:"what"`
	// Unit is "hour" or "month" (per unit of the line's quantity: per
	// endpoint-AZ, per GB, per vCPU...).
	Unit string  `json:"unit"`
	USD  float64 `json:"usd"`
	// Source is the pricing page.
	Source string `json:"source"`
	// Verified is true when the figure was confirmed from a stored copy of
	// a pricing page, price-list extract or bill; false for a best-known
	// list price that was not confirmed.
	Verified bool `json:"verified"`
	// Note says what confirmed it, or why it could not be.
	Note string `json:"note,omitempty"`
}

// UsageType is a resource type billed only (or also) by usage.
type UsageType struct {
	Type string `json:"type"`
	// When, if set, limits the entry to the resources whose attributes
	// have these values: a dotted path through nested blocks
	// ("tracing_config.mode") to the value it must equal ("Active"). A
	// resource gets a usage line for every entry that matches it.
	When map[string]string `json:"when,omitempty"`
	// Basis is what it is billed on, such as "requests and GB-seconds".
	Basis  string `json:"basis"`
	Source string `json:"source"`
}

// DefaultPrices is the price table embedded from prices.json.
func DefaultPrices() PriceTable {
	var t PriceTable
	if err := json.Unmarshal(pricesJSON, &t); err != nil {
		panic("review: prices.json: " + err.Error())
	}
	return t
}

// Lookup returns the price of a key.
func (t PriceTable) Lookup(key string) (Price, bool) {
	for _, p := range t.Prices {
		if p.Key == key {
			return p, true
		}
	}
	return Price{}, false
}

// usage returns the usage entries that match a resource, in table order.
func (t PriceTable) usage(r *Resource) []UsageType {
	var out []UsageType
	for _, u := range t.UsagePriced {
		if u.Type == r.Type && u.matches(r.Attrs) {
			out = append(out, u)
		}
	}
	return out
}

// matches reports whether attributes have every value When asks for.
func (u UsageType) matches(a map[string]any) bool {
	for path, want := range u.When {
		if costAttr(a, path) != want {
			return false
		}
	}
	return true
}

// CostLine is one priced item of a resource. A resource can have several
// (an RDS instance and its storage).
type CostLine struct {
	Address string `json:"address"`
	// Path is the construct path without the stack name; empty when the
	// document carries none.
	Path string `json:"path"`
	Type string `json:"type"`
	What string `json:"what"`
	// Quantity is how many units the price applies to: instances,
	// endpoint-AZs, GB, vCPUs.
	Quantity float64 `json:"quantity"`
	// Unit is the price's unit, "hour" or "month".
	Unit    string  `json:"unit"`
	UnitUSD float64 `json:"unit_usd"`
	// MonthlyUSD is Quantity x UnitUSD, times the table's hours per month
	// for hourly prices.
	MonthlyUSD float64 `json:"monthly_usd"`
	Source     string  `json:"source"`
	// Verified is the price's Verified.
	Verified bool `json:"verified"`
}

// UsageLine is a resource billed by usage, listed without a figure.
type UsageLine struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	Basis   string `json:"basis"`
	// Path is the construct path without the stack name, or empty.
	Path string `json:"path"`
}

// Estimate is the fixed monthly cost of one stack.
type Estimate struct {
	Stack  string
	Region string
	// Date is the price table's date.
	Date string
	// Lines are sorted by address, then what.
	Lines      []CostLine
	MonthlyUSD float64
	// Usage lists the resources priced by usage, sorted by address; a
	// resource billed by usage in two ways (a traced function) has a line
	// for each.
	Usage []UsageLine
	// Unpriced are the addresses of fixed-price resources whose price is
	// missing from the table or whose size could not be resolved, sorted.
	Unpriced []string
}

// EstimateCost prices the stack's resources from the table.
func EstimateCost(s *Stack, t PriceTable) Estimate {
	e := Estimate{Stack: s.Name, Region: t.Region, Date: t.Date}
	c := &coster{s: s, t: t, e: &e, unpriced: map[string]bool{}}
	for _, addr := range s.Addresses() {
		r := s.Resources[addr]
		c.resource(r)
		if !c.usageApplies(r) {
			continue
		}
		for _, u := range t.usage(r) {
			e.Usage = append(e.Usage, UsageLine{Address: addr, Type: r.Type, Basis: u.Basis, Path: costPath(r)})
		}
	}
	sort.SliceStable(e.Lines, func(i, j int) bool {
		if e.Lines[i].Address != e.Lines[j].Address {
			return e.Lines[i].Address < e.Lines[j].Address
		}
		return e.Lines[i].What < e.Lines[j].What
	})
	for _, l := range e.Lines {
		e.MonthlyUSD += l.MonthlyUSD
	}
	for a := range c.unpriced {
		e.Unpriced = append(e.Unpriced, a)
	}
	sort.Strings(e.Unpriced)
	return e
}

type coster struct {
	s        *Stack
	t        PriceTable
	e        *Estimate
	unpriced map[string]bool
}

// add prices quantity units of key for the resource; a missing key makes
// the resource unpriced. what overrides the price's description when set.
func (c *coster) add(r *Resource, key, what string, quantity float64) {
	p, ok := c.t.Lookup(key)
	if !ok {
		c.unpriced[r.Address()] = true
		return
	}
	if what == "" {
		what = p.What
	}
	monthly := quantity * p.USD
	if p.Unit == "hour" {
		monthly *= c.t.HoursPerMonth
	}
	c.e.Lines = append(c.e.Lines, CostLine{
		Address: r.Address(), Path: costPath(r), Type: r.Type, What: what,
		Quantity: quantity, Unit: p.Unit, UnitUSD: p.USD, MonthlyUSD: monthly,
		Source: p.Source, Verified: p.Verified,
	})
}

func (c *coster) unresolved(r *Resource) { c.unpriced[r.Address()] = true }

// usageApplies leaves out the usage line of resources that cost nothing by
// usage either (gateway VPC endpoints).
func (c *coster) usageApplies(r *Resource) bool {
	if r.Type == "aws_vpc_endpoint" {
		return strings.EqualFold(costStr(r.Attrs, "vpc_endpoint_type", "Gateway"), "Interface")
	}
	return true
}

func (c *coster) resource(r *Resource) {
	a := r.Attrs
	switch r.Type {
	case "aws_eks_cluster":
		c.eksCluster(r)
	case "aws_nat_gateway":
		c.add(r, "nat-gateway", "", 1)
	case "aws_eip":
		c.add(r, "public-ipv4", "", 1)
	case "aws_lb":
		c.add(r, "lb:"+strings.ToLower(costStr(a, "load_balancer_type", "application")), "", 1)
	case "aws_vpc_endpoint":
		typ := strings.ToLower(costStr(a, "vpc_endpoint_type", "Gateway"))
		if typ == "gateway" {
			return // gateway endpoints (S3, DynamoDB) are free
		}
		subnets, ok := a["subnet_ids"].([]any)
		if !ok || len(subnets) == 0 {
			c.unresolved(r) // the number of AZs is not known
			return
		}
		c.add(r, "vpc-endpoint:"+typ, "", float64(len(subnets)))
	case "aws_msk_cluster":
		c.mskCluster(r)
	case "aws_db_instance":
		c.dbInstance(r)
	case "aws_eks_node_group":
		c.nodeGroup(r)
	case "aws_ecs_service":
		c.ecsService(r)
	case "aws_kms_key", "aws_kms_replica_key":
		c.add(r, "kms-key", "", 1)
	case "aws_secretsmanager_secret":
		replicas, _ := a["replica"].([]any)
		c.add(r, "secretsmanager-secret", "", float64(1+len(replicas)))
	case "aws_cloudwatch_metric_alarm":
		c.alarm(r)
	case "aws_cloudwatch_composite_alarm":
		c.add(r, "cloudwatch-alarm:composite", "", 1)
	case "aws_cloudwatch_dashboard":
		c.add(r, "cloudwatch-dashboard", "", 1)
	case "aws_prometheus_scraper":
		c.add(r, "prometheus-collector", "", 1)
	case "aws_vpclattice_service":
		c.add(r, "vpc-lattice-service", "", 1)
	case "aws_dynamodb_table":
		if costStr(a, "billing_mode", "PROVISIONED") != "PAY_PER_REQUEST" {
			rcu, _ := costNum(a, "read_capacity")
			wcu, _ := costNum(a, "write_capacity")
			c.add(r, "dynamodb:read-capacity-unit", "", rcu)
			c.add(r, "dynamodb:write-capacity-unit", "", wcu)
		}
	}
	// App Mesh, IAM, security groups, subnets, route tables, VPC Lattice
	// networks and associations, API Gateway VPC links, ECS clusters and
	// task definitions, SNS topic policies, EKS access entries, Prometheus
	// alert manager definitions, X-Ray groups and sampling rules cost
	// nothing by themselves. Prometheus workspaces and rule groups, Grafana
	// workspaces and the CloudWatch observability add-on cost by usage only
	// (the usage_priced entries of the table).
}

// eksCluster prices the control plane. A cluster whose upgrade policy is
// STANDARD is upgraded at the end of standard support and never billed for
// extended support; for others the price table carries no support
// calendar, so standard support is priced and the line says so.
func (c *coster) eksCluster(r *Resource) {
	version := costStr(r.Attrs, "version", "")
	support := strings.ToUpper(costStr(costBlock(r.Attrs, "upgrade_policy"), "support_type", "EXTENDED"))
	what := "EKS control plane, standard support"
	if version != "" {
		what += " (Kubernetes " + version + ")"
	}
	if support != "STANDARD" {
		what += "; extended support is billed instead once the version leaves standard support"
	}
	c.add(r, "eks-cluster", what, 1)
}

func (c *coster) mskCluster(r *Resource) {
	brokers, ok := costNum(r.Attrs, "number_of_broker_nodes")
	info := costBlock(r.Attrs, "broker_node_group_info")
	instance := costStr(info, "instance_type", "")
	if !ok || instance == "" {
		c.unresolved(r)
		return
	}
	c.add(r, "msk:"+instance, "MSK brokers "+instance, brokers)
	ebs := costBlock(costBlock(info, "storage_info"), "ebs_storage_info")
	if size, ok := costNum(ebs, "volume_size"); ok {
		c.add(r, "msk:storage", "MSK broker storage (GB-month, all brokers)", size*brokers)
	}
}

func (c *coster) dbInstance(r *Resource) {
	a := r.Attrs
	class := costStr(a, "instance_class", "")
	engine := costStr(a, "engine", "")
	if class == "" || engine == "" {
		c.unresolved(r)
		return
	}
	copies, deployment := 1.0, "Single-AZ"
	if multi, _ := a["multi_az"].(bool); multi {
		copies, deployment = 2, "Multi-AZ" // a primary and a standby
	}
	c.add(r, "rds:"+engine+":"+class, "RDS "+engine+" "+class+", "+deployment+" instances", copies)
	if size, ok := costNum(a, "allocated_storage"); ok {
		storage := costStr(a, "storage_type", "")
		if storage == "" {
			storage = "gp2"
			if _, ok := costNum(a, "iops"); ok {
				storage = "io1"
			}
		}
		c.add(r, "rds-storage:"+storage, "RDS "+storage+" storage, "+deployment+" (GB-month)", size*copies)
	}
}

// nodeGroup prices desired_size instances of the node group's instance
// type: the first of instance_types (on-demand capacity is allocated in
// that order of priority) or the launch template's, and the root volumes
// the launch template declares.
func (c *coster) nodeGroup(r *Resource) {
	a := r.Attrs
	desired, ok := costNum(costBlock(a, "scaling_config"), "desired_size")
	if !ok {
		c.unresolved(r)
		return
	}
	if strings.HasPrefix(strings.ToUpper(costStr(a, "ami_type", "")), "WINDOWS") {
		c.unresolved(r) // the table holds Linux prices only
		return
	}
	lt := c.launchTemplate(a)
	instance := ""
	if types, ok := a["instance_types"].([]any); ok && len(types) > 0 {
		instance, _ = types[0].(string)
	}
	if instance == "" && lt != nil {
		instance = costStr(lt.Attrs, "instance_type", "")
	}
	if instance == "" || strings.Contains(instance, "${") {
		c.unresolved(r)
		return
	}
	what := "EC2 " + instance + " nodes, on-demand"
	if strings.EqualFold(costStr(a, "capacity_type", "ON_DEMAND"), "SPOT") {
		what = "EC2 " + instance + " nodes, Spot (priced on-demand: an upper bound)"
	}
	c.add(r, "ec2:"+instance, what, desired)
	if lt == nil {
		return
	}
	mappings, _ := lt.Attrs["block_device_mappings"].([]any)
	for _, m := range mappings {
		mm, _ := m.(map[string]any)
		ebs := costBlock(mm, "ebs")
		size, ok := costNum(ebs, "volume_size")
		if !ok {
			continue
		}
		volume := costStr(ebs, "volume_type", "")
		if volume == "" {
			c.unresolved(r) // the volume type comes from the AMI
			continue
		}
		c.add(r, "ebs:"+volume, fmt.Sprintf("EBS %s node volumes %s (GB-month, all nodes)", volume, costStr(mm, "device_name", "")), size*desired)
	}
}

// launchTemplate resolves a node group's launch_template { id | name }
// reference through the stack.
func (c *coster) launchTemplate(a map[string]any) *Resource {
	ref := costBlock(a, "launch_template")
	for _, k := range []string{"id", "name"} {
		for _, rf := range blockRefs(costStr(ref, k, "")) {
			if lt, ok := c.s.Lookup(rf.Address); ok && lt.Type == "aws_launch_template" {
				return lt
			}
		}
	}
	return nil
}

// ecsService prices desired_count tasks of a Fargate service at the task
// definition's vCPU and memory.
func (c *coster) ecsService(r *Resource) {
	a := r.Attrs
	fargate, spot, ok := c.fargateCapacity(a)
	if !ok {
		c.unresolved(r)
		return
	}
	if !fargate {
		return // EC2 capacity: the instances are priced where they are declared
	}
	desired, _ := costNum(a, "desired_count") // Terraform's default is 0
	td := c.taskDefinition(costStr(a, "task_definition", ""))
	if td == nil {
		c.unresolved(r)
		return
	}
	vcpu, okc := fargateCPU(td.Attrs["cpu"])
	gb, okm := fargateMemory(td.Attrs["memory"])
	platform := costBlock(td.Attrs, "runtime_platform")
	if !okc || !okm || strings.HasPrefix(strings.ToUpper(costStr(platform, "operating_system_family", "LINUX")), "WINDOWS") {
		c.unresolved(r)
		return
	}
	arch, label := "x86", "Linux/x86"
	if strings.EqualFold(costStr(platform, "cpu_architecture", "X86_64"), "ARM64") {
		arch, label = "arm64", "Linux/ARM"
	}
	suffix := ""
	if spot {
		suffix = " (Fargate Spot share priced on-demand: an upper bound)"
	}
	c.add(r, "fargate:"+arch+":vcpu", "Fargate "+label+" vCPU"+suffix, desired*vcpu)
	c.add(r, "fargate:"+arch+":gb", "Fargate "+label+" memory, GB"+suffix, desired*gb)
}

// fargateCapacity tells whether a service runs on Fargate, from its launch
// type, its capacity provider strategy, or the default strategy of its
// cluster; ok is false when that cannot be told (a cluster outside the
// stack).
func (c *coster) fargateCapacity(a map[string]any) (fargate, spot, ok bool) {
	if lt := costStr(a, "launch_type", ""); lt != "" {
		return lt == "FARGATE", false, true
	}
	strategy, _ := a["capacity_provider_strategy"].([]any)
	if len(strategy) == 0 {
		if strategy, ok = c.clusterStrategy(costStr(a, "cluster", "")); !ok {
			return false, false, false
		}
	}
	for _, s := range strategy {
		m, _ := s.(map[string]any)
		weight, hasWeight := costNum(m, "weight")
		base, _ := costNum(m, "base")
		if hasWeight && weight == 0 && base == 0 {
			continue
		}
		switch costStr(m, "capacity_provider", "") {
		case "FARGATE":
			fargate = true
		case "FARGATE_SPOT":
			fargate, spot = true, true
		default:
			return false, false, true // an EC2 capacity provider
		}
	}
	// No strategy at all means the EC2 launch type.
	return fargate, spot, true
}

// clusterStrategy finds the default capacity provider strategy of the
// cluster a service references; ok is false when the cluster is not one of
// the stack's.
func (c *coster) clusterStrategy(cluster string) (strategy []any, ok bool) {
	var clusterAddr string
	for _, rf := range blockRefs(cluster) {
		if r, found := c.s.Lookup(rf.Address); found && r.Type == "aws_ecs_cluster" {
			clusterAddr = rf.Address
			break
		}
	}
	if clusterAddr == "" {
		return nil, false
	}
	for _, addr := range c.s.Addresses() {
		r := c.s.Resources[addr]
		if r.Type != "aws_ecs_cluster_capacity_providers" {
			continue
		}
		for _, rf := range blockRefs(costStr(r.Attrs, "cluster_name", "")) {
			if rf.Address == clusterAddr {
				strategy, _ = r.Attrs["default_capacity_provider_strategy"].([]any)
				return strategy, true
			}
		}
	}
	return nil, true
}

// taskDefinition resolves a service's task_definition: a reference to an
// aws_ecs_task_definition of the stack, or a family[:revision] one of them
// declares.
func (c *coster) taskDefinition(v string) *Resource {
	for _, rf := range blockRefs(v) {
		if td, ok := c.s.Lookup(rf.Address); ok && td.Type == "aws_ecs_task_definition" {
			return td
		}
	}
	if v == "" || strings.Contains(v, "${") {
		return nil
	}
	family := v
	if i := strings.LastIndex(v, "/"); i >= 0 { // an ARN
		family = v[i+1:]
	}
	if i := strings.IndexByte(family, ':'); i >= 0 {
		family = family[:i]
	}
	for _, addr := range c.s.Addresses() {
		r := c.s.Resources[addr]
		if r.Type == "aws_ecs_task_definition" && costStr(r.Attrs, "family", "") == family {
			return r
		}
	}
	return nil
}

// alarm prices one alarm metric per metric the alarm watches (metric math
// alarms are billed per metric in the query), high resolution when the
// period is under a minute, three metrics per anomaly detection band. The
// statistic does not change the price: a percentile alarm
// (extended_statistic "p99") costs what an Average one does.
func (c *coster) alarm(r *Resource) {
	a := r.Attrs
	metrics, highRes, anomaly := 0.0, false, false
	if period, ok := costNum(a, "period"); ok && period < 60 {
		highRes = true
	}
	queries, _ := a["metric_query"].([]any)
	for _, q := range queries {
		qm, _ := q.(map[string]any)
		if m := costBlock(qm, "metric"); m != nil {
			metrics++
			if period, ok := costNum(m, "period"); ok && period < 60 {
				highRes = true
			}
		}
		if strings.Contains(costStr(qm, "expression", ""), "ANOMALY_DETECTION_BAND") {
			anomaly = true
		}
	}
	if metrics == 0 {
		metrics = 1
	}
	if anomaly {
		metrics *= 3
	}
	if highRes {
		c.add(r, "cloudwatch-alarm:high-resolution", "", metrics)
		return
	}
	c.add(r, "cloudwatch-alarm:standard", "", metrics)
}

// fargateCPU reads a task definition's cpu: CPU units ("512") or "0.5 vCPU".
func fargateCPU(v any) (float64, bool) {
	s := strings.ToLower(strings.TrimSpace(fmt.Sprint(v)))
	if strings.HasSuffix(s, "vcpu") {
		n, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "vcpu")), 64)
		return n, err == nil && n > 0
	}
	n, err := strconv.ParseFloat(s, 64)
	return n / 1024, err == nil && n > 0
}

// fargateMemory reads a task definition's memory: MiB ("1024") or "1 GB".
func fargateMemory(v any) (float64, bool) {
	s := strings.ToLower(strings.TrimSpace(fmt.Sprint(v)))
	if strings.HasSuffix(s, "gb") {
		n, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "gb")), 64)
		return n, err == nil && n > 0
	}
	n, err := strconv.ParseFloat(s, 64)
	return n / 1024, err == nil && n > 0
}

// costBlock returns a nested block, written as an object or as a list of
// one object.
func costBlock(a map[string]any, name string) map[string]any { return tfjson.Single(a[name]) }

// costStr returns a string attribute, or def when unset.
func costStr(a map[string]any, name, def string) string {
	if s, ok := a[name].(string); ok && s != "" {
		return s
	}
	return def
}

// costAttr returns the value at a dotted path through nested blocks as a
// string ("" when unset), so "tracing_config.mode" reads
// {"tracing_config": {"mode": "Active"}} or the same block in a list.
func costAttr(a map[string]any, path string) string {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		a = costBlock(a, p)
	}
	switch v := a[parts[len(parts)-1]].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// costNum returns a numeric attribute, written as a number or a numeric
// string.
func costNum(a map[string]any, name string) (float64, bool) {
	switch v := a[name].(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case string:
		n, err := strconv.ParseFloat(v, 64)
		return n, err == nil
	}
	return 0, false
}

func costPath(r *Resource) string {
	if r.Path == "" {
		return ""
	}
	return r.ConstructPath()
}

// WriteCostMarkdown writes the estimate as a Markdown table, the resources
// priced by usage, the unpriced ones, and what the prices are.
func WriteCostMarkdown(w io.Writer, e Estimate) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Fixed monthly cost: %s\n\n", e.Stack)
	if len(e.Lines) == 0 {
		b.WriteString("No resource with a fixed price.\n\n")
	} else {
		b.WriteString("| Resource | What | Quantity | Unit price | $/month |\n| --- | --- | ---: | ---: | ---: |\n")
		unverified := false
		for _, l := range e.Lines {
			mark := ""
			if !l.Verified {
				mark, unverified = "*", true
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s/%s%s | %s |\n",
				costResource(l.Path, l.Address), costCell(l.What), costQuantity(l.Quantity),
				costUSD(l.UnitUSD, true), l.Unit, mark, costUSD(l.MonthlyUSD, false))
		}
		fmt.Fprintf(&b, "| **Total** | | | | **%s** |\n\n", costUSD(e.MonthlyUSD, false))
		if unverified {
			b.WriteString("\\* list price not confirmed from a stored pricing page when the table was recorded.\n\n")
		}
	}
	if len(e.Unpriced) > 0 {
		b.WriteString("Not priced (the price table has no price for them, or their size could not be resolved), so not in the total:\n\n")
		for _, a := range e.Unpriced {
			fmt.Fprintf(&b, "- `%s`\n", a)
		}
		b.WriteString("\n")
	}
	if len(e.Usage) > 0 {
		b.WriteString("Priced by usage, not in the total:\n\n")
		for _, u := range e.Usage {
			fmt.Fprintf(&b, "- %s: %s\n", costResource(u.Path, u.Address), u.Basis)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Prices: %s on-demand list prices in USD from the price table of %s; without free tier, tax or data transfer.\n", e.Region, e.Date)
	_, err := io.WriteString(w, b.String())
	return err
}

func costResource(path, addr string) string {
	if path == "" {
		return "`" + addr + "`"
	}
	return costCell(path) + " (`" + addr + "`)"
}

func costCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func costQuantity(q float64) string { return strconv.FormatFloat(q, 'f', -1, 64) }

// costUSD formats dollars with thousands separators: two decimals, or as
// many as the price has (up to six) for unit prices.
func costUSD(v float64, unit bool) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	if unit {
		s = strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
		if i := strings.IndexByte(s, '.'); i < 0 {
			s += ".00"
		} else if len(s)-i-1 < 2 {
			s += strings.Repeat("0", 2-(len(s)-i-1))
		}
	}
	whole, frac, _ := strings.Cut(s, ".")
	var g []string
	for len(whole) > 3 {
		g = append([]string{whole[len(whole)-3:]}, g...)
		whole = whole[:len(whole)-3]
	}
	g = append([]string{whole}, g...)
	sign := ""
	if v < 0 && s != "0.00" {
		sign = "-"
	}
	return sign + "$" + strings.Join(g, ",") + "." + frac
}

// CostDelta is what a change does to a stack's fixed monthly cost.
type CostDelta struct {
	Stack    string  `json:"stack"`
	BaseUSD  float64 `json:"base_usd"`
	HeadUSD  float64 `json:"head_usd"`
	DeltaUSD float64 `json:"delta_usd"`
	// Added and Removed are lines present on one side only, by address and
	// what.
	Added   []CostLine `json:"added"`
	Removed []CostLine `json:"removed"`
	// Changed are lines on both sides whose quantity or price changed.
	Changed []CostLineChange `json:"changed"`
	// Unpriced are head resources with a fixed price the table lacks: the
	// delta leaves them out, so it is not the whole change.
	Unpriced []string `json:"unpriced"`
	// AddedUsage and RemovedUsage are usage-priced lines present on one
	// side only, by address and basis: the change also costs (or saves)
	// what they are used for, which no fixed price tells.
	AddedUsage   []UsageLine `json:"added_usage"`
	RemovedUsage []UsageLine `json:"removed_usage"`
}

// MarshalJSON encodes the delta with every list as an array, [] when
// empty, never null.
func (d CostDelta) MarshalJSON() ([]byte, error) {
	type plain CostDelta
	x := plain(d)
	x.Added, x.Removed = nonNil(x.Added), nonNil(x.Removed)
	x.Changed, x.Unpriced = nonNil(x.Changed), nonNil(x.Unpriced)
	x.AddedUsage, x.RemovedUsage = nonNil(x.AddedUsage), nonNil(x.RemovedUsage)
	return json.Marshal(x)
}

// nonNil returns s, or an empty slice for nil: JSON [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CostLineChange is one line before and after.
type CostLineChange struct {
	Base CostLine `json:"base"`
	Head CostLine `json:"head"`
}

// DiffCost compares two estimates of a stack.
func DiffCost(base, head Estimate) CostDelta {
	d := CostDelta{Stack: head.Stack, BaseUSD: base.MonthlyUSD, HeadUSD: head.MonthlyUSD}
	if d.Stack == "" {
		d.Stack = base.Stack
	}
	d.DeltaUSD = head.MonthlyUSD - base.MonthlyUSD
	d.Unpriced = head.Unpriced
	key := func(l CostLine) string { return l.Address + "\x00" + l.What }
	before := map[string]CostLine{}
	for _, l := range base.Lines {
		before[key(l)] = l
	}
	after := map[string]bool{}
	for _, l := range head.Lines {
		after[key(l)] = true
		b, ok := before[key(l)]
		switch {
		case !ok:
			d.Added = append(d.Added, l)
		case b.Quantity != l.Quantity || b.UnitUSD != l.UnitUSD || b.Unit != l.Unit || b.MonthlyUSD != l.MonthlyUSD:
			d.Changed = append(d.Changed, CostLineChange{Base: b, Head: l})
		}
	}
	for _, l := range base.Lines {
		if !after[key(l)] {
			d.Removed = append(d.Removed, l)
		}
	}
	d.AddedUsage, d.RemovedUsage = diffUsage(base.Usage, head.Usage)
	return d
}

// diffUsage returns the usage lines of head that base lacks and those of
// base that head lacks, by address and basis. A line that only moved to
// another address (a renamed or moved resource: the same type and basis
// left on one side and arrived on the other) is in neither: what it costs
// did not change.
func diffUsage(base, head []UsageLine) (added, removed []UsageLine) {
	key := func(u UsageLine) string { return u.Address + "\x00" + u.Basis }
	had, has := map[string]bool{}, map[string]bool{}
	for _, u := range base {
		had[key(u)] = true
	}
	for _, u := range head {
		has[key(u)] = true
	}
	left := map[string]int{} // type and basis of the lines head lost
	for _, u := range base {
		if !has[key(u)] {
			removed = append(removed, u)
			left[u.Type+"\x00"+u.Basis]++
		}
	}
	arrived := map[string]int{}
	for _, u := range head {
		if had[key(u)] {
			continue
		}
		if k := u.Type + "\x00" + u.Basis; left[k] > 0 {
			left[k]--
			arrived[k]++
			continue
		}
		added = append(added, u)
	}
	kept := removed[:0]
	for _, u := range removed {
		if k := u.Type + "\x00" + u.Basis; arrived[k] > 0 {
			arrived[k]--
			continue
		}
		kept = append(kept, u)
	}
	if len(kept) == 0 {
		kept = nil
	}
	return added, kept
}
