package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeAPI answers the requests the pod check makes, from fixed lists: it
// stands in for an API server whose admission refused some pods.
type fakeAPI struct {
	lists map[string]string // path -> JSON body of the list
	// refuse maps a pod's generateName prefix to admission's message for a
	// dry-run create; any other dry-run pod is admitted.
	refuse  map[string]string
	dryRuns []string // namespaces/generateName of every dry-run pod
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer t0ken" {
		http.Error(w, `{"message":"Unauthorized"}`, http.StatusUnauthorized)
		return
	}
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/pods") {
		if r.URL.Query().Get("dryRun") != "All" {
			http.Error(w, `{"message":"the pod check must never store a pod"}`, http.StatusBadRequest)
			return
		}
		var pod struct {
			Metadata struct {
				GenerateName string `json:"generateName"`
				Namespace    string `json:"namespace"`
			} `json:"metadata"`
		}
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &pod)
		f.dryRuns = append(f.dryRuns, pod.Metadata.Namespace+"/"+pod.Metadata.GenerateName)
		for prefix, msg := range f.refuse {
			if strings.HasPrefix(pod.Metadata.GenerateName, prefix) {
				w.WriteHeader(http.StatusForbidden)
				_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "message": msg})
				return
			}
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(b)
		return
	}
	key := r.URL.Path
	if q := r.URL.RawQuery; q != "" {
		key += "?" + q
	}
	body, ok := f.lists[key]
	if !ok {
		body = `{"items":[]}`
	}
	_, _ = io.WriteString(w, body)
}

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

const restrictedRefusal = `pods "api-7d9f-" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "api" must set securityContext.allowPrivilegeEscalation=false)`

