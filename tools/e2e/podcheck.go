package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The pod check: after a group's stacks are applied, every workload object
// the stacks and their charts made is judged by admission. There is no
// kubelet or scheduler, so pods stay Pending, but the controllers create
// them and admission (Pod Security, ResourceQuota, LimitRange,
// ValidatingAdmissionPolicy, webhooks) runs on every create:
//
//   - ReplicaSets, StatefulSets and Jobs: their controllers create pods.
//     A refused pod shows as a FailedCreate event (and, for a ReplicaSet,
//     a ReplicaFailure condition). Each must reach the pods it asks for
//     (a StatefulSet with OrderedReady pods: the first), or say why not.
//   - DaemonSets (no node: their controller creates no pod) and CronJobs
//     (no schedule has come): a pod made from the template is created with
//     dryRun=All, which runs the same admission chain and stores nothing.

// Workload is one object the pod check judged.
type Workload struct {
	Kind, Namespace, Name string
	// How says how it was judged: "pods" (the controller's pods) or
	// "dry-run" (a pod from the template, not stored).
	How string
	// Want and Have are the pods expected and found ("pods" only).
	Want, Have int
	// Refused is admission's message for a refused pod, "" when admitted.
	Refused string
	// Owner is the object that made it, "KIND NAME" (a ReplicaSet's
	// Deployment or Rollout, a Job's CronJob), "" when none: what a
	// stack declares, so a refusal can be traced back to it.
	Owner string
}

func (w Workload) String() string {
	return fmt.Sprintf("%s %s/%s", w.Kind, w.Namespace, w.Name)
}

type objectMeta struct {
	Name            string            `json:"name"`
	Namespace       string            `json:"namespace"`
	UID             string            `json:"uid"`
	Labels          map[string]string `json:"labels,omitempty"`
	Annotations     map[string]string `json:"annotations,omitempty"`
	OwnerReferences []struct {
		UID        string `json:"uid"`
		Kind       string `json:"kind"`
		Name       string `json:"name"`
		Controller bool   `json:"controller"`
	} `json:"ownerReferences,omitempty"`
}

// owner is the controlling owner, "KIND NAME", or "".
func (m objectMeta) owner() string {
	for _, o := range m.OwnerReferences {
		if o.Controller {
			return o.Kind + " " + o.Name
		}
	}
	return ""
}

type podTemplate struct {
	Metadata objectMeta      `json:"metadata"`
	Spec     json.RawMessage `json:"spec"`
}

type workloadObject struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		Replicas            *int        `json:"replicas"`
		Parallelism         *int        `json:"parallelism"`
		Suspend             *bool       `json:"suspend"`
		PodManagementPolicy string      `json:"podManagementPolicy"`
		Template            podTemplate `json:"template"`
		JobTemplate         struct {
			Spec struct {
				Template podTemplate `json:"template"`
			} `json:"spec"`
		} `json:"jobTemplate"`
	} `json:"spec"`
}

// workloadKinds are the kinds judged and where they are listed.
var workloadKinds = []struct{ kind, path, how string }{
	{"ReplicaSet", "/apis/apps/v1/replicasets", "pods"},
	{"StatefulSet", "/apis/apps/v1/statefulsets", "pods"},
	{"Job", "/apis/batch/v1/jobs", "pods"},
	{"DaemonSet", "/apis/apps/v1/daemonsets", "dry-run"},
	{"CronJob", "/apis/batch/v1/cronjobs", "dry-run"},
}

// expectedPods is how many pods a controller creates with no node: all
// replicas, but a StatefulSet with OrderedReady pods waits for the first
// to be Ready (never, here) before the next.
func expectedPods(kind string, o workloadObject) int {
	switch kind {
	case "ReplicaSet", "StatefulSet":
		n := 1
		if o.Spec.Replicas != nil {
			n = *o.Spec.Replicas
		}
		if kind == "StatefulSet" && o.Spec.PodManagementPolicy != "Parallel" && n > 1 {
			n = 1
		}
		return n
	case "Job":
		if o.Spec.Suspend != nil && *o.Spec.Suspend {
			return 0
		}
		if o.Spec.Parallelism != nil {
			return min(*o.Spec.Parallelism, 1)
		}
		return 1
	}
	return 0
}

