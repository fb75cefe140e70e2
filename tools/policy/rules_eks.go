package policy

import (
	"fmt"
	"slices"
	"strings"
)

// eksLogTypes are the control-plane log types EKS-003 requires.
var eksLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// nodePolicies are the managed policies a node role may carry.
var nodePolicies = map[string]bool{
	"AmazonEKSWorkerNodePolicy": true, "AmazonEKSWorkerNodeMinimalPolicy": true, "AmazonEC2ContainerRegistryReadOnly": true,
	"AmazonEC2ContainerRegistryPullOnly": true, "AmazonEKS_CNI_Policy": true, "AmazonSSMManagedInstanceCore": true,
}

// computeRoles is the compute whose role's policies must exist before it and
// outlive it (EKS-008).
var computeRoles = []struct {
	typ, attr string
	when      func(Resource) bool
	// attachmentsOnly checks managed policy attachments only: a Lambda
	// function in a VPC needs its VPC-access policy when it is
	// created, while inline grants added later are waited for by the
	// event sources and destinations that use them.
	attachmentsOnly bool
}{
	{"aws_eks_cluster", "role_arn", nil, false},
	{"aws_eks_node_group", "node_role_arn", nil, false},
	{"aws_eks_fargate_profile", "pod_execution_role_arn", nil, false},
	{"aws_eks_addon", "service_account_role_arn", nil, false},
	// ECS starts tasks with the execution role as soon as a service or
	// schedule runs the definition: image pulls, logs and secrets.
	{"aws_ecs_task_definition", "execution_role_arn", nil, false},
	{"aws_lambda_function", "role", func(r Resource) bool {
		vpc := block(r.Attrs, "vpc_config")
		return vpc != nil && len(strs(vpc["subnet_ids"])) > 0
	}, true},
}

// eksClusterAdminPolicy ends the ARN of the access policy EKS-007 requires.
const eksClusterAdminPolicy = "cluster-access-policy/AmazonEKSClusterAdminPolicy"

// checkEKSPrivateEndpoint is EKS-001: it reports clusters whose API endpoint
// is public (the provider default) without public_access_cidrs, or open to
// 0.0.0.0/0.
func checkEKSPrivateEndpoint(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_eks_cluster") {
		vpc := block(r.Attrs, "vpc_config")
		public := vpc["endpoint_public_access"]
		if public == nil || truthy(public) { // provider default is true
			cidrs := strs(vpc["public_access_cidrs"])
			switch {
			case len(cidrs) == 0:
				emit(r, "vpc_config.endpoint_public_access", "the API endpoint is public to the whole Internet (no public_access_cidrs)")
			case slices.Contains(cidrs, "0.0.0.0/0"):
				emit(r, "vpc_config.public_access_cidrs", "the API endpoint is open to 0.0.0.0/0")
			}
		}
	}
}

// checkEKSSecretsEncryption is EKS-002: it reports clusters whose
// encryption_config does not name a KMS key for the "secrets" resource.
func checkEKSSecretsEncryption(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_eks_cluster") {
		enc := block(r.Attrs, "encryption_config")
		if str(path(enc, "provider", "key_arn")) == "" || !slices.Contains(strs(enc["resources"]), "secrets") {
			emit(r, "encryption_config", "Kubernetes secrets are not envelope-encrypted with a KMS key")
		}
	}
}

// checkEKSControlPlaneLogs is EKS-003: it reports clusters that do not
// enable every one of eksLogTypes, listing those missing.
func checkEKSControlPlaneLogs(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_eks_cluster") {
		have := strs(r.Attrs["enabled_cluster_log_types"])
		var missing []string
		for _, t := range eksLogTypes {
			if !slices.Contains(have, t) {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			emit(r, "enabled_cluster_log_types", "control-plane logs missing: "+strings.Join(missing, ", "))
		}
	}
}

// checkEKSAccessEntries is EKS-004: it reports clusters that authenticate
// through the aws-auth ConfigMap only, and clusters whose creator is made an
// implicit admin (bootstrap_cluster_creator_admin_permissions unset or
// true).
func checkEKSAccessEntries(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_eks_cluster") {
		ac := block(r.Attrs, "access_config")
		mode := str(ac["authentication_mode"])
		if mode != "API" && mode != "API_AND_CONFIG_MAP" {
			emit(r, "access_config.authentication_mode", fmt.Sprintf("authentication mode is %q; use API with access entries", orDefault(mode, "CONFIG_MAP")))
		}
		if b := ac["bootstrap_cluster_creator_admin_permissions"]; b == nil || truthy(b) {
			emit(r, "access_config.bootstrap_cluster_creator_admin_permissions", "whoever creates the cluster becomes an invisible cluster admin")
		}
	}
}

