package review

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestForceNewEverySnapshotTypeCurated reads the golden snapshots and asserts
// every resource type the library emits has been curated.
func TestForceNewEverySnapshotTypeCurated(t *testing.T) {
	files, err := filepath.Glob("../../__snapshots__/*.tf.json")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no snapshots found")
	types := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc struct {
			Resource map[string]json.RawMessage `json:"resource"`
		}
		require.NoError(t, json.Unmarshal(b, &doc), f)
		for typ := range doc.Resource {
			types[typ] = true
		}
	}
	require.NotEmpty(t, types)
	var missing []string
	for typ := range types {
		if !Curated(typ) {
			missing = append(missing, typ)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "resource types emitted by the library but not curated in forcenew.go")
}

func TestForcesNewIgnoresIndices(t *testing.T) {
	cases := []struct{ typ, path, want string }{
		{"aws_subnet", "cidr_block", "cidr_block"},
		{"aws_s3_bucket", "bucket_prefix", "bucket_prefix"},
		{"aws_lambda_permission", "source_arn", "source_arn"},
		{"aws_eks_node_group", "subnet_ids[1]", "subnet_ids"},
		{"aws_msk_cluster", "broker_node_group_info[0].client_subnets[2]", "broker_node_group_info.client_subnets"},
		{"aws_msk_cluster", "encryption_info[0].encryption_at_rest_kms_key_arn", "encryption_info.encryption_at_rest_kms_key_arn"},
		{"aws_msk_cluster", "encryption_info.0.encryption_at_rest_kms_key_arn", "encryption_info.encryption_at_rest_kms_key_arn"},
		{"aws_ecs_task_definition", "runtime_platform[0].cpu_architecture", "runtime_platform.cpu_architecture"},
		{"kubernetes_deployment_v1", "metadata[0].namespace", "metadata.namespace"},
		{"kubernetes_manifest", "manifest.metadata.name", "manifest.metadata.name"},
		{"helm_release", "namespace", "namespace"},
	}
	for _, c := range cases {
		f, ok := ForcesNew(c.typ, c.path)
		if assert.True(t, ok, "%s %s", c.typ, c.path) {
			assert.Equal(t, c.typ, f.Type)
			assert.Equal(t, c.want, f.Path)
			assert.NotEmpty(t, f.Doc)
		}
	}
}

func TestForcesNewUnderEntryPath(t *testing.T) {
	// A change inside a map or block that is force-new as a whole.
	f, ok := ForcesNew("kubernetes_storage_class_v1", "parameters.fileSystemId")
	require.True(t, ok)
	assert.Equal(t, "parameters", f.Path)

	f, ok = ForcesNew("kubernetes_role_binding_v1", "role_ref[0].name")
	require.True(t, ok)
	assert.Equal(t, "role_ref", f.Path)

	f, ok = ForcesNew("aws_eks_fargate_profile", "selector[0].namespace")
	require.True(t, ok)
	assert.Equal(t, "selector", f.Path)
}

func TestForcesNewNonMatches(t *testing.T) {
	cases := []struct{ typ, path string }{
		{"aws_s3_bucket", "tags"},
		{"aws_s3_bucket", "tags.Name"},
		{"aws_s3_bucket", "force_destroy"},
		{"aws_s3_bucket", "bucket_prefixes"}, // not a prefix match on a segment boundary
		{"aws_subnet", "map_public_ip_on_launch"},
		{"aws_lambda_function", "memory_size"},
		{"aws_lambda_function", "vpc_config[0].subnet_ids[1]"},
		{"aws_db_instance", "instance_class"},
		{"aws_security_group", "tags.Name"},
		{"aws_internet_gateway", "vpc_id"},
		{"kubernetes_deployment_v1", "spec[0].replicas"},
		{"kubernetes_persistent_volume_claim_v1", "spec[0].resources[0].requests.storage"},
		{"helm_release", "values"},
		{"aws_unknown_type", "name"},
		{"aws_subnet", ""},
		{"aws_msk_cluster", "encryption_info"}, // the block itself is not an entry; only paths under entries match
	}
	for _, c := range cases {
		_, ok := ForcesNew(c.typ, c.path)
		assert.False(t, ok, "%s %q should not force replacement", c.typ, c.path)
	}
}

func TestForceNewTableSortedUniqueDocumented(t *testing.T) {
	table := ForceNewTable()
	require.NotEmpty(t, table)
	seen := map[string]bool{}
	for i, e := range table {
		key := e.Type + " " + e.Path
		assert.False(t, seen[key], "duplicate entry %s", key)
		seen[key] = true
		if i > 0 {
			p := table[i-1]
			assert.True(t, p.Type < e.Type || (p.Type == e.Type && p.Path < e.Path), "not sorted at %s after %s %s", key, p.Type, p.Path)
		}
		assert.NotEmpty(t, e.Type)
		assert.NotEmpty(t, e.Path, key)
		assert.NotContains(t, e.Path, "[", key)
		assert.NotEqual(t, e.Path, normalizeForceNewPath(e.Path)+".", key)
		assert.Equal(t, e.Path, normalizeForceNewPath(e.Path), "entry path %s must not contain indices", key)
		assert.NotEmpty(t, strings.TrimSpace(e.Doc), key)
		if strings.HasPrefix(e.Type, "aws_") {
			assert.True(t, strings.Contains(e.Doc, "Forces new resource") || strings.Contains(e.Doc, "ForceNew"),
				"AWS entry %s must cite \"Forces new resource\" or \"ForceNew\": %s", key, e.Doc)
		}
		assert.True(t, Curated(e.Type), key)
	}
	// The table is a copy: callers cannot change the package's entries.
	table[0].Doc = "changed"
	assert.NotEqual(t, "changed", ForceNewTable()[0].Doc)
}

func TestCuratedNoForceNewTypesHaveReasons(t *testing.T) {
	for typ, reason := range noForceNew {
		assert.NotEmpty(t, strings.TrimSpace(reason), typ)
		assert.True(t, Curated(typ), typ)
		for _, e := range forceNewEntries {
			assert.NotEqual(t, typ, e.Type, "%s is listed both as having no force-new attribute and in the table", typ)
		}
	}
	assert.False(t, Curated("aws_not_a_type"))
	assert.False(t, Curated(""))
}
