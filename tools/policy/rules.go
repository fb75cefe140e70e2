package policy

import "github.com/hybridstack/hybridstack/tools/tfjson"

// ruleTable holds every rule, in rule-id order. Each rule's check is a named
// function in the file of its area (rules_eks.go, rules_lambda.go, ...).
// The table is read, never modified: Rules returns a copy.
var ruleTable = []Rule{
	{ID: "API-001", Severity: Error, Title: "API Gateway stages write access logs with a format",
		Fix: "set access_log_settings { destination_arn, format }", Equivalents: Equivalents{"AwsSolutions-APIG1", "AVD-AWS-0001", "CKV_AWS_76"},
		check: checkAPIAccessLogs},
	{ID: "API-002", Severity: Error, Title: "every API route is authorized unless explicitly public",
		Fix: "set an authorizer on the route, or mark it public in the construct (which records a reviewed suppression)", Equivalents: Equivalents{"AwsSolutions-APIG4", "AVD-AWS-0004", ""},
		check: checkAPIRouteAuthorization},
	{ID: "API-003", Severity: Error, Title: "API custom domains require TLS 1.2",
		Fix: "set domain_name_configuration.security_policy = \"TLS_1_2\"", Equivalents: Equivalents{"", "AVD-AWS-0005", "CKV_AWS_206"},
		check: checkAPIDomainTLS},
	{ID: "API-004", Severity: Error, Title: "stage route settings name only routes the stage depends on",
		Fix: "add the route to the stage's depends_on (or drop its route_settings)", Equivalents: Equivalents{},
		check: checkAPIStageRouteSettings},
	{ID: "DATA-001", Severity: Error, Title: "data-bearing resources are protected from accidental destroy (unless the stack is disposable)",
		Fix: "set lifecycle { prevent_destroy = true } or deletion protection, or declare the stack disposable", Equivalents: Equivalents{"", "", ""},
		check: checkDestroyProtection},
	{ID: "ECS-001", Severity: Warning, Title: "ECS clusters have Container Insights on",
		Fix: "add setting { name = \"containerInsights\", value = \"enabled\" }", Equivalents: Equivalents{"AwsSolutions-ECS4", "AVD-AWS-0034", "CKV_AWS_65"},
		check: checkECSContainerInsights},
	{ID: "ECS-002", Severity: Error, Title: "ECS tasks log with awslogs, keep secrets out of environment, and get no public IP",
		Fix: "use logConfiguration awslogs, pass secrets through \"secrets\", and set assign_public_ip = false", Equivalents: Equivalents{"AwsSolutions-ECS7, AwsSolutions-ECS2", "AVD-AWS-0036", "CKV_AWS_333"},
		check: checkECSTaskHygiene},
	{ID: "EKS-001", Severity: Error, Title: "EKS API endpoint is private, or public only to explicit CIDRs (never 0.0.0.0/0)",
		Fix: "set endpoint_public_access = false, or list public_access_cidrs without 0.0.0.0/0", Equivalents: Equivalents{"AwsSolutions-EKS1", "AVD-AWS-0041", "CKV_AWS_38, CKV_AWS_39"},
		check: checkEKSPrivateEndpoint},
	{ID: "EKS-002", Severity: Error, Title: "EKS secrets are encrypted with a KMS key",
		Fix: "add encryption_config { provider { key_arn }, resources = [\"secrets\"] }", Equivalents: Equivalents{"", "AVD-AWS-0039", "CKV_AWS_58"},
		check: checkEKSSecretsEncryption},
	{ID: "EKS-003", Severity: Error, Title: "all five EKS control-plane log types are enabled",
		Fix: "set enabled_cluster_log_types to api, audit, authenticator, controllerManager, scheduler", Equivalents: Equivalents{"AwsSolutions-EKS2", "AVD-AWS-0038", "CKV_AWS_37"},
		check: checkEKSControlPlaneLogs},
	{ID: "EKS-004", Severity: Error, Title: "EKS uses access entries (API authentication) without a cluster-creator admin",
		Fix: "set access_config { authentication_mode = \"API\", bootstrap_cluster_creator_admin_permissions = false } and add access entries", Equivalents: Equivalents{},
		check: checkEKSAccessEntries},
	{ID: "EKS-005", Severity: Error, Title: "EKS nodes require IMDSv2 with hop limit 1",
		Fix: "use a launch template with metadata_options { http_tokens = \"required\", http_put_response_hop_limit = 1 }", Equivalents: Equivalents{"", "AVD-AWS-0130", "CKV_AWS_341"},
		check: checkEKSNodeIMDSv2},
	{ID: "EKS-006", Severity: Error, Title: "EKS node roles carry only node policies",
		Fix: "give workloads IRSA or Pod Identity roles instead of widening the node role", Equivalents: Equivalents{"AwsSolutions-IAM4", "", ""},
		check: checkEKSNodeRolePolicies},
	{ID: "EKS-007", Severity: Error, Title: "every EKS cluster has an administrator access entry",
		Fix: "add an access entry with an aws_eks_access_policy_association of AmazonEKSClusterAdminPolicy and access_scope { type = \"cluster\" }", Equivalents: Equivalents{},
		check: checkEKSAdminAccessEntry},
	{ID: "EKS-008", Severity: Error, Title: "compute depends on its role's policy attachments",
		Fix: "add the role's policy attachments and inline policies to the compute resource's depends_on", Equivalents: Equivalents{},
		check: checkComputeDependsOnRolePolicies},
	{ID: "IAM-001", Severity: Error, Title: "no policy allows Action \"*\" on Resource \"*\"",
		Fix: "list the actions and resources the principal needs", Equivalents: Equivalents{"AwsSolutions-IAM5", "AVD-AWS-0057", "CKV_AWS_1"},
		check: checkIAMFullAdmin},
	{ID: "IAM-002", Severity: Error, Title: "no service-wide wildcard actions (such as s3:*) without a documented reason",
		Fix: "list the actions, or suppress with the reason the whole service is needed", Equivalents: Equivalents{"AwsSolutions-IAM5", "AVD-AWS-0057", ""},
		check: checkIAMServiceWildcards},
	{ID: "IAM-003", Severity: Error, Title: "IRSA trust policies condition on both :sub and :aud",
		Fix: "add StringEquals on <issuer>:sub = system:serviceaccount:<ns>:<sa> and <issuer>:aud = sts.amazonaws.com", Equivalents: Equivalents{},
		check: checkIRSATrustConditions},
	{ID: "KMS-001", Severity: Error, Title: "KMS keys rotate",
		Fix: "set enable_key_rotation = true", Equivalents: Equivalents{"AwsSolutions-KMS5", "AVD-AWS-0065", "CKV_AWS_7"},
		check: checkKMSRotation},
	{ID: "LAM-001", Severity: Warning, Title: "Lambda functions trace with X-Ray (Active)",
		Fix: "set tracing_config { mode = \"Active\" }", Equivalents: Equivalents{"", "AVD-AWS-0066", "CKV_AWS_50"},
		check: checkLambdaTracing},
	{ID: "LAM-002", Severity: Error, Title: "every Lambda permission for an AWS service has a source_arn in the stack",
		Fix: "set source_arn to the invoking resource (bucket, rule, topic, API execution ARN)", Equivalents: Equivalents{"", "AVD-AWS-0067", "CKV_AWS_364"},
		check: checkLambdaPermissionSource},
	{ID: "LAM-003", Severity: Error, Title: "Lambda function URLs require authentication",
		Fix: "set authorization_type = \"AWS_IAM\" or put the function behind API Gateway", Equivalents: Equivalents{"", "", "CKV_AWS_258"},
		check: checkLambdaURLAuth},
	{ID: "LAM-004", Severity: Error, Title: "functions invoked asynchronously have a failure destination or DLQ",
		Fix: "add aws_lambda_function_event_invoke_config with destination_config.on_failure (or dead_letter_config)", Equivalents: Equivalents{"", "", "CKV_AWS_116"},
		check: checkLambdaAsyncFailureDestination},
	{ID: "LAM-005", Severity: Error, Title: "no secret-looking literals in Lambda environment variables",
		Fix: "store the secret in Secrets Manager or SSM and grant the function read access", Equivalents: Equivalents{"", "", "CKV_AWS_45"},
		check: checkLambdaEnvSecrets},
	{ID: "LAM-006", Severity: Error, Title: "every Lambda function has a log group in the stack with retention",
		Fix: "create /aws/lambda/<name> (with retention) in the stack, or point logging_config.log_group at one", Equivalents: Equivalents{},
		check: checkLambdaLogGroup},
	{ID: "LOG-001", Severity: Error, Title: "log groups have a finite retention",
		Fix: "set retention_in_days", Equivalents: Equivalents{"", "", "CKV_AWS_338"},
		check: checkLogRetention},
	{ID: "LOG-002", Severity: Error, Title: "log groups are encrypted with a customer managed KMS key",
		Fix: "set kms_key_id to a key whose policy lets logs.<region>.amazonaws.com use it (observe.NewLogGroup uses the stack's shared logs key)", Equivalents: Equivalents{"", "AVD-AWS-0017", "CKV_AWS_158"},
		check: checkLogEncryption},
	{ID: "MESH-001", Severity: Warning, Title: "App Mesh resources (end of support 2026-09-30)",
		Fix: "render the mesh with VPC Lattice (mesh.Lattice) or, inside one cluster, Istio ambient (mesh.IstioAmbient)", Equivalents: Equivalents{},
		check: checkAppMeshEndOfSupport},
	{ID: "MESH-002", Severity: Error, Title: "App Mesh egress is DROP_ALL and TLS is enforced between nodes",
		Fix: "set spec.egress_filter.type = \"DROP_ALL\" and client_policy.tls.enforce = true on backends", Equivalents: Equivalents{},
		check: checkAppMeshEgressAndTLS},
	{ID: "MESH-003", Severity: Error, Title: "VPC Lattice service networks and services with AWS_IAM auth have an auth policy",
		Fix: "add an aws_vpclattice_auth_policy whose resource_identifier is the service network's or service's id or ARN", Equivalents: Equivalents{},
		check: checkLatticeAuthPolicy},
	{ID: "NAME-001", Severity: Error, Title: "generated names plus Terraform's 26-character suffix fit the AWS limit",
		Fix: "shorten the name or name prefix (a prefix may be at most the limit minus 26 characters; load balancer prefixes at most 6)", Equivalents: Equivalents{},
		check: checkNameLengths},
	{ID: "NET-001", Severity: Error, Title: "every load balancer listener port is admitted by the load balancer's security groups",
		Fix: "add an ingress rule for the listener port to the load balancer's security group", Equivalents: Equivalents{},
		check: checkListenerPortsAdmitted},
	{ID: "OBS-001", Severity: Warning, Title: "every traffic-carrying resource (function, queue, API, load balancer, ECS service, Lattice service, database, Kafka cluster, file system) has a CloudWatch alarm watching it",
		Fix: "add an aws_cloudwatch_metric_alarm whose dimensions (or a metric_query metric's) name the resource, such as the construct's default alarms", Equivalents: Equivalents{},
		check: checkAlarmCoverage},
	{ID: "S3-001", Severity: Error, Title: "every bucket has its own public access block with all four settings",
		Fix: "add aws_s3_bucket_public_access_block for the bucket with all four settings true", Equivalents: Equivalents{"AwsSolutions-S2", "AVD-AWS-0086, 0087, 0091, 0093, 0094", "CKV2_AWS_6"},
		check: checkS3PublicAccessBlock},
	{ID: "S3-002", Severity: Error, Title: "every bucket has default encryption configured",
		Fix: "add aws_s3_bucket_server_side_encryption_configuration for the bucket", Equivalents: Equivalents{"AwsSolutions-S3", "AVD-AWS-0088", "CKV_AWS_145"},
		check: checkS3Encryption},
	{ID: "S3-003", Severity: Error, Title: "every bucket is versioned",
		Fix: "add aws_s3_bucket_versioning with status Enabled", Equivalents: Equivalents{"", "AVD-AWS-0090", "CKV_AWS_21"},
		check: checkS3Versioning},
	{ID: "S3-004", Severity: Error, Title: "every bucket policy denies requests without TLS",
		Fix: "add a bucket policy statement denying s3:* when aws:SecureTransport is false", Equivalents: Equivalents{"AwsSolutions-S10", "", ""},
		check: checkS3TLSOnly},
	{ID: "S3-005", Severity: Error, Title: "buckets encrypt with a customer managed KMS key and S3 Bucket Keys",
		Fix: "set rule { apply_server_side_encryption_by_default { sse_algorithm = \"aws:kms\", kms_master_key_id = <key ARN> }, bucket_key_enabled = true }, or suppress S3-005 on the encryption configuration with the reason SSE-S3 is enough", Equivalents: Equivalents{"", "AVD-AWS-0132", "CKV_AWS_145, CKV2_AWS_67"},
		check: checkS3CustomerManagedKey},
	{ID: "SQS-001", Severity: Error, Title: "SQS queues are encrypted at rest",
		Fix: "set sqs_managed_sse_enabled = true or kms_master_key_id", Equivalents: Equivalents{"AwsSolutions-SQS2", "AVD-AWS-0096", "CKV_AWS_27"},
		check: checkSQSEncryption},
	{ID: "SQS-002", Severity: Warning, Title: "SQS queues have a dead-letter queue unless they are one",
		Fix: "set redrive_policy with a dead-letter queue", Equivalents: Equivalents{"AwsSolutions-SQS3", "", ""},
		check: checkSQSDeadLetterQueue},
	{ID: "SQS-003", Severity: Error, Title: "an SQS queue's visibility timeout covers its consumer Lambda's timeout",
		Fix: "set visibility_timeout_seconds to at least the function timeout (AWS recommends 6x plus the batching window)", Equivalents: Equivalents{},
		check: checkSQSVisibilityTimeout},
}