// checkEKSNodeIMDSv2 is EKS-005: it reports node groups without a launch
// template, and launch templates of node groups that allow IMDSv1 or a
// metadata hop limit other than 1.
func checkEKSNodeIMDSv2(d *Doc, emit emitFunc) {
	for _, ng := range d.Of("aws_eks_node_group") {
		lt := block(ng.Attrs, "launch_template")
		targets := refs(lt["id"])
		targets = append(targets, refs(lt["name"])...)
		if len(targets) == 0 {
			if lt == nil {
				emit(ng, "launch_template", "the node group has no launch template, so nodes accept IMDSv1 and pods can reach the node's credentials")
			}
			continue
		}
		for _, addr := range targets {
			t, ok := d.Get(addr)
			if !ok {
				continue
			}
			md := block(t.Attrs, "metadata_options")
			if str(md["http_tokens"]) != "required" {
				emit(t, "metadata_options.http_tokens", "IMDSv1 is allowed (http_tokens is not required)")
			}
			if hop, ok := num(md["http_put_response_hop_limit"]); !ok || hop != 1 {
				emit(t, "metadata_options.http_put_response_hop_limit", "pods can reach the instance metadata service (hop limit is not 1)")
			}
		}
	}
}

// checkEKSNodeRolePolicies is EKS-006: it reports managed policies other
// than nodePolicies, and inline policies, on the roles of node groups (each
// role once).
func checkEKSNodeRolePolicies(d *Doc, emit emitFunc) {
	seen := map[string]bool{}
	for _, ng := range d.Of("aws_eks_node_group") {
		for _, roleAddr := range refs(ng.Attrs["node_role_arn"]) {
			if seen[roleAddr] {
				continue
			}
			seen[roleAddr] = true
			for _, a := range d.referrers("aws_iam_role_policy_attachment", "role", roleAddr) {
				arn := str(a.Attrs["policy_arn"])
				if name := arn[strings.LastIndex(arn, "/")+1:]; !nodePolicies[name] {
					emit(a, "policy_arn", fmt.Sprintf("node role %s carries %s", roleAddr, name))
				}
			}
			for _, p := range d.referrers("aws_iam_role_policy", "role", roleAddr) {
				emit(p, "policy", "node role "+roleAddr+" has an inline policy")
			}
		}
	}
}

// checkEKSAdminAccessEntry is EKS-007: it reports API-authenticated clusters
// without a creator admin that have no access policy association of
// AmazonEKSClusterAdminPolicy scoped to the whole cluster.
func checkEKSAdminAccessEntry(d *Doc, emit emitFunc) {
	for _, c := range d.Of("aws_eks_cluster") {
		ac := block(c.Attrs, "access_config")
		if mode := str(ac["authentication_mode"]); mode != "API" && mode != "API_AND_CONFIG_MAP" {
			continue // CONFIG_MAP: administrators live in aws-auth (EKS-004 reports the mode)
		}
		if truthy(ac["bootstrap_cluster_creator_admin_permissions"]) {
			continue // the creator is an administrator (EKS-004 reports that)
		}
		admin := false
		for _, a := range d.Of("aws_eks_access_policy_association") {
			name := a.Attrs["cluster_name"]
			if !refersTo(name, c.Address()) && (isToken(name) || str(name) == "" || str(name) != str(c.Attrs["name"])) {
				continue
			}
			if strings.HasSuffix(str(a.Attrs["policy_arn"]), eksClusterAdminPolicy) && str(path(a.Attrs, "access_scope", "type")) == "cluster" {
				admin = true
			}
		}
		if !admin {
			emit(c, "access_config", "no access entry is associated with AmazonEKSClusterAdminPolicy on the whole cluster, so nobody can administer it")
		}
	}
}

// checkComputeDependsOnRolePolicies is EKS-008: it reports compute
// (computeRoles) that does not depend, directly or transitively, on every
// policy attachment (and, unless attachmentsOnly, inline policy) of its
// role.
func checkComputeDependsOnRolePolicies(d *Doc, emit emitFunc) {
	for _, c := range computeRoles {
		for _, r := range d.Of(c.typ) {
			if c.when != nil && !c.when(r) {
				continue
			}
			var deps map[string]bool
			for _, roleAddr := range uniq(refs(r.Attrs[c.attr])) {
				if role, ok := d.Get(roleAddr); !ok || role.Type != "aws_iam_role" {
					continue
				}
				var policies []Resource
				policies = append(policies, d.referrers("aws_iam_role_policy_attachment", "role", roleAddr)...)
				if !c.attachmentsOnly {
					policies = append(policies, d.referrers("aws_iam_role_policy", "role", roleAddr)...)
				}
				for _, p := range policies {
					if deps == nil {
						deps = d.dependencies(r)
					}
					if !deps[p.Address()] {
						emit(r, c.attr, fmt.Sprintf("does not depend on %s of role %s: it may be created before the policy is attached, and destroy detaches the policy first", p.Address(), roleAddr))
					}
				}
			}
		}
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
