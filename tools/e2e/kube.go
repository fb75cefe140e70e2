package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// ClusterOverrideFile points the kubernetes and helm providers at the local
// control plane, each remote state at the state of the stack that wrote
// it, each helm_release at the chart mirror, and sets the arguments the
// override gaps list.
const ClusterOverrideFile = "zz_e2e_cluster_override.tf.json"

// ChartRepositories maps the upstream chart repositories the stacks use to
// the folder of the chart mirror (HELM_CHART_MIRROR) that stands for each,
// as laid out in shared/charts/README.md. A release from a repository not
// listed here is a failure that says so.
var ChartRepositories = map[string]string{
	"https://aws.github.io/eks-charts":                    "eks",
	"https://kubernetes-sigs.github.io/metrics-server":    "metrics-server",
	"https://kubernetes.github.io/autoscaler":             "autoscaler",
	"https://argoproj.github.io/argo-helm":                "argo",
	"https://dandydeveloper.github.io/charts":             "dandydeveloper",
	"https://istio-release.storage.googleapis.com/charts": "istio",
	"https://flagger.app":                                 "flagger",
}

// MirrorRepository returns the chart mirror URL that stands for the
// upstream repository.
func MirrorRepository(mirrorURL, upstream string) (string, error) {
	folder, ok := ChartRepositories[strings.TrimRight(upstream, "/")]
	if !ok {
		return "", fmt.Errorf("chart repository %s has no folder in the chart mirror: add it to ChartRepositories in tools/e2e/kube.go and its charts to the mirror", upstream)
	}
	return strings.TrimRight(mirrorURL, "/") + "/" + folder, nil
}

// NeedsCluster reports whether the configuration has kubernetes or helm
// providers, i.e. resources that go to a Kubernetes API server.
func (c *Config) NeedsCluster() bool {
	return len(c.KubeProviders) > 0 || len(c.HelmProviders) > 0
}

var stateNameRe = regexp.MustCompile(`(?:^|/)terraform\.([A-Za-z0-9_\-]+)\.tfstate$`)

// RemoteStates maps each terraform_remote_state data source (its name) to
// the stack whose state it reads: cdktf's cross-stack references read the
// other stack's local state file, terraform.<stack>.tfstate.
func (c *Config) RemoteStates() (map[string]string, error) {
	out := map[string]string{}
	for addr, body := range c.Data {
		name, ok := strings.CutPrefix(addr, "data.terraform_remote_state.")
		if !ok {
			continue
		}
		if b, _ := body["backend"].(string); b != "local" {
			return nil, fmt.Errorf("%s: backend %q: the gates read other stacks' state from local files only", addr, b)
		}
		cfg, _ := body["config"].(map[string]any)
		path, _ := cfg["path"].(string)
		m := stateNameRe.FindStringSubmatch(path)
		if m == nil {
			return nil, fmt.Errorf("%s: state path %q is not terraform.<stack>.tfstate", addr, path)
		}
		out[name] = m[1]
	}
	return out, nil
}

