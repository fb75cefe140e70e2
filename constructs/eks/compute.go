package eks

import "github.com/hashicorp/terraform-cdk-go/cdktf"

// ComputeResources returns the cluster's node groups and Fargate profiles
// (none under Auto Mode), for the depends_on of what needs somewhere to
// run: an add-on installed outside the cluster (such as Container Insights
// by telemetry.NewMetrics) stays Degraded, and Terraform waits on it, until
// its pods can be scheduled.
func (c *Cluster) ComputeResources() []cdktf.ITerraformDependable {
	return append(append([]cdktf.ITerraformDependable(nil), c.groups...), c.profiles...)
}

// HasEC2Nodes reports whether pods can run on EC2 nodes: the cluster has
// node groups or runs Auto Mode. DaemonSets (log and metrics agents) run
// only there; Fargate pods get none.
func (c *Cluster) HasEC2Nodes() bool { return len(c.s.NodeGroups) > 0 || c.s.AutoMode != nil }