// CheckPods judges every workload object in the cluster and returns them,
// waiting up to wait for the controllers to create the pods they want.
func (c *Cluster) CheckPods(ctx context.Context, wait time.Duration) ([]Workload, error) {
	deadline := time.Now().Add(wait)
	for {
		out, pending, err := c.judge(ctx, false)
		if err != nil {
			return nil, err
		}
		if pending == 0 || time.Now().After(deadline) {
			if pending > 0 {
				// One last pass that also dry-runs the ones still short of
				// pods, so that a missing pod is explained.
				out, _, err = c.judge(ctx, true)
			}
			return out, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// judge makes one pass; pending counts "pods" workloads that have fewer
// pods than expected and no refusal yet. With final, those are judged
// by a dry-run pod too.
func (c *Cluster) judge(ctx context.Context, final bool) ([]Workload, int, error) {
	pods, err := c.listPods(ctx)
	if err != nil {
		return nil, 0, err
	}
	refusals, err := c.failedCreates(ctx)
	if err != nil {
		return nil, 0, err
	}
	var out []Workload
	pending := 0
	for _, k := range workloadKinds {
		var list struct {
			Items []workloadObject `json:"items"`
		}
		if err := c.getJSON(ctx, k.path, &list); err != nil {
			return nil, 0, err
		}
		for _, o := range list.Items {
			w := Workload{Kind: k.kind, Namespace: o.Metadata.Namespace, Name: o.Metadata.Name, How: k.how, Owner: o.Metadata.owner()}
			tmpl := o.Spec.Template
			if k.kind == "CronJob" {
				tmpl = o.Spec.JobTemplate.Spec.Template
			}
			if k.how == "pods" && expectedPods(k.kind, o) == 0 {
				// Scaled to zero (such as the Deployment whose template an
				// Argo Rollout runs): its template is judged all the same.
				w.How = "dry-run"
			}
			if w.How == "pods" {
				w.Want, w.Have = expectedPods(k.kind, o), pods[o.Metadata.UID]
				if w.Have < w.Want {
					// An old refusal no longer counts once the pods exist
					// (a webhook the gate removed after the stack applied).
					w.Refused = refusals[k.kind+"/"+o.Metadata.Namespace+"/"+o.Metadata.Name]
				}
				if w.Refused == "" && w.Have < w.Want {
					if !final {
						pending++
					} else {
						msg, err := c.dryRunPod(ctx, o.Metadata, tmpl)
						if err != nil {
							return nil, 0, err
						}
						if msg != "" {
							w.Refused = msg
						} else {
							w.Refused = fmt.Sprintf("only %d of %d pods were created and no event says why (a pod from its template is admitted)", w.Have, w.Want)
						}
					}
				}
			} else {
				msg, err := c.dryRunPod(ctx, o.Metadata, tmpl)
				if err != nil {
					return nil, 0, err
				}
				w.Refused = msg
			}
			out = append(out, w)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, pending, nil
}

func (c *Cluster) getJSON(ctx context.Context, path string, v any) error {
	code, body, err := c.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d: %s", path, code, firstLine(string(body)))
	}
	return json.Unmarshal(body, v)
}

// listPods counts the pods of every owner UID.
func (c *Cluster) listPods(ctx context.Context) (map[string]int, error) {
	var list struct {
		Items []struct {
			Metadata objectMeta `json:"metadata"`
		} `json:"items"`
	}
	if err := c.getJSON(ctx, "/api/v1/pods", &list); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, p := range list.Items {
		for _, o := range p.Metadata.OwnerReferences {
			out[o.UID]++
		}
	}
	return out, nil
}

// failedCreates maps KIND/NAMESPACE/NAME to the message of its latest
// FailedCreate event (the controller's record of a refused pod).
func (c *Cluster) failedCreates(ctx context.Context) (map[string]string, error) {
	var list struct {
		Items []struct {
			Reason         string `json:"reason"`
			Message        string `json:"message"`
			InvolvedObject struct {
				Kind, Namespace, Name string
			} `json:"involvedObject"`
		} `json:"items"`
	}
	if err := c.getJSON(ctx, "/api/v1/events?fieldSelector="+url.QueryEscape("reason=FailedCreate"), &list); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range list.Items {
		o := e.InvolvedObject
		out[o.Kind+"/"+o.Namespace+"/"+o.Name] = e.Message
	}
	return out, nil
}

// dryRunPod creates, with dryRun=All, a pod from the template in the
// owner's namespace and returns admission's refusal ("" when admitted).
func (c *Cluster) dryRunPod(ctx context.Context, owner objectMeta, t podTemplate) (string, error) {
	pod := map[string]any{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata": map[string]any{
			"generateName": owner.Name + "-e2e-",
			"namespace":    owner.Namespace,
			"labels":       t.Metadata.Labels,
			"annotations":  t.Metadata.Annotations,
		},
		"spec": t.Spec,
	}
	body, err := json.Marshal(pod)
	if err != nil {
		return "", err
	}
	path := "/api/v1/namespaces/" + url.PathEscape(owner.Namespace) + "/pods?dryRun=All"
	code, resp, err := c.do(ctx, http.MethodPost, path, body)
	if err != nil {
		return "", fmt.Errorf("POST %s: %w", path, err)
	}
	if code == http.StatusCreated || code == http.StatusOK {
		return "", nil
	}
	var status struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(resp, &status) == nil && status.Message != "" {
		return fmt.Sprintf("HTTP %d: %s", code, status.Message), nil
	}
	return fmt.Sprintf("HTTP %d: %s", code, strings.TrimSpace(string(resp))), nil
}

// DeleteObject deletes one object by its API path (a gap's
// remove-after-apply); a missing object is an error: the gap is stale.
func (c *Cluster) DeleteObject(ctx context.Context, path string) error {
	code, body, err := c.do(ctx, http.MethodDelete, path, nil)
	if err != nil {
		return err
	}
	if code == http.StatusNotFound {
		return fmt.Errorf("DELETE %s: %w (the gap may be stale)", path, errNotFound)
	}
	if code != http.StatusOK && code != http.StatusAccepted {
		return fmt.Errorf("DELETE %s: HTTP %d: %s", path, code, firstLine(string(body)))
	}
	return nil
}

// StripFinalizers removes the finalizers from every object of the
// collection (a strip-finalizers gap) and returns the objects changed.
func (c *Cluster) StripFinalizers(ctx context.Context, collection string, finalizers []string) ([]string, error) {
	var list struct {
		Items []struct {
			Metadata struct {
				Name       string   `json:"name"`
				Namespace  string   `json:"namespace"`
				Finalizers []string `json:"finalizers"`
			} `json:"metadata"`
		} `json:"items"`
	}
	code, body, err := c.do(ctx, http.MethodGet, collection, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", collection, err)
	}
	if code == http.StatusNotFound {
		return nil, nil // the kind is not served: no such object
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d: %s", collection, code, firstLine(string(body)))
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, f := range finalizers {
		drop[f] = true
	}
	group, resource := collection[:strings.LastIndexByte(collection, '/')], collection[strings.LastIndexByte(collection, '/')+1:]
	var changed []string
	for _, it := range list.Items {
		keep := []string{}
		for _, f := range it.Metadata.Finalizers {
			if !drop[f] {
				keep = append(keep, f)
			}
		}
		if len(keep) == len(it.Metadata.Finalizers) {
			continue
		}
		path := group
		if it.Metadata.Namespace != "" {
			path += "/namespaces/" + url.PathEscape(it.Metadata.Namespace)
		}
		path += "/" + resource + "/" + url.PathEscape(it.Metadata.Name)
		patch, _ := json.Marshal([]map[string]any{
			{"op": "test", "path": "/metadata/finalizers", "value": it.Metadata.Finalizers},
			{"op": "replace", "path": "/metadata/finalizers", "value": keep},
		})
		code, body, err := c.send(ctx, http.MethodPatch, path, "application/json-patch+json", patch)
		if err != nil {
			return changed, err
		}
		if code != http.StatusOK {
			return changed, fmt.Errorf("PATCH %s: HTTP %d: %s", path, code, firstLine(string(body)))
		}
		changed = append(changed, strings.TrimPrefix(path, group+"/"))
	}
	return changed, nil
}