// Groups orders stacks so that every stack comes after the stacks whose
// state it reads: each group is one stack that reads no other (an AWS
// stack) and, in dependency order, every stack that reads it directly or
// transitively. A group is applied in order, planned, and destroyed in
// reverse order. A stack that reads a stack not in names is an error.
func Groups(names []string, deps map[string][]string) ([][]string, error) {
	in := map[string]bool{}
	for _, n := range names {
		in[n] = true
	}
	var errs []error
	children := map[string][]string{}
	for _, n := range names {
		for _, d := range deps[n] {
			if !in[d] {
				errs = append(errs, fmt.Errorf("stack %s reads the state of stack %s, which is not selected: run them together (make e2e STACK=%s,%s, or -stack %s,%s)", n, d, d, n, d, n))
				continue
			}
			children[d] = append(children[d], n)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var groups [][]string
	placed := map[string]bool{}
	for _, root := range names {
		if len(deps[root]) > 0 {
			continue
		}
		// Breadth-first from the root, adding a stack once all it reads is placed.
		group := []string{root}
		placed[root] = true
		for progress := true; progress; {
			progress = false
			var next []string
			for _, g := range group {
				next = append(next, children[g]...)
			}
			sort.Strings(next)
			for _, n := range next {
				if placed[n] {
					continue
				}
				ready := true
				for _, d := range deps[n] {
					if !placed[d] || !contains(group, d) {
						ready = false
					}
				}
				if ready {
					group = append(group, n)
					placed[n] = true
					progress = true
				}
			}
		}
		groups = append(groups, group)
	}
	for _, n := range names {
		if !placed[n] {
			errs = append(errs, fmt.Errorf("stack %s reads %s: a cycle, or stacks of two groups", n, strings.Join(deps[n], ", ")))
		}
	}
	return groups, errors.Join(errs...)
}

// ClusterOverride returns the override for a stack that talks to the
// cluster: the kubernetes provider and helm's kubernetes block get the
// local API server, its CA, and an exec plugin that prints the gate's
// token (in place of `aws eks get-token`); each remote state reads the
// state file of its stack's run (states: stack -> path); each helm_release
// takes its chart from the mirror; and the override gaps' arguments.
func ClusterOverride(c *Config, cl *Cluster, states map[string]string, chartURL string, sg StackGaps) ([]byte, error) {
	kube := map[string]any{
		"host":                   cl.Host,
		"cluster_ca_certificate": string(cl.CA),
		"exec": []any{map[string]any{
			"api_version": "client.authentication.k8s.io/v1beta1",
			"command":     "printf",
			"args":        []string{"%s", cl.ExecCredential()},
		}},
	}
	o := map[string]any{"//": "Written by tools/e2e for a run against the local Kubernetes control plane; not part of the stack."}
	providers := map[string]any{}
	if len(c.KubeProviders) > 0 {
		var list []any
		for _, p := range c.KubeProviders {
			k := map[string]any{}
			for key, v := range kube {
				k[key] = v
			}
			if a, ok := p["alias"]; ok {
				k["alias"] = a
			}
			list = append(list, k)
		}
		providers["kubernetes"] = list
	}
	if len(c.HelmProviders) > 0 {
		var list []any
		for _, p := range c.HelmProviders {
			h := map[string]any{"kubernetes": []any{kube}}
			if a, ok := p["alias"]; ok {
				h["alias"] = a
			}
			list = append(list, h)
		}
		providers["helm"] = list
	}
	if len(providers) > 0 {
		o["provider"] = providers
	}
	remote, err := c.RemoteStates()
	if err != nil {
		return nil, err
	}
	if len(remote) > 0 {
		data := map[string]any{}
		for name, stack := range remote {
			path, ok := states[stack]
			if !ok {
				return nil, fmt.Errorf("data.terraform_remote_state.%s reads stack %s, which has not been applied in this run", name, stack)
			}
			data[name] = map[string]any{"config": map[string]any{"path": path}}
		}
		o["data"] = map[string]any{"terraform_remote_state": data}
	}
	resources := map[string]map[string]any{}
	set := func(addr string, kv map[string]any) {
		typ, name, _ := strings.Cut(addr, ".")
		if resources[typ] == nil {
			resources[typ] = map[string]any{}
		}
		body, _ := resources[typ][name].(map[string]any)
		if body == nil {
			body = map[string]any{}
		}
		for k, v := range kv {
			body[k] = v
		}
		resources[typ][name] = body
	}
	var errs []error
	for _, addr := range c.ResourceAddresses() {
		if !strings.HasPrefix(addr, "helm_release.") {
			continue
		}
		repo, _ := c.Resources[addr]["repository"].(string)
		if repo == "" || strings.HasPrefix(repo, "oci://") {
			continue
		}
		if chartURL == "" {
			continue // registry access: the real repository
		}
		u, err := MirrorRepository(chartURL, repo)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", addr, err))
			continue
		}
		set(addr, map[string]any{"repository": u})
	}
	for addr, kv := range sg.Override {
		set(addr, kv)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(resources) > 0 {
		o["resource"] = resources
	}
	return json.MarshalIndent(o, "", "  ")
}

// ChartServer serves a chart mirror folder (index.yaml and archives per
// upstream repository) on loopback.
type ChartServer struct {
	URL string
	srv *http.Server
}

// StartChartServer serves dir on 127.0.0.1 on a free port.
func StartChartServer(dir string) (*ChartServer, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("chart mirror %s is not a directory (HELM_CHART_MIRROR: a folder with one sub-folder of index.yaml and archives per chart repository)", dir)
	}
	var found bool
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "index.yaml")); err == nil {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("chart mirror %s has no <folder>/index.yaml", dir)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &ChartServer{URL: "http://" + l.Addr().String(), srv: &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Stop closes the server.
func (s *ChartServer) Stop() {
	if s != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = s.srv.Shutdown(ctx)
	}
}

// Namespaces returns the namespaces the configuration makes or installs
// into, where they are literals: kubernetes_namespace_v1 names and
// helm_release namespaces.
func (c *Config) Namespaces() []string {
	var out []string
	for _, addr := range c.ResourceAddresses() {
		body := c.Resources[addr]
		switch {
		case strings.HasPrefix(addr, "kubernetes_namespace_v1.") || strings.HasPrefix(addr, "kubernetes_namespace."):
			var meta map[string]any
			switch m := body["metadata"].(type) {
			case []any:
				if len(m) > 0 {
					meta, _ = m[0].(map[string]any)
				}
			case map[string]any:
				meta = m
			}
			if n, ok := meta["name"].(string); ok && !strings.Contains(n, "${") {
				out = appendUnique(out, n)
			}
		case strings.HasPrefix(addr, "helm_release."):
			if n, ok := body["namespace"].(string); ok && !strings.Contains(n, "${") {
				out = appendUnique(out, n)
			}
		}
	}
	return out
}

// MissingOutputs returns the outputs of c whose value uses a resource the
// run left out (left: addresses), with that resource: another stack that
// reads such an output through its remote state would get no value.
func (c *Config) MissingOutputs(left map[string]bool) map[string]string {
	out := map[string]string{}
	for name, body := range c.Outputs {
		for _, ref := range c.references(body["value"]) {
			if left[ref] {
				out[name] = ref
				break
			}
		}
	}
	return out
}

// UsesMissingOutputs returns the resources of c that read, through a
// remote state, an output the stack that wrote it could not produce
// (missing: stack -> output -> the left-out resource), with what they read.
func (c *Config) UsesMissingOutputs(missing map[string]map[string]string) (map[string]string, error) {
	remote, err := c.RemoteStates()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, addr := range c.ResourceAddresses() {
		for _, r := range tfjson.ReferencesIn(c.Resources[addr]) {
			state, output, ok := r.RemoteOutput()
			if !ok {
				continue
			}
			stack := remote[state]
			if res, ok := missing[stack][output]; ok {
				out[addr] = fmt.Sprintf("output %s of stack %s, which needs %s", output, stack, res)
				break
			}
		}
	}
	return out, nil
}
