package tenancy

import (
	np "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/networkpolicyv1"

	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
)

// Telemetry connects the tenants to the cluster's collectors
// (telemetry.NewCollectors, in the cluster's add-ons stack): each tenant
// gets a log group, read access to it for its workload role, a CloudWatch
// dashboard of its namespace, and egress to the OpenTelemetry collector.
type Telemetry struct {
	// LogRetentionDays is how long each tenant's log group keeps events:
	// one of the periods CloudWatch Logs accepts.
	// Default: 90 (observe.DefaultLogRetentionDays)
	LogRetentionDays int
}

// TenantLogGroupPrefix starts the LogGroupLabel value of every tenant's
// namespace ("tenant-<name>"), so that no tenant's group is a platform
// namespace's.
const TenantLogGroupPrefix = "tenant-"

// checkTelemetry reports a bad Telemetry and fills in its defaults.
func checkTelemetry(r *validation.Report, t *Telemetry) {
	if t == nil {
		return
	}
	if t.LogRetentionDays == 0 {
		t.LogRetentionDays = observe.DefaultLogRetentionDays
	}
	if !validation.LogRetention(t.LogRetentionDays) {
		r.Addf("Telemetry.LogRetentionDays", "%d is not a retention CloudWatch Logs accepts; use one of %v", t.LogRetentionDays, validation.LogRetentionDays)
	}
}

// logLabels are the namespace labels that send the tenant's container
// logs to its own group, or none without Telemetry.
func (p *Platform) logLabels(tenant string) map[string]string {
	if p.props.Telemetry == nil {
		return nil
	}
	return telemetry.NamespaceLogLabels(TenantLogGroupPrefix + tenant)
}

// logs creates the tenant's log group, /hybridstack/<cluster>/tenant-<name>
// (a retention, the tenants stack's logs KMS key), which Fluent Bit fills
// from the namespace's label, lets the tenant's workload role read it and
// no other group, and makes the tenant's CloudWatch dashboard
// (observe.NewNamespaceDashboard).
func (t *Tenant) logs(p *Platform) error {
	tel := p.props.Telemetry
	if tel == nil {
		return nil
	}
	group, err := observe.NewLogGroup(t, "log-group", observe.LogGroupProps{
		Name:          telemetry.LogGroupName(p.clusterName, TenantLogGroupPrefix+t.name),
		RetentionDays: tel.LogRetentionDays,
		Tags:          map[string]string{"hybridstack.io/tenant": t.name},
	})
	if err != nil {
		return err
	}
	t.logGroupName, t.logGroupARN = *group.Name(), *group.Arn()
	if err := t.GrantLogsRead(t.role); err != nil {
		return err
	}
	// The tenant's dashboard: its pods, restarts and saturation
	// (Container Insights) and the recent error lines of its group.
	_, err = observe.NewNamespaceDashboard(t, "dashboard", observe.NamespaceDashboardProps{
		ClusterName: p.clusterName, Namespace: t.name, LogGroupName: t.logGroupName,
		Description: "Tenant " + t.name + ": its namespace's pods and its log group " + TenantLogGroupPrefix + t.name + ".",
	})
	return err
}

// LogGroupName returns the name of the tenant's log group, or "" when the
// platform has no Telemetry.
func (t *Tenant) LogGroupName() string { return t.logGroupName }

// GrantLogsRead lets g read the tenant's log group, and no other: its
// streams and events, and Logs Insights queries over it, such as the
// team's own IAM role. The workload role has it already. It does nothing
// when the platform has no Telemetry.
//
// logs:GetQueryResults takes only a query id, and IAM offers no resource
// for it, so it is allowed on "*": g can fetch the results of a query whose
// id it knows. The queries g can start are confined to the tenant's group
// (logs:StartQuery is), and query ids are random, so another group's
// results reach g only if their id is handed to it.
func (t *Tenant) GrantLogsRead(g grant.Grantee) error {
	if t.logGroupARN == "" {
		return nil
	}
	return g.AddToRolePolicy("read-tenant-logs",
		iamdoc.Allow("ReadTenantLogGroup", []string{"logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:StartQuery"},
			t.logGroupARN, t.logGroupARN+":*"),
		iamdoc.Allow("GetQueryResults", []string{"logs:GetQueryResults"}, "*"))
}

// telemetryPolicy lets the tenant's pods send OTLP (and ask for X-Ray
// sampling rules) to the cluster's OpenTelemetry collector, and reach no
// other pod of its namespace.
func (t *Tenant) telemetryPolicy(p *Platform, policy func(name string, types []string, ingress []*np.NetworkPolicyV1SpecIngress, egress []*np.NetworkPolicyV1SpecEgress) np.NetworkPolicyV1) {
	if p.props.Telemetry == nil {
		return
	}
	policy("allow-telemetry", []string{"Egress"}, nil, []*np.NetworkPolicyV1SpecEgress{{
		To: []*np.NetworkPolicyV1SpecEgressTo{{
			NamespaceSelector: &np.NetworkPolicyV1SpecEgressToNamespaceSelector{MatchLabels: ptr.Map(map[string]string{"kubernetes.io/metadata.name": telemetry.ObservabilityNamespace})},
			PodSelector:       &np.NetworkPolicyV1SpecEgressToPodSelector{MatchLabels: ptr.Map(map[string]string{"app.kubernetes.io/name": telemetry.OTelCollectorName})},
		}},
		Ports: egressPorts([]int{telemetry.OTLPGRPCPort, telemetry.OTLPHTTPPort, telemetry.XRayProxyPort}),
	}})
}