// TestCheckPodsJudges plants one refused workload of each kind the pod
// check judges differently and one admitted of each, and checks the
// verdicts: a check that passed them all would let a pod Pod Security
// refuses through the gate.
func TestCheckPodsJudges(t *testing.T) {
	tmpl := `"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}`
	api := &fakeAPI{
		lists: map[string]string{
			"/api/v1/pods": `{"items":[
				{"metadata":{"name":"web-1","ownerReferences":[{"uid":"rs-web","kind":"ReplicaSet"}]}},
				{"metadata":{"name":"web-2","ownerReferences":[{"uid":"rs-web","kind":"ReplicaSet"}]}},
				{"metadata":{"name":"db-0","ownerReferences":[{"uid":"sts-db","kind":"StatefulSet"}]}}]}`,
			"/api/v1/events?fieldSelector=reason%3DFailedCreate": `{"items":[
				{"reason":"FailedCreate","message":` + jsonString("Error creating: "+restrictedRefusal) + `,"involvedObject":{"kind":"ReplicaSet","namespace":"shop","name":"api-7d9f"}},
				{"reason":"FailedCreate","message":"Error creating: an old refusal","involvedObject":{"kind":"ReplicaSet","namespace":"shop","name":"web-5c4b"}}]}`,
			"/apis/apps/v1/replicasets": `{"items":[
				{"metadata":{"name":"web-5c4b","namespace":"shop","uid":"rs-web"},"spec":{"replicas":2,` + tmpl + `}},
				{"metadata":{"name":"api-7d9f","namespace":"shop","uid":"rs-api","ownerReferences":[{"uid":"d","kind":"Deployment","name":"api","controller":true}]},"spec":{"replicas":3,` + tmpl + `}},
				{"metadata":{"name":"quiet-1","namespace":"shop","uid":"rs-quiet"},"spec":{"replicas":1,` + tmpl + `}},
				{"metadata":{"name":"held-0","namespace":"shop","uid":"rs-held"},"spec":{"replicas":0,` + tmpl + `}}]}`,
			"/apis/apps/v1/statefulsets": `{"items":[
				{"metadata":{"name":"db","namespace":"shop","uid":"sts-db"},"spec":{"replicas":3,` + tmpl + `}}]}`,
			"/apis/apps/v1/daemonsets": `{"items":[
				{"metadata":{"name":"agent","namespace":"kube-system","uid":"ds-agent"},"spec":{` + tmpl + `}},
				{"metadata":{"name":"sniffer","namespace":"shop","uid":"ds-sniffer"},"spec":{` + tmpl + `}}]}`,
			"/apis/batch/v1/cronjobs": `{"items":[
				{"metadata":{"name":"nightly","namespace":"shop","uid":"cj"},"spec":{"jobTemplate":{"spec":{` + tmpl + `}}}}]}`,
		},
		refuse: map[string]string{
			"sniffer-": `pods "sniffer-e2e-" is forbidden: violates PodSecurity "restricted:latest": host namespaces (hostNetwork=true)`,
			"quiet-1-": `pods "quiet-1-e2e-" is forbidden: exceeded quota: compute, requested: requests.cpu=2, limited: requests.cpu=1`,
			"held-0-":  `pods "held-0-e2e-" is forbidden: ValidatingAdmissionPolicy 'tenant-guardrails' denied request: no pod runs as argocd-sync`,
		},
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	c := &Cluster{Host: srv.URL, Token: "t0ken", http: srv.Client()}

	ws, err := c.CheckPods(context.Background(), 1500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Workload{}
	for _, w := range ws {
		got[w.String()] = w
	}
	if len(ws) != 8 {
		t.Fatalf("judged %d workload objects, want 8: %v", len(ws), ws)
	}
	for _, tc := range []struct {
		obj, how, refused string
	}{
		// Every pod created: the old event of a pod refused before a
		// webhook was removed no longer counts.
		{"ReplicaSet shop/web-5c4b", "pods", ""},
		// The controller's FailedCreate event names the refusal.
		{"ReplicaSet shop/api-7d9f", "pods", "allowPrivilegeEscalation != false"},
		// Short of pods with no event: the last pass dry-runs a pod.
		{"ReplicaSet shop/quiet-1", "pods", "exceeded quota"},
		// Scaled to zero (a Rollout's template): judged by a dry-run pod.
		{"ReplicaSet shop/held-0", "dry-run", "denied request"},
		// OrderedReady: one pod is all a StatefulSet makes with no node.
		{"StatefulSet shop/db", "pods", ""},
		{"DaemonSet kube-system/agent", "dry-run", ""},
		{"DaemonSet shop/sniffer", "dry-run", "hostNetwork=true"},
		{"CronJob shop/nightly", "dry-run", ""},
	} {
		w, ok := got[tc.obj]
		if !ok {
			t.Errorf("%s was not judged", tc.obj)
			continue
		}
		if w.How != tc.how {
			t.Errorf("%s judged by %q, want %q", tc.obj, w.How, tc.how)
		}
		switch {
		case tc.refused == "" && w.Refused != "":
			t.Errorf("%s refused, want admitted: %s", tc.obj, w.Refused)
		case tc.refused != "" && !strings.Contains(w.Refused, tc.refused):
			t.Errorf("%s: refusal %q, want one containing %q", tc.obj, w.Refused, tc.refused)
		}
	}
	if w := got["ReplicaSet shop/api-7d9f"]; w.Want != 3 || w.Have != 0 || w.Owner != "Deployment api" {
		t.Errorf("api-7d9f: %d of %d pods, owner %q; want 0 of 3, Deployment api (what the stack declares)", w.Have, w.Want, w.Owner)
	}
	if w := got["ReplicaSet shop/quiet-1"]; w.Owner != "" {
		t.Errorf("quiet-1 has no owner, got %q", w.Owner)
	}
	// Dry-run pods are made in the owner's namespace, never stored.
	for _, want := range []string{"kube-system/agent-e2e-", "shop/sniffer-e2e-", "shop/held-0-e2e-", "shop/quiet-1-e2e-", "shop/nightly-e2e-"} {
		found := false
		for _, d := range api.dryRuns {
			found = found || d == want
		}
		if !found {
			t.Errorf("no dry-run pod %s; made: %v", want, api.dryRuns)
		}
	}
}
