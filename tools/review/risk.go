package review

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Severity of a finding. High findings fail the review unless
// acknowledged.
type Severity string

// The severities, worst first.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

func (s Severity) rank() int {
	switch s {
	case High:
		return 0
	case Medium:
		return 1
	}
	return 2
}

// The risk classes.
const (
	ClassDataLoss      = "data-loss"
	ClassProtection    = "protection-lost"
	ClassIAM           = "iam-widened"
	ClassNetwork       = "network-opened"
	ClassEncryptionOff = "encryption-off"
	ClassLoggingOff    = "logging-off"
	ClassApply         = "apply-risk"
)

// Classes lists the risk classes with what each means.
var Classes = []struct{ Class, Means string }{
	{ClassDataLoss, "a data-bearing resource (bucket, KMS key, cluster, file system, Kafka, database, table, log group, Prometheus or Grafana workspace, repository, secret, queue, user pool) is destroyed or replaced"},
	{ClassProtection, "prevent_destroy, deletion protection, final snapshots, versioning, Object Lock or backups are removed or weakened"},
	{ClassIAM, "a policy grants new actions, `*` actions or resources, new principals or trust, loses a condition or a Deny"},
	{ClassNetwork, "a security group admits new CIDRs, or something becomes public (endpoint, load balancer, database, bucket, route without authorization)"},
	{ClassEncryptionOff, "encryption at rest or in transit is turned off or loses its customer managed key"},
	{ClassLoggingOff, "logs, access logs, flow logs or audit logs are turned off, removed or kept for less time"},
	{ClassApply, "the apply is likely to fail partway (a replaced security group still in use)"},
	{ClassSettingLost, "a singleton setting of a live resource (a bucket's public access block, policy, encryption, versioning...) is deleted at one address and created at another in no defined order: it may be gone after the apply"},
}

// Finding is one risky change.
type Finding struct {
	Severity Severity `json:"severity"`
	Class    string   `json:"class"`
	Stack    string   `json:"stack"`
	Address  string   `json:"address"`
	// Path is the construct path of the resource.
	Path string `json:"path"`
	// Attr is the attribute path, when one attribute is the cause.
	Attr    string `json:"attr,omitempty"`
	Message string `json:"message"`
	// Acknowledged findings carry the reason from the acknowledgement file.
	Acknowledged bool   `json:"acknowledged,omitempty"`
	AckReason    string `json:"ack_reason,omitempty"`
}

// leaf is a value at a path and whether the path is set at all.
type leaf struct {
	v       any
	present bool
}

