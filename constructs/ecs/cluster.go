// Package ecs provides Amazon ECS on Fargate:
//
//   - Cluster (NewCluster): a cluster with Container Insights and the
//     FARGATE and FARGATE_SPOT capacity providers, in a network.VPC;
//   - TaskDefinition (NewTaskDefinition): a Fargate task from typed
//     container specs, with only the CPU and memory sizes Fargate runs,
//     secrets from Secrets Manager or SSM Parameter Store (plain-text values
//     that look like secrets are refused), awslogs to a log group it owns,
//     read-only root file systems, ARM64 or X86_64, and least-privilege task
//     and execution roles; the task role is a grant.Grantee;
//   - ScheduledTask (NewScheduledTask): an EventBridge Scheduler schedule
//     (rate or cron, time zone, flexible window, retries, a dead-letter
//     queue) that runs the task in private subnets without a public IP, and
//     catches runs that fail after they start;
//   - Service (NewService): a long-running Fargate service behind an
//     Application Load Balancer (HTTPS with a given certificate, or plain
//     HTTP inside the VPC with a recorded reason), with a deployment circuit
//     breaker that rolls back, and autoscaling on CPU and request count; an
//     internal service is what frontdoor.RouteToService reaches through the
//     VPC link.
package ecs

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsclustercapacityproviders"

	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// ClusterProps configures a Cluster.
type ClusterProps struct {
	// Name is the cluster's name: 1-255 letters, digits, '-' and '_'.
	// Default: - the construct path with "-" for "/", cut to 255 with a hash
	Name string
	// VPC is where the cluster's tasks run (its private subnets). Required.
	VPC *network.VPC
	// EnhancedInsights turns Container Insights from "enabled" (cluster
	// and service metrics) to "enhanced" (task and container metrics too,
	// at a higher CloudWatch cost).
	// Default: false
	EnhancedInsights bool
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

// Cluster is an ECS cluster for Fargate tasks.
type Cluster struct {
	constructs.Construct
	name     string
	vpc      *network.VPC
	cluster  ecscluster.EcsCluster
	tags     map[string]string
	capacity ecsclustercapacityproviders.EcsClusterCapacityProviders
}

var clusterNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// defaultName derives a resource name from the construct's path in its
// stack: "<stack>-<id>...", with characters outside [A-Za-z0-9_-] made '-'
// and cut to max with a hash.
func defaultName(r *validation.Report, scope constructs.Construct, max int) string {
	return names.FromPathFit(r.StackPath(scope), max)
}

// NewCluster validates props and creates the cluster with Container
// Insights and the Fargate capacity providers. It returns every problem
// with props at once, each a *validate.FieldError wrapping
// validate.ErrInvalid.
func NewCluster(scope constructs.Construct, id string, props ClusterProps) (*Cluster, error) {
	r := validation.ForConstruct("ecs", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	name := props.Name
	if name == "" {
		name = defaultName(r, scope, 255)
	}
	if !clusterNameRe.MatchString(name) && !validation.IsToken(name) {
		r.Addf("Name", "%q must be 1-255 letters, digits, '-' or '_'", name)
	}
	if props.VPC == nil {
		r.Addf("VPC", "is nil; the cluster's tasks run in a VPC's private subnets")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	c := &Cluster{name: name, vpc: props.VPC, tags: props.Tags}
	constructs.NewConstruct_Override(c, scope, &id)
	insights := "enabled"
	if props.EnhancedInsights {
		insights = "enhanced"
	}
	c.cluster = ecscluster.NewEcsCluster(c, ptr.String("cluster"), &ecscluster.EcsClusterConfig{
		Name:    ptr.String(name),
		Setting: []*ecscluster.EcsClusterSetting{{Name: ptr.String("containerInsights"), Value: ptr.String(insights)}},
		Tags:    ptr.Map(props.Tags),
	})
	// Services and schedules name a capacity provider or launch type;
	// registering both Fargate providers lets either be chosen per use.
	c.capacity = ecsclustercapacityproviders.NewEcsClusterCapacityProviders(c, ptr.String("capacity-providers"), &ecsclustercapacityproviders.EcsClusterCapacityProvidersConfig{
		ClusterName:       c.cluster.Name(),
		CapacityProviders: ptr.Strings([]string{"FARGATE", "FARGATE_SPOT"}),
		DefaultCapacityProviderStrategy: []*ecsclustercapacityproviders.EcsClusterCapacityProvidersDefaultCapacityProviderStrategy{{
			CapacityProvider: ptr.String("FARGATE"), Weight: ptr.Number(1),
		}},
	})
	return c, nil
}

// Name returns the cluster's name (a token that orders dependents after
// the cluster).
func (c *Cluster) Name() string { return *c.cluster.Name() }

// ARN returns the cluster's ARN.
func (c *Cluster) ARN() string { return *c.cluster.Arn() }

// VPC returns the cluster's VPC.
func (c *Cluster) VPC() *network.VPC { return c.vpc }

// Resource returns the aws_ecs_cluster resource as an escape hatch.
func (c *Cluster) Resource() ecscluster.EcsCluster { return c.cluster }