// ruleByID indexes ruleTable. Package variable initialization runs in
// dependency order, so it is complete before any init function or caller.
var ruleByID = indexRules(ruleTable)

func indexRules(rules []Rule) map[string]Rule {
	out := make(map[string]Rule, len(rules))
	for _, r := range rules {
		out[r.ID] = r
	}
	return out
}

// dependencies returns the addresses Terraform must create before r (and
// destroy after it): those r's depends_on list and ${...} expressions name,
// and theirs in turn.
func (d *Doc) dependencies(r Resource) map[string]bool {
	seen := map[string]bool{}
	queue := d.directDependencies(r)
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		if seen[a] {
			continue
		}
		seen[a] = true
		if next, ok := d.Get(a); ok {
			queue = append(queue, d.directDependencies(next)...)
		}
	}
	return seen
}

// directDependencies returns the depends_on entries of r and the resources
// of the document its expressions refer to (tfjson.References: also inside
// function calls, such as aws_eks_cluster.c in
// ${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, ...)}).
func (d *Doc) directDependencies(r Resource) []string {
	out := append([]string(nil), r.DependsOn...)
	for k, v := range r.Attrs {
		if k == "depends_on" {
			continue
		}
		tfjson.Walk(v, func(_, s string) {
			for _, ref := range tfjson.References(s) {
				if _, ok := d.Model.Resources[ref.Address]; ok && ref.Kind == tfjson.Resource {
					out = append(out, ref.Address)
				}
			}
		})
	}
	return out
}

// uniq returns ss without repeats, in first-seen order.
func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
