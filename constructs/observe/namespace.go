package observe

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// ContainerInsights is the CloudWatch namespace of Container Insights.
const ContainerInsights = "ContainerInsights"

// NamespaceDashboardProps configures a dashboard of one Kubernetes
// namespace.
type NamespaceDashboardProps struct {
	// ClusterName is the EKS cluster's name (a token is fine). Required.
	ClusterName string
	// Namespace is the Kubernetes namespace. Required.
	Namespace string
	// LogGroupName is the log group the recent-errors table queries. With
	// the default, Container Insights' application log group of the
	// cluster, the query keeps the namespace's records (field
	// kubernetes.namespace_name); a group of its own is queried whole.
	// Default: - "/aws/containerinsights/<ClusterName>/application"
	LogGroupName string
	// Name is the dashboard's name: 1-255 letters, digits, '-' and '_'.
	// Default: - the dashboard's path in its stack, such as "tenants-team-a-dashboard"
	Name string
	// Description is a line of text under the dashboard's title.
	// Default: - none
	Description string
	// Region is the Region the graphs read their metrics from.
	// Default: - the stack's Region (package awsenv)
	Region string
}

// NewNamespaceDashboard creates a CloudWatch dashboard of one Kubernetes
// namespace of an EKS cluster from the metrics Container Insights
// publishes per namespace (dimensions ClusterName and Namespace): running
// pods and network bytes (traffic), container restarts (errors, summed
// over the namespace's pods with a SEARCH expression: Container Insights
// publishes restarts per pod, not per namespace), CPU and memory
// utilization, also over the pods' limits (saturation); and a CloudWatch
// Logs Insights table of the namespace's recent error lines. The graphs
// stay empty until the cluster runs Container Insights (the
// amazon-cloudwatch-observability add-on).
//
// It returns every problem with props at once, each wrapping
// validate.ErrInvalid, and creates nothing then.
func NewNamespaceDashboard(scope constructs.Construct, id string, props NamespaceDashboardProps) (*Dashboard, error) {
	r := validation.ForConstruct("observe", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	stack, err := stackOf(scope)
	if err != nil {
		r.Addf("scope", "%v", err)
		return nil, r.Err()
	}
	if props.ClusterName == "" {
		r.Addf("ClusterName", "is empty; name the EKS cluster whose namespace the dashboard shows")
	}
	switch ns := props.Namespace; {
	case ns == "":
		r.Addf("Namespace", "is empty; name the Kubernetes namespace the dashboard shows")
	case validation.IsToken(ns):
	case !validation.DNSLabel(ns):
		r.Addf("Namespace", "%q is not a Kubernetes namespace name (an RFC 1123 label: up to 63 lowercase letters, digits and '-')", ns)
	}
	if props.Name == "" {
		props.Name = names.FromPathFit(r.StackPath(scope), MaxDashboardNameLength)
	}
	validateName(r, props.Name)
	validateRegion(r, props.Region)
	if r.Len() > 0 {
		return nil, r.Err()
	}
	if props.Region == "" {
		env, err := awsenv.Of(stack)
		if err != nil {
			r.Join(err)
			return nil, r.Err()
		}
		props.Region = env.Region
	}
	filter := ""
	if props.LogGroupName == "" {
		props.LogGroupName = "/aws/containerinsights/" + props.ClusterName + "/application"
		filter = "| filter kubernetes.namespace_name = \"" + props.Namespace + "\"\n"
	}

	dims := map[string]string{"ClusterName": props.ClusterName, "Namespace": props.Namespace}
	ci := func(name, stat, label string) Metric {
		return Metric{Namespace: ContainerInsights, Name: name, Dimensions: dims, Stat: stat, Label: label}
	}
	restarts := fmt.Sprintf(`SUM(SEARCH('{%s,ClusterName,Namespace,PodName} MetricName="pod_number_of_container_restarts" ClusterName="%s" Namespace="%s"', 'Sum', %d))`,
		ContainerInsights, props.ClusterName, props.Namespace, defaultPeriod)
	graphs := []Widget{
		{Title: "Running pods", Signal: Traffic, Metrics: []Metric{ci("namespace_number_of_running_pods", "Average", "running pods")}},
		{Title: "Network bytes/s", Signal: Traffic, Metrics: []Metric{
			ci("pod_network_rx_bytes", "Average", "received"), ci("pod_network_tx_bytes", "Average", "sent"),
		}},
		{Title: "Container restarts", Signal: Errors, Metrics: []Metric{{Expression: restarts, Label: "restarts"}}},
		{Title: "CPU utilization %", Signal: Saturation, Metrics: []Metric{
			ci("pod_cpu_utilization", "Average", "of the nodes"), ci("pod_cpu_utilization_over_pod_limit", "Average", "of the pods' limits"),
		}},
		{Title: "Memory utilization %", Signal: Saturation, Metrics: []Metric{
			ci("pod_memory_utilization", "Average", "of the nodes"), ci("pod_memory_utilization_over_pod_limit", "Average", "of the pods' limits"),
		}},
	}
	query := "SOURCE '" + props.LogGroupName + "'\n" +
		"| fields @timestamp, @logStream, @message\n" + filter +
		"| filter @message like /(?i)(error|exception|panic|fatal)/\n" +
		"| sort @timestamp desc\n" +
		"| limit 100"

	d := &Dashboard{}
	constructs.NewConstruct_Override(d, scope, &id)
	l := &layout{region: props.Region}
	title := "# " + props.Name + "\n"
	if props.Description != "" {
		title += props.Description + "\n"
	}
	title += "Namespace `" + props.Namespace + "` of EKS cluster `" + props.ClusterName + "`, from Container Insights (package observe)."
	l.text(title, headerHeight)
	l.graphs(graphs)
	l.log("Recent errors in "+props.Namespace, query, graphHeight)
	d.widgets = l.widgets
	d.body = marshalBody(l.widgets)
	d.dashboard = cloudwatchdashboard.NewCloudwatchDashboard(d, ptr.String("dashboard"), &cloudwatchdashboard.CloudwatchDashboardConfig{
		DashboardName: ptr.String(props.Name),
		DashboardBody: ptr.String(d.body),
	})
	return d, nil
}
