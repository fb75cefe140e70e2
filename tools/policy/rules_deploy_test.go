package policy

import (
	"strings"
	"testing"
)

// clusterAdmin is an access entry with the cluster admin policy for
// aws_eks_cluster.<name>, written as cdktf synthesizes it.
func clusterAdmin(cluster string) R {
	ref := "${aws_eks_cluster." + cluster + ".name}"
	return R{
		"aws_iam_role.admin":                         {"assume_role_policy": "{}"},
		"aws_eks_access_entry." + cluster + "-admin": {"cluster_name": ref, "principal_arn": "${aws_iam_role.admin.arn}", "type": "STANDARD"},
		"aws_eks_access_policy_association." + cluster + "-admin": {"cluster_name": ref, "principal_arn": "${aws_eks_access_entry." + cluster + "-admin.principal_arn}",
			"policy_arn":   "arn:${data.aws_partition.p.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
			"access_scope": map[string]any{"type": "cluster"}},
	}
}

// httpAPI is an HTTP API stage with route settings for two routes; deps is
// the stage's depends_on.
func httpAPI(settings any, deps ...string) R {
	stage := map[string]any{"api_id": "${aws_apigatewayv2_api.a.id}", "name": "$default", "route_settings": settings}
	if len(deps) > 0 {
		stage["depends_on"] = deps
	}
	return R{
		"aws_apigatewayv2_api.a":             {"name": "a", "protocol_type": "HTTP"},
		"aws_apigatewayv2_route.get-orders":  {"api_id": "${aws_apigatewayv2_api.a.id}", "route_key": "GET /orders"},
		"aws_apigatewayv2_route.post-orders": {"api_id": "${aws_apigatewayv2_api.a.id}", "route_key": "POST /orders"},
		"aws_apigatewayv2_stage.s":           stage,
	}
}

func routeSetting(key string) map[string]any {
	return map[string]any{"route_key": key, "throttling_burst_limit": 50, "throttling_rate_limit": 20}
}

// lattice is a service network and a service, both AWS_IAM, with auth
// policies on the given resource identifiers.
func lattice(policyTargets ...string) R {
	r := R{
		"aws_vpclattice_service_network.net": {"name": "hybrid", "auth_type": "AWS_IAM"},
		"aws_vpclattice_service.orders":      {"name": "orders", "auth_type": "AWS_IAM"},
	}
	for i, target := range policyTargets {
		r["aws_vpclattice_auth_policy.p"+string(rune('0'+i))] = map[string]any{"resource_identifier": target, "policy": "{}"}
	}
	return r
}

// loadBalancer is an NLB with one security group and a listener on port.
func loadBalancer(port int, extra R) R {
	return merge(R{
		"aws_security_group.lb": {"name_prefix": "lb-", "vpc_id": "${aws_vpc.v.id}"},
		"aws_lb.nlb":            {"name": "internal", "load_balancer_type": "network", "security_groups": []string{"${aws_security_group.lb.id}"}},
		"aws_lb_listener.l":     {"load_balancer_arn": "${aws_lb.nlb.arn}", "port": port, "protocol": "TCP"},
	}, extra)
}

func ingress(from, to any, protocol string) map[string]any {
	return map[string]any{"security_group_id": "${aws_security_group.lb.id}", "ip_protocol": protocol, "from_port": from, "to_port": to, "cidr_ipv4": "10.0.0.0/16"}
}

// eksCompute is a cluster, a node group, a Fargate profile and an add-on,
// each with a role carrying one policy attachment, and no depends_on.
func eksCompute() R {
	r := R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "role_arn", "${aws_iam_role.cluster.arn}")["x"]}
	for _, role := range []string{"cluster", "node", "pods", "cni"} {
		r["aws_iam_role."+role] = map[string]any{"assume_role_policy": "{}"}
		r["aws_iam_role_policy_attachment."+role] = map[string]any{"role": "${aws_iam_role." + role + ".name}", "policy_arn": "arn:aws:iam::aws:policy/P"}
	}
	r["aws_eks_node_group.ng"] = map[string]any{"cluster_name": "${aws_eks_cluster.c.name}", "node_role_arn": "${aws_iam_role.node.arn}"}
	r["aws_eks_fargate_profile.fp"] = map[string]any{"cluster_name": "${aws_eks_cluster.c.name}", "pod_execution_role_arn": "${aws_iam_role.pods.arn}"}
	r["aws_eks_addon.cni"] = map[string]any{"cluster_name": "${aws_eks_cluster.c.name}", "addon_name": "vpc-cni", "service_account_role_arn": "${aws_iam_role.cni.arn}"}
	return merge(r, clusterAdmin("c"))
}

