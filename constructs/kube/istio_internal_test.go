package kube

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// gatewayAPISHA256 is the digest the offline chart repository's README
// gives for standard-install-v1.5.1.yaml (the output of the release script
// at tag v1.5.1).
const gatewayAPISHA256 = "751002b3b91a87f7ae3bd2517c79a47a8d7ed6702901808a1cf9bd97d284f9b8"

// The embedded file is the published one, byte for byte: its digest is the
// one the chart repository's README records (checked against the README
// itself where it is present: HYBRIDSTACK_CHART_REPO, or ../shared/charts
// next to the repository).
func TestGatewayAPIEmbeddedFile(t *testing.T) {
	sum := sha256.Sum256(gatewayAPIStandardInstall)
	if got := hex.EncodeToString(sum[:]); got != gatewayAPISHA256 {
		t.Errorf("embedded Gateway API install sha256 = %s, want %s", got, gatewayAPISHA256)
	}
	if !strings.Contains(string(gatewayAPIStandardInstall), "gateway.networking.k8s.io/bundle-version: "+GatewayAPIVersion) {
		t.Errorf("embedded file is not bundle %s", GatewayAPIVersion)
	}
	dir := os.Getenv("HYBRIDSTACK_CHART_REPO")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "charts")
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Skipf("no chart repository README at %s: %v", dir, err)
	}
	row := regexp.MustCompile("(?m)^\\| `gateway-api/` \\| standard-install-" + regexp.QuoteMeta(GatewayAPIVersion) + "\\.yaml \\| ([0-9]+) \\| `([0-9a-f]{64})` \\|").FindStringSubmatch(string(readme))
	if row == nil {
		t.Fatalf("%s/README.md has no row for standard-install-%s.yaml", dir, GatewayAPIVersion)
	}
	if row[2] != gatewayAPISHA256 || row[1] != "1024333" || len(gatewayAPIStandardInstall) != 1024333 {
		t.Errorf("README: %s bytes, sha256 %s; embedded: %d bytes, sha256 %s", row[1], row[2], len(gatewayAPIStandardInstall), gatewayAPISHA256)
	}
}

func TestGatewayAPIObjects(t *testing.T) {
	objs, err := gatewayAPIObjects()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		if _, ok := o["status"]; ok {
			t.Errorf("%s keeps status", manifestID(o))
		}
		got = append(got, o["kind"].(string)+" "+o["metadata"].(map[string]any)["name"].(string))
	}
	want := []string{
		"CustomResourceDefinition backendtlspolicies.gateway.networking.k8s.io",
		"CustomResourceDefinition gatewayclasses.gateway.networking.k8s.io",
		"CustomResourceDefinition gateways.gateway.networking.k8s.io",
		"CustomResourceDefinition grpcroutes.gateway.networking.k8s.io",
		"CustomResourceDefinition httproutes.gateway.networking.k8s.io",
		"CustomResourceDefinition listenersets.gateway.networking.k8s.io",
		"CustomResourceDefinition referencegrants.gateway.networking.k8s.io",
		"CustomResourceDefinition tlsroutes.gateway.networking.k8s.io",
		"ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io",
		"ValidatingAdmissionPolicyBinding safe-upgrades.gateway.networking.k8s.io",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("objects in file order\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseManifests(t *testing.T) {
	objs, err := parseManifests([]byte(`# only a comment
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: a.b
  labels: &l {x: "1"}
data:
  when: 2001-12-14
  template: "${var.x} and %{ if y }"
  plain: 'no $ {template}'
  number: 7
  ratio: 1.5
  yes: no
  other: *l
status:
  phase: Ready
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || manifestID(objs[0]) != "configmap-a-b" || manifestID(objs[1]) != "configmap-b" {
		t.Fatalf("objects = %v", objs)
	}
	want := map[string]any{
		// Timestamps stay as written; Terraform's template sequences are
		// escaped so that the object reaches the API server as written;
		// YAML 1.2 has no yes/no booleans.
		"when": "2001-12-14", "template": "$${var.x} and %%{ if y }", "plain": "no $ {template}",
		"number": 7, "ratio": 1.5, "yes": "no", "other": map[string]any{"x": "1"},
	}
	if got := objs[0]["data"]; !reflect.DeepEqual(got, want) {
		t.Errorf("data = %#v\nwant %#v", got, want)
	}
	if _, ok := objs[0]["status"]; ok {
		t.Error("status kept")
	}

	for _, tc := range []struct{ name, yaml, want string }{
		{"not YAML", "a: [", "document 0"},
		{"no name", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "lacks apiVersion, kind or metadata.name"},
		{"list", "- a\n", "is not an object"},
		{"twice", "apiVersion: v1\nkind: A\nmetadata: {name: x}\n---\napiVersion: v1\nkind: A\nmetadata: {name: x}\n", "a second A x"},
		{"duplicate key", "apiVersion: v1\nkind: A\nkind: B\nmetadata: {name: x}\n", `duplicate key "kind"`},
		{"merge key", "apiVersion: v1\nkind: A\nmetadata: {name: x}\nb: &b {c: 1}\nd: {<<: *b}\n", "merge keys"},
		{"template in key", "apiVersion: v1\nkind: A\nmetadata: {name: x}\ndata: {\"${x}\": 1}\n", "Terraform template sequence"},
		{"infinity", "apiVersion: v1\nkind: A\nmetadata: {name: x}\nn: .inf\n", "has no JSON form"},
		{"binary", "apiVersion: v1\nkind: A\nmetadata: {name: x}\nb: !!binary aGk=\n", "unsupported YAML tag !!binary"},
	} {
		if _, err := parseManifests([]byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}
