package kube

import "github.com/hybridstack/hybridstack/constructs/iamdoc"

// loadBalancerControllerPolicy is the IAM policy the AWS Load Balancer
// Controller documents for itself (docs/install/iam_policy.json of
// kubernetes-sigs/aws-load-balancer-controller), kept at the pinned release,
// v3.5.0: sixteen statements, action for action those of v2.14 (the v2.8 set
// plus GetSecurityGroupsForVpc, DescribeIpamPools, DescribeRouteTables,
// DescribeTrustStores, DescribeCapacityReservation,
// ModifyCapacityReservation, ModifyIpPools). No release from v2.14 to v3.5
// is known to add an action to it: release notes downstream report it
// unchanged from v2.13.4 to v3.4.0, and the first addition announced
// upstream is v3.7.0's ec2:ValidateSecurityGroupQuotasForInterface; the file
// at tag v3.5.0 itself could not be read offline. The Global Accelerator
// controller of v3.4+ has a policy of its own
// (aga_controller_iam_policy.json), not granted here: its feature gate
// GlobalAcceleratorController stays off. Writes to load balancers, target
// groups and security groups are limited, as upstream, to resources tagged
// elbv2.k8s.aws/cluster (the ones the controller created);
// RegisterTargets/DeregisterTargets apply to any target group, which is what
// lets TargetGroupBinding fill target groups made by Terraform. partition is
// the stack's partition (a token).
func loadBalancerControllerPolicy(partition string) []iamdoc.Statement {
	arn := func(rest string) string { return "arn:" + partition + ":" + rest }
	tagged := map[string]map[string]any{"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
	requestTagged := map[string]map[string]any{"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}
	retag := map[string]map[string]any{"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
	elb := []string{
		arn("elasticloadbalancing:*:*:targetgroup/*/*"),
		arn("elasticloadbalancing:*:*:loadbalancer/net/*/*"),
		arn("elasticloadbalancing:*:*:loadbalancer/app/*/*"),
	}
	return []iamdoc.Statement{
		{Sid: "ServiceLinkedRole", Effect: "Allow", Actions: []string{"iam:CreateServiceLinkedRole"}, Resources: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}},
		iamdoc.Allow("Describe", []string{
			"ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
			"ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections",
			"ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
			"ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools",
			"ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
			"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
			"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes",
			"elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies",
			"elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
			"elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
			"elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores",
			"elasticloadbalancing:DescribeCapacityReservation",
		}, "*"),
		iamdoc.Allow("Integrations", []string{
			"cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate",
			"iam:ListServerCertificates", "iam:GetServerCertificate",
			"waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
			"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
			"shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
		}, "*"),
		iamdoc.Allow("SecurityGroupIngress", []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"}, "*"),
		iamdoc.Allow("CreateSecurityGroup", []string{"ec2:CreateSecurityGroup"}, "*"),
		{Sid: "TagNewSecurityGroup", Effect: "Allow", Actions: []string{"ec2:CreateTags"}, Resources: []string{arn("ec2:*:*:security-group/*")},
			Condition: map[string]map[string]any{"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}, "Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}},
		{Sid: "RetagOwnSecurityGroup", Effect: "Allow", Actions: []string{"ec2:CreateTags", "ec2:DeleteTags"}, Resources: []string{arn("ec2:*:*:security-group/*")}, Condition: retag},
		{Sid: "OwnSecurityGroup", Effect: "Allow", Actions: []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"}, Resources: []string{"*"}, Condition: tagged},
		{Sid: "CreateLoadBalancer", Effect: "Allow", Actions: []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"}, Resources: []string{"*"}, Condition: requestTagged},
		iamdoc.Allow("ListenersAndRules", []string{
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
		}, "*"),
		{Sid: "RetagOwnLoadBalancer", Effect: "Allow", Actions: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, Resources: elb, Condition: retag},
		iamdoc.Allow("TagListenersAndRules", []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
			arn("elasticloadbalancing:*:*:listener/net/*/*/*"), arn("elasticloadbalancing:*:*:listener/app/*/*/*"),
			arn("elasticloadbalancing:*:*:listener-rule/net/*/*/*"), arn("elasticloadbalancing:*:*:listener-rule/app/*/*/*")),
		{Sid: "OwnLoadBalancer", Effect: "Allow", Actions: []string{
			"elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyLoadBalancerAttributes",
			"elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
			"elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
			"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
		}, Resources: []string{"*"}, Condition: tagged},
		{Sid: "TagOnCreate", Effect: "Allow", Actions: []string{"elasticloadbalancing:AddTags"}, Resources: elb,
			Condition: map[string]map[string]any{
				"StringEquals": {"elasticloadbalancing:CreateAction": []string{"CreateTargetGroup", "CreateLoadBalancer"}},
				"Null":         {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"},
			}},
		iamdoc.Allow("Targets", []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"}, arn("elasticloadbalancing:*:*:targetgroup/*/*")),
		iamdoc.Allow("ListenerChanges", []string{
			"elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener",
			"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
			"elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
		}, "*"),
	}
}

// clusterAutoscalerPolicy is the least-privilege policy of the EKS best
// practices guide for cluster-autoscaler: describe calls everywhere, and
// scaling only Auto Scaling groups tagged as enabled for, and owned by, this
// cluster (EKS tags its managed node groups' groups so).
func clusterAutoscalerPolicy(cluster string) []iamdoc.Statement {
	return []iamdoc.Statement{
		{Sid: "ScaleOwnGroups", Effect: "Allow", Actions: []string{"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"}, Resources: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {
				"aws:ResourceTag/k8s.io/cluster-autoscaler/enabled":    "true",
				"aws:ResourceTag/k8s.io/cluster-autoscaler/" + cluster: "owned",
			}}},
		iamdoc.Allow("Describe", []string{
			"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
			"autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags",
			"ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions",
			"ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup",
		}, "*"),
	}
}