func (l leaf) bool() bool { b, _ := l.v.(bool); return l.present && b }
func (l leaf) str() string {
	if !l.present {
		return ""
	}
	if s, ok := l.v.(string); ok {
		return s
	}
	b, _ := json.Marshal(l.v)
	return string(b)
}
func (l leaf) num() (float64, bool) {
	f, ok := l.v.(float64)
	return f, ok && l.present
}
func (l leaf) list() []string {
	items, _ := l.v.([]any)
	out := make([]string, 0, len(items))
	for _, e := range items {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// attrRule flags a change of one attribute. Bad says whether a value is
// risky (and how to say so); a finding is raised when the head value is
// risky and the base one was not. For created resources only values set
// explicitly count, unless OnCreate.
type attrRule struct {
	Types    []string // empty: every type
	Path     string   // flattened path without indices, or an exact flattened path
	Class    string
	Severity Severity
	// Bad judges one side's value; the message explains the head value.
	Bad func(l leaf) (bool, string)
	// Worse, when set, compares base and head instead of Bad.
	Worse func(base, head leaf) (bool, string)
	// OnCreate also judges a created resource's unset attribute.
	OnCreate bool
	// ChangeOnly judges changes of existing resources only: the value is
	// a deliberate choice when a resource is created with it (an internal
	// listener on plain HTTP records its reason in the construct).
	ChangeOnly bool
}

func isFalse(what string) func(leaf) (bool, string) {
	return func(l leaf) (bool, string) { return !l.bool(), what }
}
func isTrue(what string) func(leaf) (bool, string) {
	return func(l leaf) (bool, string) { return l.bool(), what }
}
func unset(what string) func(leaf) (bool, string) {
	return func(l leaf) (bool, string) { return !l.present || l.str() == "", what }
}
func equals(value, what string) func(leaf) (bool, string) {
	return func(l leaf) (bool, string) { return l.present && l.str() == value, what }
}
func notEquals(value, what string) func(leaf) (bool, string) {
	return func(l leaf) (bool, string) { return l.str() != value, what }
}
func decreased(what string) func(base, head leaf) (bool, string) {
	return func(b, h leaf) (bool, string) {
		bv, okB := b.num()
		hv, okH := h.num()
		if !okB {
			return false, ""
		}
		if !okH {
			return true, fmt.Sprintf("%s: %v -> unset", what, bv)
		}
		// 0 means "never expire" for log retention; treat it as infinite.
		if bv == 0 {
			return hv != 0, fmt.Sprintf("%s: never -> %v", what, hv)
		}
		return hv != 0 && hv < bv, fmt.Sprintf("%s: %v -> %v", what, bv, hv)
	}
}
func shrunk(what string) func(base, head leaf) (bool, string) {
	return func(b, h leaf) (bool, string) {
		have := map[string]bool{}
		for _, e := range h.list() {
			have[e] = true
		}
		var lost []string
		for _, e := range b.list() {
			if !have[e] {
				lost = append(lost, e)
			}
		}
		return len(lost) > 0, fmt.Sprintf("%s no longer includes %s", what, strings.Join(lost, ", "))
	}
}
func grew(what string) func(base, head leaf) (bool, string) {
	return func(b, h leaf) (bool, string) {
		had := map[string]bool{}
		for _, e := range b.list() {
			had[e] = true
		}
		var gained []string
		for _, e := range h.list() {
			if !had[e] {
				gained = append(gained, e)
			}
		}
		return len(gained) > 0, fmt.Sprintf("%s now includes %s", what, strings.Join(gained, ", "))
	}
}

// openCIDR reports whether a CIDR is a whole address family (0.0.0.0/0,
// ::/0, however written).
func openCIDR(l leaf) (bool, string) {
	p, ok := parseCIDR(l.str())
	return ok && p.Bits() == 0, "admits the whole Internet (" + l.str() + ")"
}

var attrRules = []attrRule{
	// Protection.
	{Path: "lifecycle.prevent_destroy", Class: ClassProtection, Severity: High, Bad: isFalse("lifecycle.prevent_destroy is no longer set: Terraform will destroy it when asked")},
	{Types: []string{"aws_db_instance", "aws_rds_cluster", "aws_lb"}, Path: "deletion_protection", Class: ClassProtection, Severity: High, Bad: isFalse("deletion protection is off")},
	{Types: []string{"aws_dynamodb_table"}, Path: "deletion_protection_enabled", Class: ClassProtection, Severity: High, Bad: isFalse("deletion protection is off")},
	{Types: []string{"aws_cognito_user_pool"}, Path: "deletion_protection", Class: ClassProtection, Severity: High, Bad: notEquals("ACTIVE", "deletion protection is not ACTIVE")},
	{Types: []string{"aws_s3_bucket"}, Path: "force_destroy", Class: ClassProtection, Severity: High, Bad: isTrue("force_destroy deletes every object (and version) on destroy")},
	{Types: []string{"aws_ecr_repository"}, Path: "force_delete", Class: ClassProtection, Severity: High, Bad: isTrue("force_delete deletes every image on destroy")},
	{Types: []string{"aws_db_instance", "aws_rds_cluster"}, Path: "skip_final_snapshot", Class: ClassProtection, Severity: High, Bad: isTrue("no final snapshot is taken on destroy")},
	{Types: []string{"aws_db_instance", "aws_rds_cluster"}, Path: "backup_retention_period", Class: ClassProtection, Severity: Medium, Worse: decreased("automated backups are kept for less time (days)")},
	{Types: []string{"aws_s3_bucket_versioning"}, Path: "versioning_configuration.status", Class: ClassProtection, Severity: High, Bad: notEquals("Enabled", "versioning is no longer Enabled")},
	{Types: []string{"aws_s3_bucket_object_lock_configuration"}, Path: "rule.default_retention.days", Class: ClassProtection, Severity: Medium, Worse: decreased("Object Lock keeps new objects for less time (days)")},
	{Types: []string{"aws_s3_bucket_object_lock_configuration"}, Path: "rule.default_retention.mode", Class: ClassProtection, Severity: High, Bad: equals("GOVERNANCE", "Object Lock mode is GOVERNANCE: users with s3:BypassGovernanceRetention can delete locked versions")},
	{Types: []string{"aws_kms_key"}, Path: "deletion_window_in_days", Class: ClassProtection, Severity: Medium, Worse: decreased("the key's deletion waiting period is shorter (days)")},
	{Types: []string{"aws_secretsmanager_secret"}, Path: "recovery_window_in_days", Class: ClassProtection, Severity: High, Bad: equals("0", "the secret is deleted at once, without a recovery window")},
	{Types: []string{"aws_efs_backup_policy"}, Path: "backup_policy.status", Class: ClassProtection, Severity: Medium, Bad: equals("DISABLED", "automatic EFS backups are DISABLED")},
	{Types: []string{"aws_ecr_repository"}, Path: "image_tag_mutability", Class: ClassProtection, Severity: Medium, Bad: equals("MUTABLE", "image tags are MUTABLE: a tag can be overwritten")},

	// Network. The address space security group ingress rules admit is
	// judged by addressFindings (sgrules.go).
	{Types: []string{"aws_vpc_security_group_egress_rule"}, Path: "cidr_ipv4", Class: ClassNetwork, Severity: Low, Bad: func(l leaf) (bool, string) {
		open, _ := openCIDR(l)
		return open, "allows traffic out to the whole Internet (" + l.str() + ")"
	}, OnCreate: true},
	{Types: []string{"aws_vpc_security_group_ingress_rule"}, Path: "ip_protocol", Class: ClassNetwork, Severity: High, Bad: equals("-1", "admits every protocol and port (ip_protocol -1)")},
	{Types: []string{"aws_vpc_security_group_ingress_rule"}, Path: "from_port", Class: ClassNetwork, Severity: Medium, Worse: portWidened("the rule's lowest port")},
	{Types: []string{"aws_vpc_security_group_ingress_rule"}, Path: "to_port", Class: ClassNetwork, Severity: Medium, Worse: portWidened("the rule's highest port")},
	{Types: []string{"aws_eks_cluster"}, Path: "vpc_config.endpoint_public_access", Class: ClassNetwork, Severity: High, Bad: isTrue("the Kubernetes API endpoint is public")},
	{Types: []string{"aws_eks_cluster"}, Path: "vpc_config.public_access_cidrs", Class: ClassNetwork, Severity: High, Worse: grew("the public API endpoint's CIDRs")},
	{Types: []string{"aws_lb"}, Path: "internal", Class: ClassNetwork, Severity: High, Bad: isFalse("the load balancer is internet-facing (internal is false or unset)"), OnCreate: true},
	{Types: []string{"aws_db_instance"}, Path: "publicly_accessible", Class: ClassNetwork, Severity: High, Bad: isTrue("the database is publicly accessible")},
	{Types: []string{"aws_subnet"}, Path: "map_public_ip_on_launch", Class: ClassNetwork, Severity: Medium, Bad: isTrue("instances in the subnet get public IP addresses")},
	{Types: []string{"aws_s3_bucket_public_access_block"}, Path: "block_public_acls", Class: ClassNetwork, Severity: High, Bad: isFalse("public ACLs are no longer blocked")},
	{Types: []string{"aws_s3_bucket_public_access_block"}, Path: "block_public_policy", Class: ClassNetwork, Severity: High, Bad: isFalse("public bucket policies are no longer blocked")},
	{Types: []string{"aws_s3_bucket_public_access_block"}, Path: "ignore_public_acls", Class: ClassNetwork, Severity: High, Bad: isFalse("public ACLs are no longer ignored")},
	{Types: []string{"aws_s3_bucket_public_access_block"}, Path: "restrict_public_buckets", Class: ClassNetwork, Severity: High, Bad: isFalse("public bucket access is no longer restricted")},
	{Types: []string{"aws_apigatewayv2_route"}, Path: "authorization_type", Class: ClassNetwork, Severity: High, Bad: func(l leaf) (bool, string) {
		return !l.present || l.str() == "NONE", "the route has no authorization (authorization_type NONE or unset)"
	}},
	{Types: []string{"aws_vpclattice_service", "aws_vpclattice_service_network"}, Path: "auth_type", Class: ClassNetwork, Severity: High, Bad: notEquals("AWS_IAM", "callers are not authenticated (auth_type is not AWS_IAM)")},
	{Types: []string{"aws_msk_cluster"}, Path: "client_authentication.unauthenticated", Class: ClassNetwork, Severity: High, Bad: isTrue("clients may connect without authentication")},
	{Types: []string{"aws_cognito_user_pool"}, Path: "admin_create_user_config.allow_admin_create_user_only", Class: ClassNetwork, Severity: Medium, Bad: isFalse("anyone may sign up to the user pool")},
	{Types: []string{"aws_cognito_user_pool"}, Path: "mfa_configuration", Class: ClassProtection, Severity: Medium, Bad: func(l leaf) (bool, string) {
		return !l.present || l.str() == "OFF", "multi-factor authentication is OFF"
	}},
	{Types: []string{"aws_lambda_function_url"}, Path: "authorization_type", Class: ClassNetwork, Severity: High, Bad: equals("NONE", "the function URL has no authorization")},
	{Types: []string{"aws_msk_cluster"}, Path: "broker_node_group_info.connectivity_info.public_access.type", Class: ClassNetwork, Severity: High, Bad: equals("SERVICE_PROVIDED_EIPS", "brokers are reachable from the Internet")},

	// Encryption.
	{Types: []string{"aws_db_instance", "aws_rds_cluster"}, Path: "storage_encrypted", Class: ClassEncryptionOff, Severity: High, Bad: isFalse("storage is not encrypted")},
	{Types: []string{"aws_db_instance", "aws_rds_cluster"}, Path: "kms_key_id", Class: ClassEncryptionOff, Severity: Medium, Bad: unset("storage no longer uses the customer managed key")},
	{Types: []string{"aws_db_parameter_group"}, Path: "parameter[name=rds.force_ssl].value", Class: ClassEncryptionOff, Severity: High, Bad: equals("0", "connections without TLS are accepted (rds.force_ssl = 0)")},
	{Types: []string{"aws_efs_file_system"}, Path: "encrypted", Class: ClassEncryptionOff, Severity: High, Bad: isFalse("the file system is not encrypted")},
	{Types: []string{"aws_eks_cluster"}, Path: "encryption_config.provider.key_arn", Class: ClassEncryptionOff, Severity: High, Bad: unset("Kubernetes secrets are no longer envelope-encrypted with KMS")},
	{Types: []string{"aws_msk_cluster"}, Path: "encryption_info.encryption_in_transit.client_broker", Class: ClassEncryptionOff, Severity: High, Bad: func(l leaf) (bool, string) {
		return l.present && l.str() != "TLS", "clients may connect to brokers in plaintext (" + l.str() + ")"
	}},
	{Types: []string{"aws_msk_cluster"}, Path: "encryption_info.encryption_in_transit.in_cluster", Class: ClassEncryptionOff, Severity: High, Bad: func(l leaf) (bool, string) {
		return l.present && !l.bool(), "traffic between brokers is not encrypted"
	}},
	{Types: []string{"aws_msk_cluster"}, Path: "encryption_info.encryption_at_rest_kms_key_arn", Class: ClassEncryptionOff, Severity: Medium, Bad: unset("data at rest no longer uses the customer managed key")},
	{Types: []string{"aws_sqs_queue"}, Path: "kms_master_key_id", Class: ClassEncryptionOff, Severity: Medium, Bad: unset("the queue no longer uses a customer managed key")},
	{Types: []string{"aws_sqs_queue"}, Path: "sqs_managed_sse_enabled", Class: ClassEncryptionOff, Severity: High, Bad: func(l leaf) (bool, string) {
		return l.present && !l.bool(), "server-side encryption is turned off"
	}},
	{Types: []string{"aws_sns_topic", "aws_cloudwatch_log_group", "aws_secretsmanager_secret"}, Path: "kms_key_id", Class: ClassEncryptionOff, Severity: Medium, Bad: unset("no longer encrypted with the customer managed key")},
	{Types: []string{"aws_sns_topic"}, Path: "kms_master_key_id", Class: ClassEncryptionOff, Severity: Medium, Bad: unset("the topic is no longer encrypted with a customer managed key")},
	{Types: []string{"aws_kms_key"}, Path: "enable_key_rotation", Class: ClassEncryptionOff, Severity: Medium, Bad: isFalse("automatic key rotation is off")},
	{Types: []string{"aws_prometheus_workspace"}, Path: "kms_key_arn", Class: ClassEncryptionOff, Severity: Medium, Bad: unset("stored metrics are no longer encrypted with the customer managed key")},
	{Types: []string{"aws_s3_bucket_server_side_encryption_configuration"}, Path: "rule.apply_server_side_encryption_by_default.sse_algorithm", Class: ClassEncryptionOff, Severity: Medium, Bad: func(l leaf) (bool, string) {
		return !strings.HasPrefix(l.str(), "aws:kms"), "objects are no longer encrypted with KMS (" + l.str() + ")"
	}},
	{Types: []string{"aws_ecr_repository"}, Path: "encryption_configuration.encryption_type", Class: ClassEncryptionOff, Severity: Medium, Bad: notEquals("KMS", "images are no longer encrypted with KMS")},
	{Types: []string{"aws_launch_template"}, Path: "block_device_mappings.ebs.encrypted", Class: ClassEncryptionOff, Severity: High, Bad: func(l leaf) (bool, string) {
		return l.str() == "false", "node volumes are not encrypted"
	}},
	{Types: []string{"aws_lb_listener"}, Path: "protocol", Class: ClassEncryptionOff, Severity: High, Bad: equals("HTTP", "the listener serves plaintext HTTP"), ChangeOnly: true},
	{Types: []string{"aws_appmesh_virtual_node"}, Path: "spec.backend_defaults.client_policy.tls.enforce", Class: ClassEncryptionOff, Severity: High, Bad: isFalse("mesh clients no longer require TLS")},

	// Logging.
	{Types: []string{"aws_eks_cluster"}, Path: "enabled_cluster_log_types", Class: ClassLoggingOff, Severity: Medium, Worse: shrunk("control plane logging")},
	{Types: []string{"aws_db_instance"}, Path: "enabled_cloudwatch_logs_exports", Class: ClassLoggingOff, Severity: Medium, Worse: shrunk("log exports")},
	{Types: []string{"aws_apigatewayv2_stage"}, Path: "access_log_settings.destination_arn", Class: ClassLoggingOff, Severity: High, Bad: unset("the stage writes no access logs")},
	{Types: []string{"aws_cloudwatch_log_group"}, Path: "retention_in_days", Class: ClassLoggingOff, Severity: Medium, Worse: decreased("logs are kept for less time (days)")},
	{Types: []string{"aws_prometheus_workspace"}, Path: "logging_configuration.log_group_arn", Class: ClassLoggingOff, Severity: Low, Bad: unset("the workspace no longer logs its rule and alert manager errors")},
	{Types: []string{"aws_lambda_function"}, Path: "tracing_config.mode", Class: ClassLoggingOff, Severity: Low, Bad: notEquals("Active", "X-Ray tracing is not Active")},
	{Types: []string{"aws_lambda_function"}, Path: "logging_config.log_group", Class: ClassLoggingOff, Severity: Medium, Bad: unset("the function no longer logs to its own log group")},
	{Types: []string{"aws_lb"}, Path: "access_logs.enabled", Class: ClassLoggingOff, Severity: Medium, Bad: isFalse("load balancer access logs are off")},
	{Types: []string{"aws_msk_cluster"}, Path: "logging_info.broker_logs.cloudwatch_logs.enabled", Class: ClassLoggingOff, Severity: Medium, Bad: isFalse("broker logs are off")},
	{Types: []string{"aws_ecs_cluster"}, Path: "setting.value", Class: ClassLoggingOff, Severity: Low, Bad: equals("disabled", "Container Insights is disabled")},
	{Types: []string{"aws_ecs_task_definition"}, Path: "container_definitions.logConfiguration.logDriver", Class: ClassLoggingOff, Severity: Medium, Bad: unset("a container no longer sends its logs anywhere")},
}

// portWidened flags a port bound that moved outward.
func portWidened(what string) func(base, head leaf) (bool, string) {
	return func(b, h leaf) (bool, string) {
		bv, okB := b.num()
		hv, okH := h.num()
		if !okB || !okH || bv == hv {
			return false, ""
		}
		wider := (strings.Contains(what, "lowest") && hv < bv) || (strings.Contains(what, "highest") && hv > bv)
		return wider, fmt.Sprintf("%s: %v -> %v", what, bv, hv)
	}
}

// deleteRules flag the deletion of resources that protect, encrypt or log
// something else.
var deleteRules = map[string]struct {
	Class    string
	Severity Severity
	Message  string
}{
	"aws_flow_log":                                       {ClassLoggingOff, High, "VPC flow logs are removed"},
	"aws_vpclattice_access_log_subscription":             {ClassLoggingOff, High, "the service network's access logs are removed"},
	"aws_s3_bucket_logging":                              {ClassLoggingOff, Medium, "the bucket's access logging is removed"},
	"aws_s3_bucket_public_access_block":                  {ClassNetwork, High, "the bucket's public access block is removed"},
	"aws_s3_bucket_server_side_encryption_configuration": {ClassEncryptionOff, Medium, "the bucket's KMS default encryption is removed (S3 falls back to SSE-S3)"},
	"aws_s3_bucket_versioning":                           {ClassProtection, High, "the bucket's versioning configuration is removed"},
	"aws_s3_bucket_object_lock_configuration":            {ClassProtection, High, "the bucket's Object Lock default retention is removed"},
	"aws_efs_backup_policy":                              {ClassProtection, Medium, "the file system's backup policy is removed"},
	"aws_cloudwatch_metric_alarm":                        {ClassLoggingOff, Low, "an alarm is removed"},
	"aws_cloudwatch_composite_alarm":                     {ClassLoggingOff, Low, "a composite alarm is removed"},
	"aws_prometheus_rule_group_namespace":                {ClassLoggingOff, Low, "Prometheus recording and alerting rules are removed"},
	"aws_prometheus_alert_manager_definition":            {ClassLoggingOff, Low, "the workspace's alert manager configuration is removed: its alerts go nowhere"},
	"aws_prometheus_scraper":                             {ClassLoggingOff, Medium, "the managed collector is removed: the cluster's metrics stop reaching the workspace"},
}

// Classify returns the findings of a stack's changes.
func (d *StackDiff) Classify() []Finding {
	var out []Finding
	add := func(c ResourceChange, sev Severity, class, attr, msg string) {
		out = append(out, Finding{Severity: sev, Class: class, Stack: d.Stack, Address: c.Address, Path: c.Path, Attr: attr, Message: msg})
	}
	for _, c := range d.Changes {
		var base, head *Resource
		switch c.Action {
		case Forget:
			continue // Terraform lets go of it; AWS keeps it as it is
		case Create:
			head = d.head.Resources[c.Address]
		case Delete:
			base = d.base.Resources[c.Address]
		default:
			from := c.Address
			if c.From != "" {
				from = c.From
			}
			base, head = d.base.Resources[from], d.head.Resources[c.Address]
		}
		// Data destroyed.
		if what, ok := DataBearing(c.Type); ok {
			verb := ""
			switch c.Action {
			case Delete:
				verb = "is destroyed"
			case Replace:
				verb = "is replaced (destroyed, then created empty)"
			case Rename:
				verb = fmt.Sprintf("is destroyed and created empty under a new address (from %s): add the moved block", c.From)
				if c.Fix != nil && len(c.Fix.StillReplaced) > 0 {
					verb += " and keep " + strings.Join(backquote(c.Fix.StillReplaced), ", ") + " as it was"
				}
			}
			if verb != "" {
				msg := fmt.Sprintf("%s %s: %s lost", c.Type, verb, what)
				switch c.Type {
				case "aws_s3_bucket":
					if fd, _ := base.Attrs["force_destroy"].(bool); !fd {
						msg += " (S3 refuses to delete a bucket that is not empty, so the apply fails partway unless it is emptied first)"
					}
				case "aws_kms_key":
					days := 30.0
					if v, ok := base.Attrs["deletion_window_in_days"].(float64); ok {
						days = v
					}
					msg += fmt.Sprintf(" (the key is scheduled for deletion after %v days; until then it can be cancelled)", days)
				}
				note := d.movedReplaceNote(c)
				msg += note
				if note == "" && c.Action == Replace && len(c.ReplacedBecause) > 0 {
					var why []string
					for _, w := range c.ReplacedBecause {
						if !strings.Contains(w, " ") {
							w = "`" + w + "` changes and forces a new resource"
						}
						why = append(why, w)
					}
					msg += "; because " + strings.Join(why, "; ")
				}
				if c.PreventDestroy {
					if c.Action == Replace {
						msg += ". It has lifecycle.prevent_destroy, so terraform plan fails until that is removed: do not remove it to get past this"
					} else {
						// Terraform keeps no prevent_destroy in the state: the
						// guard leaves the configuration with the resource.
						msg += ". Its lifecycle.prevent_destroy leaves the configuration with it, so Terraform destroys it without refusing"
					}
				}
				add(c, High, ClassDataLoss, "", msg)
			}
		}
		if c.Type == "aws_security_group" && (c.Action == Replace || c.Action == Rename) {
			if users := d.attachedTo(c.Address); len(users) > 0 {
				add(c, Medium, ClassApply, "", "the security group is recreated while "+summarize(users)+" use it: EC2 refuses to delete a group that network interfaces still hold (DependencyViolation) and the apply stalls; keep the description and name, or give the group create_before_destroy")
			}
		}
		if c.Action == Delete {
			if r, ok := deleteRules[c.Type]; ok {
				add(c, r.Severity, r.Class, "", r.Message)
			}
			out = append(out, d.iamFindings(c, base, nil)...)
			continue
		}
		var before map[string]any
		if base != nil {
			before = flatten(base.Attrs)
		}
		after := flatten(head.Attrs)
		for _, rule := range attrRules {
			if len(rule.Types) > 0 && !contains(rule.Types, c.Type) {
				continue
			}
			// Every element a rule's path matches is judged (each
			// container, each block device), paired by its exact path.
			for _, p := range matchingPaths(before, after, rule.Path) {
				bv, inB := before[p]
				hv, inA := after[p]
				bl, hl := leaf{bv, inB}, leaf{hv, inA}
				if base == nil && ((!hl.present && !rule.OnCreate) || rule.ChangeOnly) {
					continue
				}
				var bad bool
				var msg string
				if rule.Worse != nil {
					if base == nil && !rule.OnCreate {
						continue
					}
					bad, msg = rule.Worse(bl, hl)
				} else {
					var headBad bool
					headBad, msg = rule.Bad(hl)
					baseBad := false
					if base != nil {
						baseBad, _ = rule.Bad(bl)
					}
					bad = headBad && !baseBad
				}
				if bad {
					add(c, rule.Severity, rule.Class, p, msg)
				}
			}
		}
		out = append(out, d.iamFindings(c, base, head)...)
		out = append(out, d.addressFindings(c, base, head)...)
	}
	out = append(out, d.subresourceFindings()...)
	sortFindings(out)
	return out
}

// matchingPaths returns the flattened paths of either side that a rule's
// path names: the exact path, or every path that equals it without
// indices; the rule's own path when neither side has one.
func matchingPaths(before, after map[string]any, path string) []string {
	set := map[string]bool{}
	for _, side := range []map[string]any{before, after} {
		if _, ok := side[path]; ok {
			set[path] = true
			continue
		}
		for k := range side {
			if schemaPath(k) == path {
				set[k] = true
			}
		}
	}
	if len(set) == 0 {
		return []string{path}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// attachedTo lists the resources of head, other than security group rules,
// that reference a security group.
func (d *StackDiff) attachedTo(sg string) []string {
	var out []string
	for _, a := range d.head.Addresses() {
		r := d.head.Resources[a]
		if strings.HasPrefix(r.Type, "aws_vpc_security_group_") || r.Type == "aws_security_group_rule" {
			continue
		}
		for _, ref := range d.head.Refs(r) {
			if ref == sg {
				out = append(out, r.ConstructPath())
			}
		}
	}
	return out
}

// lookupLeaf finds a flattened value by exact path, or by path without
// indices (the first match in path order).
func lookupLeaf(leaves map[string]any, path string) (leaf, string) {
	if v, ok := leaves[path]; ok {
		return leaf{v, true}, path
	}
	var match []string
	for k := range leaves {
		if schemaPath(k) == path {
			match = append(match, k)
		}
	}
	if len(match) == 0 {
		return leaf{}, ""
	}
	sort.Strings(match)
	return leaf{leaves[match[0]], true}, match[0]
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func sortFindings(f []Finding) {
	sort.SliceStable(f, func(i, j int) bool {
		a, b := f[i], f[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() < b.Severity.rank()
		}
		if a.Stack != b.Stack {
			return a.Stack < b.Stack
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		if a.Class != b.Class {
			return a.Class < b.Class
		}
		if a.Attr != b.Attr {
			return a.Attr < b.Attr
		}
		return a.Message < b.Message
	})
}