// vpcFunction is a Lambda function in a VPC whose role has an attachment
// and an inline policy.
func vpcFunction(extra map[string]any) R {
	attrs := map[string]any{"role": "${aws_iam_role.f.arn}",
		"vpc_config": map[string]any{"subnet_ids": []string{"${aws_subnet.a.id}"}, "security_group_ids": []string{"${aws_security_group.f.id}"}}}
	for k, v := range extra {
		attrs[k] = v
	}
	return merge(logGroup, R{
		"aws_iam_role.f":                       {"assume_role_policy": "{}"},
		"aws_iam_role_policy_attachment.f-vpc": {"role": "${aws_iam_role.f.name}", "policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"},
		"aws_iam_role_policy.f-queue":          {"role": "${aws_iam_role.f.id}", "policy": "{}"},
		"aws_lambda_function.f":                fn(attrs),
	})
}

// dependsOn sets the depends_on lists of resources of r.
func dependsOn(r R, deps map[string][]string) R {
	for addr, d := range deps {
		r = with(r, addr, "depends_on", d)
	}
	return r
}

// kmsBucket is a bucket whose encryption rule is rule.
func kmsBucket(rule any) R {
	return with(goodBucket("b"), "aws_s3_bucket_server_side_encryption_configuration.b", "rule", rule)
}

func sseRule(alg, key string, bucketKey any) map[string]any {
	def := map[string]any{"sse_algorithm": alg}
	if key != "" {
		def["kms_master_key_id"] = key
	}
	r := map[string]any{"apply_server_side_encryption_by_default": def}
	if bucketKey != nil {
		r["bucket_key_enabled"] = bucketKey
	}
	return r
}

// deployRuleCases gives TestEveryRule one failing and one passing document
// per deploy-time rule (NAME-001, API-004, MESH-003, NET-001, EKS-007,
// EKS-008, S3-005).
func deployRuleCases(t *testing.T) []struct {
	rule       string
	fail, pass []byte
} {
	return []struct {
		rule       string
		fail, pass []byte
	}{
		{"NAME-001", doc(t, R{"aws_iam_role.r": {"name_prefix": strings.Repeat("r", 39), "assume_role_policy": "{}"}}),
			doc(t, R{"aws_iam_role.r": {"name_prefix": strings.Repeat("r", 38), "assume_role_policy": "{}"}})},
		{"API-004", doc(t, httpAPI([]any{routeSetting("GET /orders")})),
			doc(t, httpAPI([]any{routeSetting("GET /orders")}, "aws_apigatewayv2_route.get-orders"))},
		{"MESH-003", doc(t, lattice("${aws_vpclattice_service.orders.arn}")),
			doc(t, lattice("${aws_vpclattice_service.orders.arn}", "${aws_vpclattice_service_network.net.id}"))},
		{"NET-001", doc(t, loadBalancer(81, R{"aws_vpc_security_group_ingress_rule.i": ingress(80, 80, "tcp")})),
			doc(t, loadBalancer(80, R{"aws_vpc_security_group_ingress_rule.i": ingress(80, 80, "tcp")}))},
		{"EKS-007", doc(t, R{"aws_eks_cluster.c": goodCluster()}), doc(t, merge(clusterAdmin("c"), R{"aws_eks_cluster.c": goodCluster()}))},
		{"EKS-008", doc(t, eksCompute()), doc(t, dependsOn(eksCompute(), map[string][]string{
			"aws_eks_cluster.c":          {"aws_iam_role_policy_attachment.cluster"},
			"aws_eks_node_group.ng":      {"aws_iam_role_policy_attachment.node"},
			"aws_eks_fargate_profile.fp": {"aws_iam_role_policy_attachment.pods"},
			"aws_eks_addon.cni":          {"aws_iam_role_policy_attachment.cni"},
		}))},
		{"S3-005", doc(t, goodBucket("b")), doc(t, kmsBucket([]any{sseRule("aws:kms", "${aws_kms_key.k.arn}", true)}))},
	}
}

