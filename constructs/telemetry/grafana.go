package telemetry

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/grafanaworkspace"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// grafanaDataSources are the data sources a Grafana workspace is given
// permissions for.
var grafanaDataSources = []string{"PROMETHEUS", "CLOUDWATCH", "XRAY"}

// GrafanaDataSources returns the data sources a Grafana workspace is
// given permissions for (a new slice on every call).
func GrafanaDataSources() []string { return append([]string(nil), grafanaDataSources...) }

// GrafanaProps configures NewGrafana.
type GrafanaProps struct {
	// Name is the workspace's name: 1-255 letters, digits and -._~.
	// Default: - from the construct's path in its stack
	Name string
	// Metrics are the Prometheus workspaces Grafana queries (aps:QueryMetrics,
	// GetSeries, GetLabels and GetMetricMetadata on each, and their keys
	// through the service). At least one.
	Metrics []*Metrics
	// LogGroupARNs are the log groups Grafana may run CloudWatch Logs
	// Insights queries on (logs:StartQuery), such as arn:aws:logs:<region>:<account>:log-group:/hybridstack/*.
	// Default: - none: the CloudWatch data source reads metrics and alarms only
	LogGroupARNs []string
	// VPC puts the workspace's network interfaces in the VPC's private
	// subnets, behind a security group of its own that sends HTTPS out
	// (AWS APIs through the VPC's endpoints or NAT): for data sources
	// reachable only inside the VPC.
	// Default: - not in a VPC
	VPC *network.VPC
	// GrafanaVersion is the Grafana version, such as "10.4".
	// Default: - the version Amazon Managed Grafana picks
	GrafanaVersion string
	// Tags are added to every resource the construct makes.
	// Default: - none
	Tags map[string]string
}

// Grafana is an Amazon Managed Grafana workspace with its own
// least-privilege role.
type Grafana struct {
	constructs.Construct
	workspace grafanaworkspace.GrafanaWorkspace
	role      iamrole.IamRole
}

var (
	grafanaNameRe    = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,255}$`)
	grafanaNameChars = regexp.MustCompile(`[^A-Za-z0-9._~-]+`)
	grafanaVersionRe = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
)

// NewGrafana creates an Amazon Managed Grafana workspace (aws_grafana_workspace
// "workspace") for the current account, signing users in through AWS IAM
// Identity Center (which the account, or its organization, must have
// enabled; assign users and groups to the workspace there, or with
// aws_grafana_role_association), with the PROMETHEUS, CLOUDWATCH and XRAY
// data sources and a role of its own ("role", permission type
// CUSTOMER_MANAGED) that may only:
//
//   - query the given Prometheus workspaces (and list workspaces, for the
//     data source's picker), decrypting through Amazon Managed Service for
//     Prometheus with their keys;
//   - read CloudWatch metrics and alarms, and run Logs Insights queries on
//     LogGroupARNs only;
//   - read X-Ray traces, service graphs and insights.
//
// It is opt-in: the reference stacks do not create one. Nothing is created
// when props are invalid: it returns every problem at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewGrafana(scope constructs.Construct, id string, props GrafanaProps) (*Grafana, error) {
	r := validation.ForConstruct("telemetry", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	name := props.Name
	if name == "" && r.Len() == 0 {
		name = names.Fit(grafanaNameChars.ReplaceAllString(names.FromPath(r.StackPath(scope)), "-"), 255)
	}
	if name != "" && !validation.IsToken(name) && !grafanaNameRe.MatchString(name) {
		r.Addf("Name", "%q is not a Grafana workspace name (1-255 letters, digits and -._~)", name)
	}
	if len(props.Metrics) == 0 {
		r.Addf("Metrics", "is empty; give the *telemetry.Metrics whose Prometheus workspaces Grafana reads")
	}
	for i, m := range props.Metrics {
		if m == nil {
			r.Addf(fmt.Sprintf("Metrics[%d]", i), "is nil")
		}
	}
	for i, a := range props.LogGroupARNs {
		if !validation.IsToken(a) && !logGroupARNRe.MatchString(a) {
			r.Addf(fmt.Sprintf("LogGroupARNs[%d]", i), "%q is not a log group ARN (arn:<partition>:logs:<region>:<account>:log-group:<name>, '*' allowed in the name)", a)
		}
	}
	if props.GrafanaVersion != "" && !grafanaVersionRe.MatchString(props.GrafanaVersion) {
		r.Addf("GrafanaVersion", "%q is not a Grafana version such as \"10.4\"", props.GrafanaVersion)
	}
	for _, k := range ptr.SortedKeys(props.Tags) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			r.Addf("Tags", "key %q uses the reserved aws: prefix", k)
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	g := &Grafana{}
	constructs.NewConstruct_Override(g, scope, &id)
	tags := ptr.Map(ptr.Merge(props.Tags, map[string]string{"Name": name}))

	trust := r.Doc(iamdoc.ServiceTrust([]string{"grafana.amazonaws.com"}, []string{"sts:AssumeRole"}, map[string]map[string]any{
		"StringEquals": {"aws:SourceAccount": env.Account},
		"ArnLike":      {"aws:SourceArn": "arn:" + env.Partition + ":grafana:" + env.Region + ":" + env.Account + ":/workspaces/*"},
	}))
	g.role = iamrole.NewIamRole(g, ptr.String("role"), &iamrole.IamRoleConfig{
		NamePrefix:       ptr.String(names.Prefix("grafana-"+name, 38)),
		Description:      ptr.String("Data sources of Grafana workspace " + name + ": read-only"),
		AssumeRolePolicy: ptr.String(trust),
		Tags:             tags,
	})
	iamrolepolicy.NewIamRolePolicy(g, ptr.String("role-policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name:   ptr.String("read-data-sources"),
		Role:   g.role.Id(),
		Policy: ptr.String(r.Doc(iamdoc.Document(grafanaStatements(env, props)...))),
	})
	cfg := &grafanaworkspace.GrafanaWorkspaceConfig{
		Name:                    ptr.String(name),
		Description:             ptr.String("Dashboards over Prometheus, CloudWatch and X-Ray"),
		AccountAccessType:       ptr.String("CURRENT_ACCOUNT"),
		AuthenticationProviders: ptr.Strings([]string{"AWS_SSO"}),
		PermissionType:          ptr.String("CUSTOMER_MANAGED"),
		RoleArn:                 g.role.Arn(),
		DataSources:             ptr.Strings(grafanaDataSources),
		GrafanaVersion:          ptr.Optional(props.GrafanaVersion),
		Tags:                    tags,
	}
	if props.VPC != nil {
		sg := network.NewWorkloadGroup(g, props.VPC, network.WorkloadGroupProps{
			NamePrefix: names.Prefix("grafana-"+name, 100), Subject: "Grafana workspace " + name,
			AllowInternetHTTPS: true, Tags: props.Tags,
		})
		cfg.VpcConfiguration = &grafanaworkspace.GrafanaWorkspaceVpcConfiguration{
			SecurityGroupIds: ptr.Strings([]string{sg}),
			SubnetIds:        ptr.Strings(props.VPC.PrivateSubnetIDs()),
		}
	}
	g.workspace = grafanaworkspace.NewGrafanaWorkspace(g, ptr.String("workspace"), cfg)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return g, nil
}

var logGroupARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[A-Za-z0-9_/.#*-]+(:\*)?$`)

