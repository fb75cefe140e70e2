package review

import (
	"sort"
	"strings"
)

// ForceNew is one attribute whose change makes Terraform replace the resource.
type ForceNew struct {
	Type string // resource type, e.g. aws_s3_bucket
	Path string // dotted attribute path with nested block names and no indices, e.g. "bucket", "vpc_config.subnet_ids", "encryption_info.encryption_at_rest_kms_key_arn"
	Doc  string // the provider documentation wording, quoted verbatim or nearly, e.g. "`bucket_prefix` - (Optional, Forces new resource) Creates a unique bucket name beginning with the specified prefix."
}

// forceNewEntries is the curated table, one entry per attribute, for every
// resource type the library's stacks emit (__snapshots__/*.tf.json).
//
// How the AWS entries were established (hashicorp/aws 5.100.0, the version
// the stacks pin): every managed resource of the snapshots was planned with
// `terraform plan -refresh=false` against a hand-written prior state whose
// values differed from the configuration in every attribute the library sets
// (strings changed, numbers moved up and down, booleans flipped, values
// removed), and the plan's replace_paths were collected. An entry is in the
// table only if that plan reported the path as forcing replacement. Where the
// provider's argument reference says "Forces new resource" the Doc quotes it;
// otherwise the Doc says "schema: ForceNew" (for apigatewayv2 the resource's
// Go source was read as well: the docs are silent, the schema has
// `ForceNew: true`). A few entries the library does not set (provider
// defaults such as event_bus_name or package_type) came out of the same plan
// and are kept; their Doc says so.
//
// The Kubernetes and Helm providers were not available offline, so their
// entries come from reading the providers' Go source (quoted in Doc):
// metadata name and namespace, storage class parameters, a role binding's
// role_ref, a claim's spec other than resources.requests, kubernetes_manifest's
// RequiresReplace paths, and helm_release's name and namespace.
var forceNewEntries = []ForceNew{
	{Type: "aws_apigatewayv2_api", Path: "protocol_type", Doc: "schema: ForceNew — `protocol_type` of the apigatewayv2 api (the argument reference does not say it forces a new resource; internal/service/apigatewayv2/api.go declares it `ForceNew: true`, and hashicorp/aws 5.100.0 lists it in replace_paths)."},
	{Type: "aws_apigatewayv2_authorizer", Path: "api_id", Doc: "schema: ForceNew — `api_id` of the apigatewayv2 authorizer (the argument reference does not say it forces a new resource; internal/service/apigatewayv2/authorizer.go declares it `ForceNew: true`, and hashicorp/aws 5.100.0 lists it in replace_paths)."},
	{Type: "aws_apigatewayv2_integration", Path: "api_id", Doc: "schema: ForceNew — `api_id` of the apigatewayv2 integration (the argument reference does not say it forces a new resource; internal/service/apigatewayv2/integration.go declares it `ForceNew: true`, and hashicorp/aws 5.100.0 lists it in replace_paths)."},
	{Type: "aws_apigatewayv2_integration", Path: "integration_type", Doc: "schema: ForceNew — `integration_type` of the apigatewayv2 integration (the argument reference does not say it forces a new resource; internal/service/apigatewayv2/integration.go declares it `ForceNew: true`, and hashicorp/aws 5.100.0 lists it in replace_paths)."},
	{Type: "aws_apigatewayv2_route", Path: "api_id", Doc: "schema: ForceNew — `api_id` of the apigatewayv2 route (the argument reference does not say it forces a new resource; internal/service/apigatewayv2/route.go declares it `ForceNew: true`, and hashicorp/aws 5.100.0 lists it in replace_paths)."},
	{Type: "aws_apigatewayv2_stage", Path: "api_id", Doc: "schema: ForceNew — `api_id` of the apigatewayv2 stage (the argument reference does not say it forces a new resource; internal/service/apigatewayv2/stage.go declares it `ForceNew: true`, and hashicorp/aws 5.100.0 lists it in replace_paths)."},
	{Type: "aws_apigatewayv2_stage", Path: "name", Doc: "schema: ForceNew — `name` of the apigatewayv2 stage (the argument reference does not say it forces a new resource; internal/service/apigatewayv2/stage.go declares it `ForceNew: true`, and hashicorp/aws 5.100.0 lists it in replace_paths)."},
	{Type: "aws_apigatewayv2_vpc_link", Path: "security_group_ids", Doc: "schema: ForceNew — changing `security_group_ids` replaces the apigatewayv2 vpc link (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_apigatewayv2_vpc_link", Path: "subnet_ids", Doc: "schema: ForceNew — changing `subnet_ids` replaces the apigatewayv2 vpc link (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appautoscaling_policy", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the appautoscaling policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appautoscaling_policy", Path: "resource_id", Doc: "schema: ForceNew — changing `resource_id` replaces the appautoscaling policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appautoscaling_policy", Path: "scalable_dimension", Doc: "schema: ForceNew — changing `scalable_dimension` replaces the appautoscaling policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appautoscaling_policy", Path: "service_namespace", Doc: "schema: ForceNew — changing `service_namespace` replaces the appautoscaling policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appautoscaling_target", Path: "resource_id", Doc: "schema: ForceNew — changing `resource_id` replaces the appautoscaling target (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appautoscaling_target", Path: "scalable_dimension", Doc: "schema: ForceNew — changing `scalable_dimension` replaces the appautoscaling target (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appautoscaling_target", Path: "service_namespace", Doc: "schema: ForceNew — changing `service_namespace` replaces the appautoscaling target (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_mesh", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the appmesh mesh (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_route", Path: "mesh_name", Doc: "schema: ForceNew — changing `mesh_name` replaces the appmesh route (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_route", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the appmesh route (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_route", Path: "virtual_router_name", Doc: "schema: ForceNew — changing `virtual_router_name` replaces the appmesh route (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_virtual_node", Path: "mesh_name", Doc: "schema: ForceNew — changing `mesh_name` replaces the appmesh virtual node (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_virtual_node", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the appmesh virtual node (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_virtual_router", Path: "mesh_name", Doc: "schema: ForceNew — changing `mesh_name` replaces the appmesh virtual router (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_virtual_router", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the appmesh virtual router (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_virtual_service", Path: "mesh_name", Doc: "schema: ForceNew — changing `mesh_name` replaces the appmesh virtual service (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_appmesh_virtual_service", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the appmesh virtual service (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cloudwatch_composite_alarm", Path: "actions_enabled", Doc: "schema: ForceNew — changing `actions_enabled` replaces the cloudwatch composite alarm (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cloudwatch_composite_alarm", Path: "alarm_name", Doc: "schema: ForceNew — changing `alarm_name` replaces the cloudwatch composite alarm (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cloudwatch_dashboard", Path: "dashboard_name", Doc: "schema: ForceNew — changing `dashboard_name` replaces the cloudwatch dashboard (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cloudwatch_event_rule", Path: "event_bus_name", Doc: "schema: ForceNew — changing `event_bus_name` replaces the cloudwatch event rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_cloudwatch_event_rule", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the cloudwatch event rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cloudwatch_event_target", Path: "event_bus_name", Doc: "schema: ForceNew — changing `event_bus_name` replaces the cloudwatch event target (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_cloudwatch_event_target", Path: "rule", Doc: "schema: ForceNew — changing `rule` replaces the cloudwatch event target (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cloudwatch_log_group", Path: "log_group_class", Doc: "schema: ForceNew — changing `log_group_class` replaces the cloudwatch log group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cloudwatch_log_group", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the cloudwatch log group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cloudwatch_metric_alarm", Path: "alarm_name", Doc: "schema: ForceNew — changing `alarm_name` replaces the cloudwatch metric alarm (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cognito_user_pool", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the cognito user pool (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cognito_user_pool_client", Path: "generate_secret", Doc: "schema: ForceNew — changing `generate_secret` replaces the cognito user pool client (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_cognito_user_pool_client", Path: "user_pool_id", Doc: "schema: ForceNew — changing `user_pool_id` replaces the cognito user pool client (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_instance", Path: "db_name", Doc: "schema: ForceNew — changing `db_name` replaces the db instance (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_instance", Path: "engine", Doc: "schema: ForceNew — changing `engine` replaces the db instance (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_instance", Path: "kms_key_id", Doc: "schema: ForceNew — changing `kms_key_id` replaces the db instance (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_instance", Path: "storage_encrypted", Doc: "schema: ForceNew — changing `storage_encrypted` replaces the db instance (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_instance", Path: "username", Doc: "schema: ForceNew — changing `username` replaces the db instance (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_parameter_group", Path: "description", Doc: "schema: ForceNew — changing `description` replaces the db parameter group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_parameter_group", Path: "family", Doc: "schema: ForceNew — changing `family` replaces the db parameter group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_parameter_group", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the db parameter group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_db_subnet_group", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the db subnet group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_default_security_group", Path: "vpc_id", Doc: "schema: ForceNew — changing `vpc_id` replaces the default security group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecr_lifecycle_policy", Path: "policy", Doc: "schema: ForceNew — changing `policy` replaces the ecr lifecycle policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecr_lifecycle_policy", Path: "repository", Doc: "schema: ForceNew — changing `repository` replaces the ecr lifecycle policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecr_repository", Path: "encryption_configuration.encryption_type", Doc: "schema: ForceNew — changing `encryption_configuration.encryption_type` replaces the ecr repository (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecr_repository", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the ecr repository (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_cluster", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the ecs cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_cluster_capacity_providers", Path: "cluster_name", Doc: "schema: ForceNew — changing `cluster_name` replaces the ecs cluster capacity providers (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_service", Path: "cluster", Doc: "schema: ForceNew — changing `cluster` replaces the ecs service (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_service", Path: "launch_type", Doc: "schema: ForceNew — changing `launch_type` replaces the ecs service (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_service", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the ecs service (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_service", Path: "scheduling_strategy", Doc: "schema: ForceNew — changing `scheduling_strategy` replaces the ecs service (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_ecs_task_definition", Path: "container_definitions", Doc: "schema: ForceNew — changing `container_definitions` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "cpu", Doc: "schema: ForceNew — changing `cpu` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "execution_role_arn", Doc: "schema: ForceNew — changing `execution_role_arn` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "family", Doc: "schema: ForceNew — changing `family` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "memory", Doc: "schema: ForceNew — changing `memory` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "network_mode", Doc: "schema: ForceNew — changing `network_mode` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "requires_compatibilities", Doc: "schema: ForceNew — changing `requires_compatibilities` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "runtime_platform.cpu_architecture", Doc: "schema: ForceNew — changing `runtime_platform.cpu_architecture` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "runtime_platform.operating_system_family", Doc: "schema: ForceNew — changing `runtime_platform.operating_system_family` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_ecs_task_definition", Path: "task_role_arn", Doc: "schema: ForceNew — changing `task_role_arn` replaces the ecs task definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_access_point", Path: "file_system_id", Doc: "schema: ForceNew — changing `file_system_id` replaces the efs access point (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_access_point", Path: "posix_user.gid", Doc: "schema: ForceNew — changing `posix_user.gid` replaces the efs access point (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_access_point", Path: "posix_user.uid", Doc: "schema: ForceNew — changing `posix_user.uid` replaces the efs access point (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_access_point", Path: "root_directory.creation_info.owner_gid", Doc: "schema: ForceNew — changing `root_directory.creation_info.owner_gid` replaces the efs access point (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_access_point", Path: "root_directory.creation_info.owner_uid", Doc: "schema: ForceNew — changing `root_directory.creation_info.owner_uid` replaces the efs access point (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_access_point", Path: "root_directory.creation_info.permissions", Doc: "schema: ForceNew — changing `root_directory.creation_info.permissions` replaces the efs access point (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_access_point", Path: "root_directory.path", Doc: "schema: ForceNew — changing `root_directory.path` replaces the efs access point (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_backup_policy", Path: "file_system_id", Doc: "schema: ForceNew — changing `file_system_id` replaces the efs backup policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_file_system", Path: "creation_token", Doc: "schema: ForceNew — changing `creation_token` replaces the efs file system (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_file_system", Path: "encrypted", Doc: "schema: ForceNew — changing `encrypted` replaces the efs file system (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_file_system", Path: "kms_key_id", Doc: "schema: ForceNew — changing `kms_key_id` replaces the efs file system (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_file_system", Path: "performance_mode", Doc: "schema: ForceNew — changing `performance_mode` replaces the efs file system (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_file_system_policy", Path: "file_system_id", Doc: "schema: ForceNew — changing `file_system_id` replaces the efs file system policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_mount_target", Path: "file_system_id", Doc: "schema: ForceNew — changing `file_system_id` replaces the efs mount target (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_efs_mount_target", Path: "subnet_id", Doc: "schema: ForceNew — changing `subnet_id` replaces the efs mount target (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eip", Path: "domain", Doc: "schema: ForceNew — changing `domain` replaces the eip (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_access_entry", Path: "cluster_name", Doc: "schema: ForceNew — changing `cluster_name` replaces the eks access entry (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_access_entry", Path: "principal_arn", Doc: "schema: ForceNew — changing `principal_arn` replaces the eks access entry (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_access_entry", Path: "type", Doc: "schema: ForceNew — changing `type` replaces the eks access entry (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_access_policy_association", Path: "access_scope.type", Doc: "schema: ForceNew — changing `access_scope.type` replaces the eks access policy association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_access_policy_association", Path: "cluster_name", Doc: "schema: ForceNew — changing `cluster_name` replaces the eks access policy association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_access_policy_association", Path: "policy_arn", Doc: "schema: ForceNew — changing `policy_arn` replaces the eks access policy association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_access_policy_association", Path: "principal_arn", Doc: "schema: ForceNew — changing `principal_arn` replaces the eks access policy association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_addon", Path: "addon_name", Doc: "schema: ForceNew — changing `addon_name` replaces the eks addon (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_addon", Path: "cluster_name", Doc: "schema: ForceNew — changing `cluster_name` replaces the eks addon (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_cluster", Path: "access_config.bootstrap_cluster_creator_admin_permissions", Doc: "schema: ForceNew — changing `access_config.bootstrap_cluster_creator_admin_permissions` replaces the eks cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_cluster", Path: "bootstrap_self_managed_addons", Doc: "schema: ForceNew — changing `bootstrap_self_managed_addons` replaces the eks cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_cluster", Path: "kubernetes_network_config.ip_family", Doc: "schema: ForceNew — changing `kubernetes_network_config.ip_family` replaces the eks cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_cluster", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the eks cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_cluster", Path: "role_arn", Doc: "schema: ForceNew — changing `role_arn` replaces the eks cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_fargate_profile", Path: "cluster_name", Doc: "schema: ForceNew — changing `cluster_name` replaces the eks fargate profile (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_fargate_profile", Path: "fargate_profile_name", Doc: "schema: ForceNew — changing `fargate_profile_name` replaces the eks fargate profile (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_fargate_profile", Path: "pod_execution_role_arn", Doc: "schema: ForceNew — changing `pod_execution_role_arn` replaces the eks fargate profile (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_fargate_profile", Path: "selector", Doc: "schema: ForceNew — changing `selector` replaces the eks fargate profile (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_fargate_profile", Path: "subnet_ids", Doc: "schema: ForceNew — changing `subnet_ids` replaces the eks fargate profile (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_node_group", Path: "ami_type", Doc: "schema: ForceNew — changing `ami_type` replaces the eks node group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_node_group", Path: "capacity_type", Doc: "schema: ForceNew — changing `capacity_type` replaces the eks node group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_node_group", Path: "cluster_name", Doc: "schema: ForceNew — changing `cluster_name` replaces the eks node group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_node_group", Path: "instance_types", Doc: "schema: ForceNew — changing `instance_types` replaces the eks node group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_node_group", Path: "launch_template.id", Doc: "schema: ForceNew — changing `launch_template.id` replaces the eks node group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_node_group", Path: "node_group_name_prefix", Doc: "schema: ForceNew — changing `node_group_name_prefix` replaces the eks node group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_node_group", Path: "node_role_arn", Doc: "schema: ForceNew — changing `node_role_arn` replaces the eks node group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_node_group", Path: "subnet_ids", Doc: "schema: ForceNew — changing `subnet_ids` replaces the eks node group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_pod_identity_association", Path: "cluster_name", Doc: "schema: ForceNew — changing `cluster_name` replaces the eks pod identity association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_pod_identity_association", Path: "namespace", Doc: "schema: ForceNew — changing `namespace` replaces the eks pod identity association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_eks_pod_identity_association", Path: "service_account", Doc: "schema: ForceNew — changing `service_account` replaces the eks pod identity association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_flow_log", Path: "iam_role_arn", Doc: "schema: ForceNew — changing `iam_role_arn` replaces the flow log (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_flow_log", Path: "log_destination", Doc: "schema: ForceNew — changing `log_destination` replaces the flow log (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_flow_log", Path: "log_destination_type", Doc: "schema: ForceNew — changing `log_destination_type` replaces the flow log (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_flow_log", Path: "max_aggregation_interval", Doc: "schema: ForceNew — changing `max_aggregation_interval` replaces the flow log (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_flow_log", Path: "traffic_type", Doc: "schema: ForceNew — changing `traffic_type` replaces the flow log (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_flow_log", Path: "vpc_id", Doc: "schema: ForceNew — changing `vpc_id` replaces the flow log (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_grafana_workspace", Path: "authentication_providers", Doc: "schema: ForceNew — changing `authentication_providers` replaces the grafana workspace (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_iam_openid_connect_provider", Path: "url", Doc: "schema: ForceNew — changing `url` replaces the iam openid connect provider (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_iam_role", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the iam role (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_iam_role", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the iam role (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_iam_role", Path: "path", Doc: "schema: ForceNew — changing `path` replaces the iam role (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_iam_role_policy", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the iam role policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_iam_role_policy", Path: "role", Doc: "schema: ForceNew — changing `role` replaces the iam role policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_iam_role_policy_attachment", Path: "policy_arn", Doc: "schema: ForceNew — changing `policy_arn` replaces the iam role policy attachment (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_iam_role_policy_attachment", Path: "role", Doc: "schema: ForceNew — changing `role` replaces the iam role policy attachment (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_kms_alias", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the kms alias (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_kms_key", Path: "customer_master_key_spec", Doc: "schema: ForceNew — changing `customer_master_key_spec` replaces the kms key (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_kms_key", Path: "key_usage", Doc: "schema: ForceNew — changing `key_usage` replaces the kms key (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_lambda_event_source_mapping", Path: "event_source_arn", Doc: "schema: ForceNew — changing `event_source_arn` replaces the lambda event source mapping (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lambda_function", Path: "function_name", Doc: "schema: ForceNew — changing `function_name` replaces the lambda function (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lambda_function", Path: "package_type", Doc: "schema: ForceNew — changing `package_type` replaces the lambda function (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_lambda_function_event_invoke_config", Path: "function_name", Doc: "schema: ForceNew — changing `function_name` replaces the lambda function event invoke config (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lambda_permission", Path: "action", Doc: "schema: ForceNew — changing `action` replaces the lambda permission (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lambda_permission", Path: "function_name", Doc: "schema: ForceNew — changing `function_name` replaces the lambda permission (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lambda_permission", Path: "principal", Doc: "schema: ForceNew — changing `principal` replaces the lambda permission (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lambda_permission", Path: "source_account", Doc: "schema: ForceNew — changing `source_account` replaces the lambda permission (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lambda_permission", Path: "source_arn", Doc: "schema: ForceNew — changing `source_arn` replaces the lambda permission (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_launch_template", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the launch template (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb", Path: "internal", Doc: "schema: ForceNew — changing `internal` replaces the lb (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb", Path: "load_balancer_type", Doc: "schema: ForceNew — changing `load_balancer_type` replaces the lb (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the lb (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb", Path: "security_groups", Doc: "schema: ForceNew via CustomizeDiff, for network load balancers only: adding security groups to a `network` load balancer created without any replaces it (hashicorp/aws 5.100.0 lists `security_groups` in replace_paths for an NLB going from none to some; ALB security groups update in place)."},
	{Type: "aws_lb", Path: "subnets", Doc: "schema: ForceNew via CustomizeDiff, for network load balancers only: removing a subnet from a `network` load balancer replaces it (hashicorp/aws 5.100.0 lists `subnets` in replace_paths for an NLB, not for an ALB, whose subnets update in place)."},
	{Type: "aws_lb_listener", Path: "load_balancer_arn", Doc: "schema: ForceNew — changing `load_balancer_arn` replaces the lb listener (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb_target_group", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the lb target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb_target_group", Path: "port", Doc: "schema: ForceNew — changing `port` replaces the lb target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb_target_group", Path: "protocol", Doc: "schema: ForceNew — changing `protocol` replaces the lb target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb_target_group", Path: "target_type", Doc: "schema: ForceNew — changing `target_type` replaces the lb target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_lb_target_group", Path: "vpc_id", Doc: "schema: ForceNew — changing `vpc_id` replaces the lb target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_msk_cluster", Path: "broker_node_group_info.az_distribution", Doc: "schema: ForceNew — changing `broker_node_group_info.az_distribution` replaces the msk cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_msk_cluster", Path: "broker_node_group_info.client_subnets", Doc: "schema: ForceNew — changing `broker_node_group_info.client_subnets` replaces the msk cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_msk_cluster", Path: "broker_node_group_info.security_groups", Doc: "schema: ForceNew — changing `broker_node_group_info.security_groups` replaces the msk cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_msk_cluster", Path: "cluster_name", Doc: "schema: ForceNew — changing `cluster_name` replaces the msk cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_msk_cluster", Path: "encryption_info.encryption_at_rest_kms_key_arn", Doc: "schema: ForceNew — changing `encryption_info.encryption_at_rest_kms_key_arn` replaces the msk cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_msk_cluster", Path: "encryption_info.encryption_in_transit.in_cluster", Doc: "schema: ForceNew — changing `encryption_info.encryption_in_transit.in_cluster` replaces the msk cluster (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_msk_configuration", Path: "kafka_versions", Doc: "schema: ForceNew — changing `kafka_versions` replaces the msk configuration (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_msk_configuration", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the msk configuration (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_nat_gateway", Path: "allocation_id", Doc: "schema: ForceNew — changing `allocation_id` replaces the nat gateway (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_nat_gateway", Path: "connectivity_type", Doc: "schema: ForceNew — changing `connectivity_type` replaces the nat gateway (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_nat_gateway", Path: "subnet_id", Doc: "schema: ForceNew — changing `subnet_id` replaces the nat gateway (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_prometheus_alert_manager_definition", Path: "workspace_id", Doc: "schema: ForceNew — changing `workspace_id` replaces the prometheus alert manager definition (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_prometheus_rule_group_namespace", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the prometheus rule group namespace (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_prometheus_rule_group_namespace", Path: "workspace_id", Doc: "schema: ForceNew — changing `workspace_id` replaces the prometheus rule group namespace (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_prometheus_scraper", Path: "source", Doc: "schema: ForceNew — changing `source` (its `eks` block's `cluster_arn`, `subnet_ids` or `security_group_ids`) replaces the prometheus scraper: the plan's replace_paths list each of them (hashicorp/aws 5.100.0; `alias`, `destination`, `role_configuration` and `scrape_configuration` update in place through UpdateScraper)."},
	{Type: "aws_prometheus_workspace", Path: "kms_key_arn", Doc: "schema: ForceNew — changing `kms_key_arn` replaces the prometheus workspace (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_route", Path: "destination_cidr_block", Doc: "schema: ForceNew — changing `destination_cidr_block` replaces the route (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_route", Path: "route_table_id", Doc: "schema: ForceNew — changing `route_table_id` replaces the route (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_route_table", Path: "vpc_id", Doc: "schema: ForceNew — changing `vpc_id` replaces the route table (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_route_table_association", Path: "subnet_id", Doc: "schema: ForceNew — changing `subnet_id` replaces the route table association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket", Path: "bucket", Doc: "`bucket` - (Optional, Forces new resource) The name of the bucket. If omitted, Terraform will assign a random, unique name."},
	{Type: "aws_s3_bucket", Path: "bucket_prefix", Doc: "`bucket_prefix` - (Optional, Forces new resource) Creates a unique bucket name beginning with the specified prefix. Conflicts with `bucket`."},
	{Type: "aws_s3_bucket", Path: "object_lock_enabled", Doc: "schema: ForceNew — changing `object_lock_enabled` replaces the s3 bucket (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket_lifecycle_configuration", Path: "bucket", Doc: "schema: ForceNew — changing `bucket` replaces the s3 bucket lifecycle configuration (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket_lifecycle_configuration", Path: "expected_bucket_owner", Doc: "schema: ForceNew — changing `expected_bucket_owner` replaces the s3 bucket lifecycle configuration (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_s3_bucket_notification", Path: "bucket", Doc: "schema: ForceNew — changing `bucket` replaces the s3 bucket notification (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket_object_lock_configuration", Path: "bucket", Doc: "schema: ForceNew — changing `bucket` replaces the s3 bucket object lock configuration (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket_object_lock_configuration", Path: "object_lock_enabled", Doc: "schema: ForceNew — changing `object_lock_enabled` replaces the s3 bucket object lock configuration (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_s3_bucket_ownership_controls", Path: "bucket", Doc: "schema: ForceNew — changing `bucket` replaces the s3 bucket ownership controls (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket_policy", Path: "bucket", Doc: "schema: ForceNew — changing `bucket` replaces the s3 bucket policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket_public_access_block", Path: "bucket", Doc: "schema: ForceNew — changing `bucket` replaces the s3 bucket public access block (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket_server_side_encryption_configuration", Path: "bucket", Doc: "schema: ForceNew — changing `bucket` replaces the s3 bucket server side encryption configuration (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_s3_bucket_versioning", Path: "bucket", Doc: "schema: ForceNew — changing `bucket` replaces the s3 bucket versioning (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_scheduler_schedule", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the scheduler schedule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_secretsmanager_secret", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the secretsmanager secret (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_security_group", Path: "description", Doc: "schema: ForceNew — changing `description` replaces the security group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_security_group", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the security group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_security_group", Path: "vpc_id", Doc: "schema: ForceNew — changing `vpc_id` replaces the security group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_sns_topic", Path: "fifo_topic", Doc: "schema: ForceNew — changing `fifo_topic` replaces the sns topic (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_sns_topic", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the sns topic (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_sns_topic_policy", Path: "arn", Doc: "schema: ForceNew — changing `arn` replaces the sns topic policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_sqs_queue", Path: "fifo_queue", Doc: "schema: ForceNew — changing `fifo_queue` replaces the sqs queue (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_sqs_queue", Path: "name_prefix", Doc: "schema: ForceNew — changing `name_prefix` replaces the sqs queue (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_sqs_queue_policy", Path: "queue_url", Doc: "schema: ForceNew — changing `queue_url` replaces the sqs queue policy (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_subnet", Path: "availability_zone", Doc: "schema: ForceNew — changing `availability_zone` replaces the subnet (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_subnet", Path: "cidr_block", Doc: "schema: ForceNew — changing `cidr_block` replaces the subnet (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_subnet", Path: "ipv6_native", Doc: "schema: ForceNew — changing `ipv6_native` replaces the subnet (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_subnet", Path: "vpc_id", Doc: "schema: ForceNew — changing `vpc_id` replaces the subnet (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpc", Path: "cidr_block", Doc: "schema: ForceNew — changing `cidr_block` replaces the vpc (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpc", Path: "instance_tenancy", Doc: "schema: ForceNew — changing `instance_tenancy` replaces the vpc (hashicorp/aws 5.100.0 lists it in the plan's replace_paths). Not set by the library; listed because its provider default is part of every instance."},
	{Type: "aws_vpc_endpoint", Path: "service_name", Doc: "schema: ForceNew — changing `service_name` replaces the vpc endpoint (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpc_endpoint", Path: "vpc_endpoint_type", Doc: "schema: ForceNew — changing `vpc_endpoint_type` replaces the vpc endpoint (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpc_endpoint", Path: "vpc_id", Doc: "schema: ForceNew — changing `vpc_id` replaces the vpc endpoint (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpc_security_group_egress_rule", Path: "security_group_id", Doc: "schema: ForceNew — changing `security_group_id` replaces the vpc security group egress rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpc_security_group_ingress_rule", Path: "security_group_id", Doc: "schema: ForceNew — changing `security_group_id` replaces the vpc security group ingress rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_access_log_subscription", Path: "destination_arn", Doc: "schema: ForceNew — changing `destination_arn` replaces the vpclattice access log subscription (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_access_log_subscription", Path: "resource_identifier", Doc: "schema: ForceNew — changing `resource_identifier` replaces the vpclattice access log subscription (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_listener", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the vpclattice listener (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_listener", Path: "port", Doc: "schema: ForceNew — changing `port` replaces the vpclattice listener (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_listener", Path: "protocol", Doc: "schema: ForceNew — changing `protocol` replaces the vpclattice listener (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_listener_rule", Path: "listener_identifier", Doc: "schema: ForceNew — changing `listener_identifier` replaces the vpclattice listener rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_listener_rule", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the vpclattice listener rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_listener_rule", Path: "service_identifier", Doc: "schema: ForceNew — changing `service_identifier` replaces the vpclattice listener rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_service", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the vpclattice service (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_service_network", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the vpclattice service network (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_service_network_service_association", Path: "service_identifier", Doc: "schema: ForceNew — changing `service_identifier` replaces the vpclattice service network service association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_service_network_service_association", Path: "service_network_identifier", Doc: "schema: ForceNew — changing `service_network_identifier` replaces the vpclattice service network service association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_service_network_vpc_association", Path: "service_network_identifier", Doc: "schema: ForceNew — changing `service_network_identifier` replaces the vpclattice service network vpc association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_service_network_vpc_association", Path: "vpc_identifier", Doc: "schema: ForceNew — changing `vpc_identifier` replaces the vpclattice service network vpc association (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_target_group", Path: "config.port", Doc: "schema: ForceNew — changing `config.port` replaces the vpclattice target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_target_group", Path: "config.protocol", Doc: "schema: ForceNew — changing `config.protocol` replaces the vpclattice target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_target_group", Path: "config.vpc_identifier", Doc: "schema: ForceNew — changing `config.vpc_identifier` replaces the vpclattice target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_target_group", Path: "name", Doc: "schema: ForceNew — changing `name` replaces the vpclattice target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_target_group", Path: "type", Doc: "schema: ForceNew — changing `type` replaces the vpclattice target group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_target_group_attachment", Path: "target.id", Doc: "schema: ForceNew — changing `target.id` replaces the vpclattice target group attachment (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_target_group_attachment", Path: "target.port", Doc: "schema: ForceNew — changing `target.port` replaces the vpclattice target group attachment (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_vpclattice_target_group_attachment", Path: "target_group_identifier", Doc: "schema: ForceNew — changing `target_group_identifier` replaces the vpclattice target group attachment (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_xray_group", Path: "group_name", Doc: "schema: ForceNew — changing `group_name` replaces the xray group (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_xray_sampling_rule", Path: "rule_name", Doc: "schema: ForceNew — changing `rule_name` replaces the xray sampling rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "aws_xray_sampling_rule", Path: "version", Doc: "schema: ForceNew — changing `version` replaces the xray sampling rule (hashicorp/aws 5.100.0 lists it in the plan's replace_paths)."},
	{Type: "helm_release", Path: "name", Doc: "schema: ForceNew — `name`: \"Release name.\" (terraform-provider-helm, helm/resource_release.go: `Required: true, ForceNew: true`)"},
	{Type: "helm_release", Path: "namespace", Doc: "schema: ForceNew — `namespace`: \"Namespace to install the release into.\" (helm/resource_release.go: `ForceNew: true`, default from HELM_NAMESPACE or \"default\")"},
	{Type: "kubernetes_cluster_role_binding_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the clusterRoleBinding, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_cluster_role_binding_v1", Path: "role_ref", Doc: "schema: ForceNew — `role_ref`: \"RoleRef references the Cluster Role for this binding\" (kubernetes/resource_kubernetes_cluster_role_binding_v1.go: `ForceNew: true`; `subject` updates in place)"},
	{Type: "kubernetes_cluster_role_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the clusterRole, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_config_map_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the config map, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_config_map_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the config map must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_daemon_set_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the daemonset, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_daemon_set_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the daemonset must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_daemon_set_v1", Path: "spec.selector", Doc: "schema: ForceNew — `spec.selector`: \"A label query over pods that are managed by the DaemonSet.\" (kubernetes/resource_kubernetes_daemon_set_v1.go: `ForceNew: true`; the pod template updates in place)"},
	{Type: "kubernetes_daemonset", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the daemonset, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_daemonset", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the daemonset must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_daemonset", Path: "spec.selector", Doc: "schema: ForceNew — `spec.selector`: \"A label query over pods that are managed by the DaemonSet.\" (kubernetes/resource_kubernetes_daemon_set_v1.go: `ForceNew: true`; the pod template updates in place)"},
	{Type: "kubernetes_deployment_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the deployment, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_deployment_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the deployment must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_horizontal_pod_autoscaler_v2", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the horizontal pod autoscaler, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_horizontal_pod_autoscaler_v2", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the horizontal pod autoscaler must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_limit_range_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the limit range, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_limit_range_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the limit range must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_manifest", Path: "manifest.apiVersion", Doc: "schema: RequiresReplace — a change to `manifest.apiVersion` replaces the object (manifest/provider/plan.go, PlanResourceChange: `resp.RequiresReplace` holds manifest.apiVersion, manifest.kind and manifest.metadata.name for resources not imported)"},
	{Type: "kubernetes_manifest", Path: "manifest.kind", Doc: "schema: RequiresReplace — a change to `manifest.kind` replaces the object (manifest/provider/plan.go, PlanResourceChange: `resp.RequiresReplace` holds manifest.apiVersion, manifest.kind and manifest.metadata.name for resources not imported)"},
	{Type: "kubernetes_manifest", Path: "manifest.metadata.name", Doc: "schema: RequiresReplace — a change to `manifest.metadata.name` replaces the object (manifest/provider/plan.go, PlanResourceChange: `resp.RequiresReplace` holds manifest.apiVersion, manifest.kind and manifest.metadata.name for resources not imported)"},
	{Type: "kubernetes_namespace_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the namespace, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_network_policy_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the network policy, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_network_policy_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the network policy must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_persistent_volume_claim_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the persistent volume claim, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_persistent_volume_claim_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the persistent volume claim must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_persistent_volume_claim_v1", Path: "spec.access_modes", Doc: "schema: ForceNew — `spec.access_modes`: \"A set of the desired access modes the volume should have.\" (kubernetes/schema_persistent_volume_claim.go: `ForceNew: true`; `resources.requests` is \"the only field the API will allow modifying in-place\")"},
	{Type: "kubernetes_persistent_volume_claim_v1", Path: "spec.resources.limits", Doc: "schema: ForceNew — `spec.resources.limits`: \"Map describing the maximum amount of compute resources allowed.\" (kubernetes/schema_persistent_volume_claim.go: `ForceNew: true`; `resources.requests` is \"the only field the API will allow modifying in-place\")"},
	{Type: "kubernetes_persistent_volume_claim_v1", Path: "spec.selector", Doc: "schema: ForceNew — `spec.selector`: \"A label query over volumes to consider for binding.\" (kubernetes/schema_persistent_volume_claim.go: `ForceNew: true`; `resources.requests` is \"the only field the API will allow modifying in-place\")"},
	{Type: "kubernetes_persistent_volume_claim_v1", Path: "spec.storage_class_name", Doc: "schema: ForceNew — `spec.storage_class_name`: \"Name of the storage class requested by the claim\" (kubernetes/schema_persistent_volume_claim.go: `ForceNew: true`; `resources.requests` is \"the only field the API will allow modifying in-place\")"},
	{Type: "kubernetes_persistent_volume_claim_v1", Path: "spec.volume_name", Doc: "schema: ForceNew — `spec.volume_name`: \"The binding reference to the PersistentVolume backing this claim.\" (kubernetes/schema_persistent_volume_claim.go: `ForceNew: true`; `resources.requests` is \"the only field the API will allow modifying in-place\")"},
	{Type: "kubernetes_persistent_volume_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the persistent volume, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_pod_disruption_budget_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the pod disruption budget, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_pod_disruption_budget_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the pod disruption budget must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_resource_quota_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the resource quota, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_resource_quota_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the resource quota must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_role_binding_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the role binding, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_role_binding_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the role binding must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_role_binding_v1", Path: "role_ref", Doc: "schema: ForceNew — `role_ref`: \"RoleRef references the Role for this binding\" (kubernetes/resource_kubernetes_role_binding_v1.go: `ForceNew: true`; `subject` updates in place)"},
	{Type: "kubernetes_role_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the role, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_role_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the role must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_service_account_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the service account, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_service_account_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the service account must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_service_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the service, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_service_v1", Path: "metadata.namespace", Doc: "schema: ForceNew — metadata `namespace`: \"Namespace defines the space within which name of the service must be unique.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_storage_class_v1", Path: "allowed_topologies", Doc: "schema: ForceNew — `allowed_topologies`: \"Restrict the node topologies where volumes can be dynamically provisioned.\" (kubernetes/resource_kubernetes_storage_class_v1.go: `ForceNew: true`)"},
	{Type: "kubernetes_storage_class_v1", Path: "metadata.name", Doc: "schema: ForceNew — metadata `name`: \"Name of the storage class, must be unique. Cannot be updated.\" (terraform-provider-kubernetes, kubernetes/schema_metadata.go: `ForceNew: true`)"},
	{Type: "kubernetes_storage_class_v1", Path: "mount_options", Doc: "schema: ForceNew — `mount_options`: \"Persistent Volumes that are dynamically created by a storage class will have the mount options specified\" (kubernetes/resource_kubernetes_storage_class_v1.go: `ForceNew: true`)"},
	{Type: "kubernetes_storage_class_v1", Path: "parameters", Doc: "schema: ForceNew — `parameters`: \"The parameters for the provisioner that should create volumes of this storage class\" (kubernetes/resource_kubernetes_storage_class_v1.go: `ForceNew: true`)"},
	{Type: "kubernetes_storage_class_v1", Path: "storage_provisioner", Doc: "schema: ForceNew — `storage_provisioner`: \"Indicates the type of the provisioner\" (kubernetes/resource_kubernetes_storage_class_v1.go: `ForceNew: true`)"},
	{Type: "kubernetes_storage_class_v1", Path: "volume_binding_mode", Doc: "schema: ForceNew — `volume_binding_mode`: \"Indicates when volume binding and dynamic provisioning should occur\" (kubernetes/resource_kubernetes_storage_class_v1.go: `ForceNew: true`)"},
}

// noForceNew lists the curated types for which nothing forces replacement,
// with the reason.
var noForceNew = map[string]string{
	"aws_internet_gateway":       "no force-new attribute among those the library sets: hashicorp/aws 5.100.0 plans an in-place update (detach and attach) when vpc_id changes, and tags update in place",
	"aws_vpclattice_auth_policy": "no force-new attribute among those the library sets: hashicorp/aws 5.100.0 plans an in-place update when policy or resource_identifier changes",
}

var forceNewIndex = func() map[string][]ForceNew {
	m := map[string][]ForceNew{}
	for _, e := range forceNewEntries {
		m[e.Type] = append(m[e.Type], e)
	}
	return m
}()

// ForcesNew reports whether a change at this attribute path of a resource of this type forces replacement.
// path is a dotted path that may contain list indices like "vpc_config[0].subnet_ids[2]" or "ingress[1].cidr_blocks"; indices are ignored for matching; a change under an entry's path (e.g. "encryption_info[0].encryption_at_rest_kms_key_arn" under "encryption_info") matches.
func ForcesNew(typ, path string) (ForceNew, bool) {
	p := normalizeForceNewPath(path)
	if p == "" {
		return ForceNew{}, false
	}
	for _, e := range forceNewIndex[typ] {
		if p == e.Path || strings.HasPrefix(p, e.Path+".") {
			return e, true
		}
	}
	return ForceNew{}, false
}

// normalizeForceNewPath drops list indices, both "[2]" and numeric
// segments such as ".0.", from a dotted attribute path.
func normalizeForceNewPath(path string) string {
	var b strings.Builder
	depth := 0
	for _, r := range path {
		switch {
		case r == '[':
			depth++
		case r == ']':
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteRune(r)
		}
	}
	parts := strings.Split(b.String(), ".")
	kept := parts[:0]
	for _, s := range parts {
		if s == "" || isDigits(s) {
			continue
		}
		kept = append(kept, s)
	}
	return strings.Join(kept, ".")
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// ForceNewTable returns every entry, sorted by Type then Path.
func ForceNewTable() []ForceNew {
	out := append([]ForceNew(nil), forceNewEntries...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Path < out[j].Path
	})
	return out
}

// Curated reports whether the type has been curated at all (including types with no force-new attribute, which must be listed explicitly with a reason).
func Curated(typ string) bool {
	if _, ok := noForceNew[typ]; ok {
		return true
	}
	return len(forceNewIndex[typ]) > 0
}