// TestDeployRules checks each rule that catches deploy-time failures (see
// the package doc) on documents that break it in one way, or comply, and the
// messages it gives.
func TestDeployRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	withDeps := func(r R, addr string, deps ...string) R { return with(r, addr, "depends_on", deps) }
	cases := []struct {
		name, rule string
		doc        R
		// want holds one substring per expected unsuppressed finding of the
		// rule, matched against "address path: message" in report order.
		want []string
	}{
		// NAME-001
		{"role prefix over 38", "NAME-001", R{"aws_iam_role.r": {"name_prefix": long(39)}},
			[]string{`aws_iam_role.r name_prefix: name_prefix "` + long(39) + `" is 39 characters; with Terraform's 26-character suffix the name is 65 characters, over the 64-character limit of aws_iam_role (the prefix may have at most 38)`}},
		{"role prefix of 38", "NAME-001", R{"aws_iam_role.r": {"name_prefix": long(38)}}, nil},
		{"event rule prefix from the snapshot", "NAME-001", R{"aws_cloudwatch_event_rule.r": {"name_prefix": "hybridmicroservices-order-worker-order-events-"}},
			[]string{"is 46 characters; with Terraform's 26-character suffix the name is 72 characters, over the 64-character limit of aws_cloudwatch_event_rule"}},
		{"node group prefix over 37", "NAME-001", R{"aws_eks_node_group.ng": {"node_group_name_prefix": long(38)}}, []string{"aws_eks_node_group.ng node_group_name_prefix: node_group_name_prefix \"" + long(38) + "\" is 38 characters; with Terraform's 26-character suffix the name is 64 characters, over the 63-character limit"}},
		{"node group prefix of 37", "NAME-001", R{"aws_eks_node_group.ng": {"node_group_name_prefix": long(37)}}, nil},
		{"bucket prefix over 37", "NAME-001", R{"aws_s3_bucket.b": {"bucket_prefix": long(38)}}, []string{"aws_s3_bucket.b bucket_prefix: "}},
		{"bucket prefix of 37", "NAME-001", R{"aws_s3_bucket.b": {"bucket_prefix": long(37)}}, nil},
		{"launch template prefix of 102", "NAME-001", R{"aws_launch_template.lt": {"name_prefix": long(102)}}, nil},
		{"launch template prefix of 103", "NAME-001", R{"aws_launch_template.lt": {"name_prefix": long(103)}}, []string{"over the 128-character limit of aws_launch_template"}},
		{"FIFO queue prefix leaves room for .fifo", "NAME-001", R{"aws_sqs_queue.q": {"name_prefix": long(50), "fifo_queue": true}},
			[]string{`with Terraform's 26-character suffix and ".fifo" the name is 81 characters, over the 80-character limit of aws_sqs_queue (the prefix may have at most 49)`}},
		{"standard queue prefix of 50", "NAME-001", R{"aws_sqs_queue.q": {"name_prefix": long(50)}}, nil},
		{"load balancer prefix over 6", "NAME-001", R{"aws_lb.l": {"name_prefix": "intern"}, "aws_lb_target_group.t": {"name_prefix": "orders"}, "aws_lb.m": {"name_prefix": "orders-"}},
			[]string{`aws_lb.m name_prefix: name_prefix "orders-" is 7 characters; the provider accepts a name_prefix of at most 6 characters for aws_lb`}},
		{"target group name over 32", "NAME-001", R{"aws_lb_target_group.t": {"name": long(33)}, "aws_lb_target_group.u": {"name": long(32)}},
			[]string{"aws_lb_target_group.t name: name \"" + long(33) + "\" is 33 characters, over the 32-character limit of aws_lb_target_group"}},
		{"function name over 64", "NAME-001", R{"aws_lambda_function.f": {"function_name": long(65)}, "aws_lambda_function.g": {"function_name": long(64)}},
			[]string{"aws_lambda_function.f function_name: function_name \"" + long(65) + "\" is 65 characters, over the 64-character limit of aws_lambda_function"}},
		{"interpolated prefix counts its literal part", "NAME-001", R{"aws_iam_role.r": {"name_prefix": "${var.env}-" + long(38)}, "aws_iam_role.s": {"name_prefix": "${var.env}-" + long(37)}},
			[]string{`aws_iam_role.r name_prefix: name_prefix "${var.env}-` + long(38) + `" has 39 literal characters; with Terraform's 26-character suffix the name is at least 65 characters`}},
		{"interpolation only is skipped", "NAME-001", R{"aws_iam_role.r": {"name_prefix": "${local.very_long_name_prefix_that_is_not_known_yet_at_all}"}, "aws_lambda_function.f": {"function_name": "${var.name}"}}, nil},
		{"lattice service name of 2", "NAME-001", R{"aws_vpclattice_service.s": {"name": "ab"}}, []string{`aws_vpclattice_service.s name: name "ab" is 2 characters, under the 3-character minimum of aws_vpclattice_service`}},
		{"lattice service name over 40", "NAME-001", R{"aws_vpclattice_service.s": {"name": long(41)}, "aws_vpclattice_service.t": {"name": long(40)}}, []string{"aws_vpclattice_service.s name: "}},
		{"lattice names with interpolations skip the minimum", "NAME-001", R{"aws_vpclattice_service.s": {"name": "${var.x}-a"}}, nil},
		{"lattice service network name up to 63", "NAME-001", R{"aws_vpclattice_service_network.n": {"name": long(63)}, "aws_vpclattice_service_network.m": {"name": long(64)}},
			[]string{"aws_vpclattice_service_network.m name: name \"" + long(64) + "\" is 64 characters, over the 63-character limit"}},
		{"lattice target group name up to 128", "NAME-001", R{"aws_vpclattice_target_group.t": {"name": long(128)}, "aws_vpclattice_target_group.u": {"name": long(129)}}, []string{"aws_vpclattice_target_group.u name: "}},

		// API-004
		{"route settings without depends_on", "API-004", httpAPI([]any{routeSetting("GET /orders")}),
			[]string{`aws_apigatewayv2_stage.s route_settings[0].route_key: route settings name route "GET /orders" but the stage does not depend on the route with that key: creating the stage first fails with NotFoundException "Unable to find Route by key"`}},
		{"route settings with depends_on", "API-004", httpAPI([]any{routeSetting("GET /orders"), routeSetting("POST /orders")}, "aws_apigatewayv2_route.get-orders", "aws_apigatewayv2_route.post-orders"), nil},
		{"route settings for a key the stage does not depend on", "API-004", httpAPI([]any{routeSetting("GET /orders"), routeSetting("POST /orders")}, "aws_apigatewayv2_route.get-orders"),
			[]string{`route_settings[1].route_key: route settings name route "POST /orders" but the stage does not depend`}},
		{"route settings as a single object", "API-004", httpAPI(routeSetting("GET /orders")), []string{"route_settings[0].route_key"}},
		{"route settings as a single object with depends_on", "API-004", httpAPI(routeSetting("GET /orders"), "aws_apigatewayv2_route.get-orders"), nil},
		{"route settings for a route that does not exist", "API-004", httpAPI([]any{routeSetting("DELETE /orders")}, "aws_apigatewayv2_route.get-orders"),
			[]string{`route "DELETE /orders" but no aws_apigatewayv2_route in the stack has that key`}},
		{"depending on the route through another resource", "API-004", merge(
			withDeps(httpAPI([]any{routeSetting("GET /orders")}), "aws_apigatewayv2_stage.s", "aws_apigatewayv2_deployment.d"),
			R{"aws_apigatewayv2_deployment.d": {"api_id": "${aws_apigatewayv2_api.a.id}", "depends_on": []string{"aws_apigatewayv2_route.get-orders"}}}), nil},
		{"no route settings", "API-004", httpAPI(nil), nil},

		// MESH-003
		{"service network without auth policy", "MESH-003", lattice("${aws_vpclattice_service.orders.arn}"),
			[]string{"aws_vpclattice_service_network.net auth_type: auth type is AWS_IAM but no aws_vpclattice_auth_policy applies to it, so VPC Lattice denies all traffic"}},
		{"service without auth policy", "MESH-003", lattice("${aws_vpclattice_service_network.net.arn}"), []string{"aws_vpclattice_service.orders auth_type: "}},
		{"both with auth policies", "MESH-003", lattice("${aws_vpclattice_service_network.net.id}", "${aws_vpclattice_service.orders.arn}"), nil},
		{"auth type NONE needs no policy", "MESH-003", R{"aws_vpclattice_service.s": {"name": "s", "auth_type": "NONE"}, "aws_vpclattice_service_network.n": {"name": "n"}}, nil},
		{"a policy for another service does not count", "MESH-003", merge(lattice("${aws_vpclattice_service_network.net.id}", "${aws_vpclattice_service.payments.arn}"),
			R{"aws_vpclattice_service.payments": {"name": "payments"}}), []string{"aws_vpclattice_service.orders auth_type: "}},

		// NET-001
		{"listener port outside the ingress range", "NET-001", loadBalancer(81, R{"aws_vpc_security_group_ingress_rule.i": ingress(80, 80, "tcp")}),
			[]string{"aws_lb_listener.l port: listener port 81 is not admitted by security group aws_security_group.lb of load balancer aws_lb.nlb: connections to it time out"}},
		{"listener port inside the ingress range", "NET-001", loadBalancer(443, R{"aws_vpc_security_group_ingress_rule.i": ingress(400, 500, "tcp")}), nil},
		{"ingress of all protocols", "NET-001", loadBalancer(81, R{"aws_vpc_security_group_ingress_rule.i": ingress(nil, nil, "-1")}), nil},
		{"no ingress at all", "NET-001", loadBalancer(80, nil), []string{"listener port 80 is not admitted"}},
		{"ingress rule on another group", "NET-001", loadBalancer(80, R{"aws_vpc_security_group_ingress_rule.i": with(R{"x": ingress(80, 80, "tcp")}, "x", "security_group_id", "${aws_security_group.other.id}")["x"]}),
			[]string{"listener port 80 is not admitted"}},
		{"ICMP ranges are not ports", "NET-001", loadBalancer(8, R{"aws_vpc_security_group_ingress_rule.i": ingress(0, 8, "icmp")}), []string{"listener port 8 is not admitted"}},
		{"security group rule of type ingress", "NET-001", loadBalancer(80, R{"aws_security_group_rule.i": {"type": "ingress", "security_group_id": "${aws_security_group.lb.id}", "protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": []string{"10.0.0.0/16"}}}), nil},
		{"security group rule of type egress", "NET-001", loadBalancer(80, R{"aws_security_group_rule.e": {"type": "egress", "security_group_id": "${aws_security_group.lb.id}", "protocol": "tcp", "from_port": 80, "to_port": 80}}),
			[]string{"listener port 80 is not admitted"}},
		{"inline ingress block", "NET-001", merge(loadBalancer(80, nil), R{"aws_security_group.lb": {"ingress": []any{map[string]any{"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": []string{"10.0.0.0/16"}}}}}), nil},
		{"load balancer without security groups", "NET-001", with(loadBalancer(80, nil), "aws_lb.nlb", "security_groups", nil), nil},
		{"security group ids that are not in the stack", "NET-001", with(loadBalancer(80, nil), "aws_lb.nlb", "security_groups", []string{"sg-0123456789abcdef0"}), nil},
		{"one of two groups misses the port", "NET-001", merge(with(loadBalancer(80, R{"aws_vpc_security_group_ingress_rule.i": ingress(80, 80, "tcp")}), "aws_lb.nlb", "security_groups",
			[]string{"${aws_security_group.lb.id}", "${aws_security_group.extra.id}"}), R{"aws_security_group.extra": {"name_prefix": "extra-"}}),
			[]string{"not admitted by security group aws_security_group.extra of load balancer aws_lb.nlb"}},

		// EKS-007
		{"cluster without an admin", "EKS-007", R{"aws_eks_cluster.c": goodCluster()},
			[]string{"aws_eks_cluster.c access_config: no access entry is associated with AmazonEKSClusterAdminPolicy on the whole cluster, so nobody can administer it"}},
		{"cluster with an admin", "EKS-007", merge(clusterAdmin("c"), R{"aws_eks_cluster.c": goodCluster()}), nil},
		{"admin access scope as a list", "EKS-007", merge(with(clusterAdmin("c"), "aws_eks_access_policy_association.c-admin", "access_scope", []any{map[string]any{"type": "cluster"}}),
			R{"aws_eks_cluster.c": goodCluster()}), nil},
		{"admin scoped to namespaces", "EKS-007", merge(with(clusterAdmin("c"), "aws_eks_access_policy_association.c-admin", "access_scope", map[string]any{"type": "namespace", "namespaces": []string{"a"}}),
			R{"aws_eks_cluster.c": goodCluster()}), []string{"aws_eks_cluster.c access_config: "}},
		{"view policy is not admin", "EKS-007", merge(with(clusterAdmin("c"), "aws_eks_access_policy_association.c-admin", "policy_arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"),
			R{"aws_eks_cluster.c": goodCluster()}), []string{"aws_eks_cluster.c access_config: "}},
		{"admin of another cluster", "EKS-007", merge(clusterAdmin("other"), R{"aws_eks_cluster.c": goodCluster(), "aws_eks_cluster.other": goodCluster()}), []string{"aws_eks_cluster.c access_config: "}},
		{"cluster name given literally", "EKS-007", merge(with(clusterAdmin("c"), "aws_eks_access_policy_association.c-admin", "cluster_name", "platform"),
			R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "name", "platform")["x"]}), nil},
		{"API_AND_CONFIG_MAP needs an admin too", "EKS-007", R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "access_config", map[string]any{"authentication_mode": "API_AND_CONFIG_MAP"})["x"]},
			[]string{"aws_eks_cluster.c access_config: "}},
		{"CONFIG_MAP is skipped", "EKS-007", R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "access_config", map[string]any{"authentication_mode": "CONFIG_MAP"})["x"]}, nil},
		{"creator admin is skipped", "EKS-007", R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "access_config", []any{map[string]any{"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": true}})["x"]}, nil},

		// EKS-008
		{"compute without depends_on", "EKS-008", eksCompute(), []string{
			"aws_eks_addon.cni service_account_role_arn: does not depend on aws_iam_role_policy_attachment.cni of role aws_iam_role.cni: it may be created before the policy is attached, and destroy detaches the policy first",
			"aws_eks_cluster.c role_arn: does not depend on aws_iam_role_policy_attachment.cluster of role aws_iam_role.cluster",
			"aws_eks_fargate_profile.fp pod_execution_role_arn: does not depend on aws_iam_role_policy_attachment.pods",
			"aws_eks_node_group.ng node_role_arn: does not depend on aws_iam_role_policy_attachment.node",
		}},
		{"ECS task definition without its execution role's policy", "EKS-008", R{
			"aws_iam_role.exec":             {"assume_role_policy": "{}"},
			"aws_iam_role_policy.exec-logs": {"role": "${aws_iam_role.exec.id}", "policy": "{}"},
			"aws_ecs_task_definition.t":     {"family": "t", "container_definitions": "[]", "execution_role_arn": "${aws_iam_role.exec.arn}"},
			"aws_ecs_task_definition.waits": {"family": "w", "container_definitions": "[]", "execution_role_arn": "${aws_iam_role.exec.arn}", "depends_on": []string{"aws_iam_role_policy.exec-logs"}},
		}, []string{"aws_ecs_task_definition.t execution_role_arn: does not depend on aws_iam_role_policy.exec-logs of role aws_iam_role.exec"}},
		{"depending through other resources", "EKS-008", dependsOn(eksCompute(), map[string][]string{
			"aws_eks_cluster.c":          {"aws_iam_role_policy_attachment.cluster"},
			"aws_eks_addon.cni":          {"aws_iam_role_policy_attachment.cni", "aws_iam_role_policy_attachment.pods"},
			"aws_eks_fargate_profile.fp": {"aws_eks_addon.cni"},
			"aws_eks_node_group.ng":      {"aws_eks_addon.cni"},
		}), []string{"aws_eks_node_group.ng node_role_arn: does not depend on aws_iam_role_policy_attachment.node"}},
		{"a reference is a dependency", "EKS-008", merge(dependsOn(eksCompute(), map[string][]string{
			"aws_eks_cluster.c":          {"aws_iam_role_policy_attachment.cluster"},
			"aws_eks_addon.cni":          {"aws_iam_role_policy_attachment.cni"},
			"aws_eks_fargate_profile.fp": {"aws_iam_role_policy_attachment.pods"},
		}), R{
			"aws_launch_template.lt": {"name_prefix": "ng-", "depends_on": []string{"aws_iam_role_policy_attachment.node"}},
			"aws_eks_node_group.ng": {"cluster_name": "${aws_eks_cluster.c.name}", "node_role_arn": "${aws_iam_role.node.arn}",
				"launch_template": []any{map[string]any{"id": "${aws_launch_template.lt.id}", "version": "${aws_launch_template.lt.latest_version}"}}},
		}), nil},
		{"VPC function misses its VPC access attachment", "EKS-008", vpcFunction(map[string]any{"depends_on": []string{"aws_iam_role_policy.f-queue", "aws_cloudwatch_log_group.f"}}),
			[]string{"aws_lambda_function.f role: does not depend on aws_iam_role_policy_attachment.f-vpc of role aws_iam_role.f"}},
		{"VPC function need not wait for inline grants", "EKS-008", vpcFunction(map[string]any{"depends_on": []string{"aws_iam_role_policy_attachment.f-vpc", "aws_cloudwatch_log_group.f"}}), nil},
		{"VPC function depends on both", "EKS-008", vpcFunction(map[string]any{"depends_on": []string{"aws_iam_role_policy_attachment.f-vpc", "aws_iam_role_policy.f-queue"}}), nil},
		{"function outside a VPC is skipped", "EKS-008", vpcFunction(map[string]any{"vpc_config": nil}), nil},
		{"function with an empty vpc_config is skipped", "EKS-008", vpcFunction(map[string]any{"vpc_config": []any{map[string]any{"subnet_ids": []string{}, "security_group_ids": []string{}}}}), nil},
		{"role given as a literal ARN is skipped", "EKS-008", with(eksCompute(), "aws_eks_addon.cni", "service_account_role_arn", "arn:aws:iam::123456789012:role/cni"),
			[]string{"aws_eks_cluster.c role_arn: ", "aws_eks_fargate_profile.fp", "aws_eks_node_group.ng"}},

		// S3-005
		{"SSE-S3", "S3-005", goodBucket("b"),
			[]string{"aws_s3_bucket_server_side_encryption_configuration.b rule: sse_algorithm is AES256 (SSE-S3, Amazon S3 managed keys), not aws:kms with a customer managed key"}},
		{"KMS with a customer key and bucket keys", "S3-005", kmsBucket([]any{sseRule("aws:kms", "${aws_kms_key.k.arn}", true)}), nil},
		{"rule as a single object", "S3-005", kmsBucket(sseRule("aws:kms", "${aws_kms_key.k.arn}", true)), nil},
		{"KMS without a key", "S3-005", kmsBucket([]any{sseRule("aws:kms", "", true)}), []string{"sse_algorithm aws:kms without kms_master_key_id uses the AWS managed key aws/s3"}},
		{"KMS with the AWS managed key", "S3-005", kmsBucket([]any{sseRule("aws:kms", "alias/aws/s3", true)}), []string{"kms_master_key_id is the AWS managed key aws/s3"}},
		{"KMS without bucket keys", "S3-005", kmsBucket([]any{sseRule("aws:kms", "${aws_kms_key.k.arn}", false)}), []string{"bucket_key_enabled is not true, so every object request calls KMS"}},
		{"DSSE-KMS needs no bucket keys (S3 does not support them)", "S3-005", kmsBucket([]any{sseRule("aws:kms:dsse", "${aws_kms_key.k.arn}", nil)}), nil},
		{"no encryption configuration", "S3-005", without(goodBucket("b"), "aws_s3_bucket_server_side_encryption_configuration.b"), []string{"aws_s3_bucket.b : no encryption configuration, so objects get SSE-S3"}},
		{"inline encryption configuration", "S3-005", with(without(goodBucket("b"), "aws_s3_bucket_server_side_encryption_configuration.b"),
			"aws_s3_bucket.b", "server_side_encryption_configuration", []any{map[string]any{"rule": []any{sseRule("aws:kms", "${aws_kms_key.k.arn}", true)}}}), nil},
		{"SSE-S3 suppressed with a reason", "S3-005", with(goodBucket("b"), "aws_s3_bucket_server_side_encryption_configuration.b", "//", map[string]any{suppressionKey: map[string]any{"S3-005": "public website assets"}}), nil},
		{"inline SSE-S3", "S3-005", with(without(goodBucket("b"), "aws_s3_bucket_server_side_encryption_configuration.b"),
			"aws_s3_bucket.b", "server_side_encryption_configuration", map[string]any{"rule": sseRule("AES256", "", nil)}),
			[]string{"aws_s3_bucket.b server_side_encryption_configuration.rule: sse_algorithm is AES256"}},
		{"one compliant rule is enough", "S3-005", kmsBucket([]any{sseRule("AES256", "", nil), sseRule("aws:kms", "${aws_kms_key.k.arn}", true)}), nil},
		{"every problem is named", "S3-005", kmsBucket([]any{sseRule("aws:kms", "", false)}),
			[]string{"rule: sse_algorithm aws:kms without kms_master_key_id uses the AWS managed key aws/s3; bucket_key_enabled is not true"}},
	}
	for _, c := range cases {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			findings, err := Check("s", doc(t, c.doc))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				if f.RuleID == c.rule && !f.Suppressed {
					got = append(got, f.Address+" "+f.Path+": "+f.Message)
				}
				if f.RuleID == UnusedSuppression {
					t.Errorf("unexpected %s", f)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("%s findings:\n%s\nwant %d matching %q", c.rule, strings.Join(got, "\n"), len(c.want), c.want)
			}
			for i := range got {
				if !strings.Contains(got[i], c.want[i]) {
					t.Errorf("finding %d = %s\nwant it to contain %s", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestSuppressedSSES3IsReportedWithItsReason(t *testing.T) {
	f, err := Check("s", doc(t, with(goodBucket("b"), "aws_s3_bucket_server_side_encryption_configuration.b", "//", map[string]any{suppressionKey: map[string]any{"S3-005": "public website assets"}})))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range f {
		if x.RuleID == "S3-005" && x.Suppressed && x.SuppressionReason == "public website assets" && Err(f) == nil {
			return
		}
	}
	t.Errorf("no suppressed S3-005 (or something fails): %v", f)
}

func TestNameLimitsAreWellFormed(t *testing.T) {
	for typ, limits := range nameLimits {
		seen := map[string]bool{}
		for _, l := range limits {
			if l.attr == "" || l.max <= 0 || l.min > l.max || seen[l.attr] {
				t.Errorf("%s: bad limit %+v", typ, l)
			}
			if l.kind == suffixedPrefix && l.max <= uniqueSuffixLen {
				t.Errorf("%s.%s: a limit of %d leaves no room for a prefix", typ, l.attr, l.max)
			}
			seen[l.attr] = true
		}
	}
}

func TestLiteralText(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                               "plain",
		"${var.env}-orders-":                  "-orders-",
		"a${lookup({x = 1}, \"x\")}b${var.c}": "ab",
		"${aws_iam_role.r.name}":              "",
	} {
		if got := literalText(in); got != want {
			t.Errorf("literalText(%q) = %q, want %q", in, got, want)
		}
	}
}