// grafanaStatements is the role's policy: read-only, on the given
// workspaces and log groups where the action allows it.
func grafanaStatements(env awsenv.Env, p GrafanaProps) []iamdoc.Statement {
	var workspaces, keys []string
	for _, m := range p.Metrics {
		workspaces = append(workspaces, m.WorkspaceARN())
		keys = append(keys, m.KMSKeyARN())
	}
	query := iamdoc.Allow("QueryPrometheus", []string{"aps:DescribeWorkspace", "aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"}, workspaces...)
	decrypt := iamdoc.Allow("DecryptPrometheus", []string{"kms:Decrypt", "kms:DescribeKey"}, keys...)
	decrypt.Condition = map[string]map[string]any{"StringEquals": {"kms:ViaService": "aps." + env.Region + ".amazonaws.com"}}
	out := []iamdoc.Statement{
		query,
		decrypt,
		// The data source's workspace picker; ListWorkspaces has no
		// resource-level permissions.
		iamdoc.Allow("ListPrometheus", []string{"aps:ListWorkspaces"}, "*"),
		// CloudWatch metric and alarm reads have no resource-level
		// permissions.
		iamdoc.Allow("ReadCloudWatch", []string{"cloudwatch:DescribeAlarmsForMetric", "cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms",
			"cloudwatch:ListMetrics", "cloudwatch:GetMetricData", "cloudwatch:GetInsightRuleReport"}, "*"),
		iamdoc.Allow("ReadXRay", []string{"xray:BatchGetTraces", "xray:GetTraceSummaries", "xray:GetTraceGraph", "xray:GetGroups",
			"xray:GetTimeSeriesServiceStatistics", "xray:GetInsightSummaries", "xray:GetInsight", "xray:GetServiceGraph"}, "*"),
	}
	if len(p.LogGroupARNs) > 0 {
		out = append(out,
			iamdoc.Allow("QueryLogs", []string{"logs:StartQuery"}, p.LogGroupARNs...),
			// Query results, stops and the group picker are not tied to a
			// log group.
			iamdoc.Allow("ReadQueryResults", []string{"logs:GetQueryResults", "logs:StopQuery", "logs:DescribeLogGroups"}, "*"),
		)
	}
	return out
}

// Endpoint returns the workspace's URL host (a token).
func (g *Grafana) Endpoint() string { return *g.workspace.Endpoint() }

// ID returns the workspace's id (a token), for aws_grafana_role_association.
func (g *Grafana) ID() string { return *g.workspace.Id() }

// RoleARN returns the ARN of the workspace's role.
func (g *Grafana) RoleARN() string { return *g.role.Arn() }

// Workspace returns the aws_grafana_workspace, as an escape hatch.
func (g *Grafana) Workspace() grafanaworkspace.GrafanaWorkspace { return g.workspace }
