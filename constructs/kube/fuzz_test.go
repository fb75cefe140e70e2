package kube_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// FuzzNewWorkload feeds primitive values into the props of NewWorkload and
// checks the constructors' contract (package fuzztest): a workload or an
// error wrapping validate.ErrInvalid, never both, never neither, never a
// panic, and nothing added to the tree on error; a workload synthesizes,
// with the replica counts and the pod security its props ask for. No
// cluster is built (it would take most of an input's time), so the IRSA
// and Pod Identity identities end in errors. `go test` runs the seeds;
// `make fuzz` explores from them.
func FuzzNewWorkload(f *testing.F) {
	type in struct {
		id, name, image                string
		cpuReq, memReq, cpuLim, memLim string
		minReplicas, maxReplicas       int
		cpuPercent, memPercent         int
		port, servicePort, runAsUser   int
		healthPath, writable, envKey   string
		labelKey, labelValue, identity string
		capabilities                   string
		relax, podSecurity             uint8
	}
	add := func(i in) {
		f.Add(i.id, i.name, i.image, i.cpuReq, i.memReq, i.cpuLim, i.memLim, i.minReplicas, i.maxReplicas, i.cpuPercent, i.memPercent,
			i.port, i.servicePort, i.runAsUser, i.healthPath, i.writable, i.envKey, i.labelKey, i.labelValue, i.identity, i.capabilities, i.relax, i.podSecurity)
	}
	ok := in{id: "orders", name: "orders", image: "orders:v1", cpuReq: "250m", memReq: "256Mi", cpuLim: "1", memLim: "512Mi", identity: "none"}
	add(ok)
	with := func(mod func(*in)) in { i := ok; mod(&i); return i }
	add(with(func(i *in) {
		i.minReplicas, i.maxReplicas, i.cpuPercent, i.memPercent, i.port, i.servicePort, i.runAsUser = 3, 12, 55, 90, 9090, 8080, 2000
		i.healthPath, i.writable, i.envKey, i.labelKey, i.labelValue = "/livez", "/tmp,/var/cache", "LOG_LEVEL", "team", "shop"
	}))
	add(with(func(i *in) { i.cpuReq, i.memReq, i.cpuLim, i.memLim = "2 cores", "-1", "", "1gi" }))
	add(with(func(i *in) { i.cpuReq, i.cpuLim, i.memReq, i.memLim = "2", "1500m", "1Gi", "1000Mi" }))
	add(with(func(i *in) { i.cpuReq, i.memReq, i.cpuLim, i.memLim = "1e999", "0e400", "1e308", ".5E-1" }))
	add(with(func(i *in) { i.minReplicas, i.maxReplicas, i.cpuPercent, i.memPercent = -1, 1001, 101, -5 }))
	add(with(func(i *in) { i.minReplicas, i.maxReplicas = 2000, 0 }))
	add(with(func(i *in) { i.minReplicas, i.maxReplicas, i.port, i.servicePort = math.MaxInt, math.MinInt, 70000, -1 }))
	add(with(func(i *in) {
		i.name, i.image, i.healthPath, i.writable, i.envKey = "Orders_1", "", "healthz", "/,,tmp", "1BAD"
	}))
	add(with(func(i *in) { i.identity = "" }))
	add(with(func(i *in) { i.identity = "pod-identity" }))
	add(with(func(i *in) { i.identity = "iam-user" }))
	add(with(func(i *in) { i.relax, i.podSecurity, i.capabilities = 1|2|4, 1, "NET_BIND_SERVICE,CHOWN" }))
	add(with(func(i *in) { i.relax, i.podSecurity, i.capabilities = 1|2, 0, "net_admin," }))
	add(with(func(i *in) { i.relax, i.podSecurity, i.runAsUser = 1|8, 2, -1 }))
	add(with(func(i *in) { i.runAsUser = -1 }))
	add(with(func(i *in) { i.image = "@token"; i.labelKey, i.labelValue = "-bad", strings.Repeat("v", 64) }))
	add(with(func(i *in) { i.id, i.name = "ünï/cødé", "ünïcødé" }))
	add(with(func(i *in) { i.id = "apps-namespace" })) // the namespace's id
	add(with(func(i *in) { i.id = "awsenv-account" }))
	add(with(func(i *in) { i.name = strings.Repeat("o", 64) }))
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, image, cpuReq, memReq, cpuLim, memLim string, minReplicas, maxReplicas, cpuPercent, memPercent,
		port, servicePort, runAsUser int, healthPath, writable, envKey, labelKey, labelValue, identity, capabilities string, relax, podSecurity uint8) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &image)
		levels := []kube.PodSecurityLevel{kube.PodSecurityRestricted, kube.PodSecurityBaseline, kube.PodSecurityPrivileged}
		level := levels[int(podSecurity)%len(levels)]
		ns, err := kube.NewNamespace(stack, "apps-namespace", kube.NamespaceProps{Name: "apps", PodSecurity: level, RelaxReason: "fuzz"})
		if err != nil {
			t.Fatal(err)
		}
		props := kube.WorkloadProps{
			Namespace: ns, Name: name, Image: image,
			Requests: kube.Resources{CPU: cpuReq, Memory: memReq}, Limits: kube.Resources{CPU: cpuLim, Memory: memLim},
			MinReplicas: minReplicas, MaxReplicas: maxReplicas, TargetCPUPercent: cpuPercent, TargetMemoryPercent: memPercent,
			Port: port, ServicePort: servicePort, RunAsUser: runAsUser,
			HealthPath: healthPath, WritablePaths: fuzztest.List(writable), Identity: kube.Identity(identity),
		}
		if envKey != "" {
			props.Env = map[string]string{envKey: "v"}
		}
		if labelKey != "" || labelValue != "" {
			props.Labels = map[string]string{labelKey: labelValue}
		}
		// relax: 1 a relaxation, 2 RunAsRoot, 4 WritableRootFilesystem, 8
		// no reason.
		if relax&1 != 0 {
			props.Relax = &kube.Relaxation{Reason: "fuzz", RunAsRoot: relax&2 != 0, WritableRootFilesystem: relax&4 != 0, AddCapabilities: fuzztest.List(capabilities)}
			if relax&8 != 0 {
				props.Relax.Reason = ""
			}
		}
		var w *kube.Workload
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { w, err = kube.NewWorkload(stack, id, props) })
		if !fuzztest.Check(t, "NewWorkload", w != nil, err) {
			if added() {
				t.Fatalf("NewWorkload returned %v but added %q to the tree", err, id)
			}
			return
		}
		if w.Name() != name || w.Namespace() != "apps" || w.Deployment() == nil || w.Service() == nil {
			t.Fatalf("NewWorkload: name %q, namespace %q", w.Name(), w.Namespace())
		}
		if (w.Role() == nil) != (kube.Identity(identity) == kube.IdentityNone) {
			t.Fatalf("identity %q, role %v", identity, w.Role())
		}
		doc := synth(t, stack)
		dep := doc.One(t, "kubernetes_deployment_v1", "deployment")
		wantMin := minReplicas
		if wantMin == 0 {
			wantMin = 2
		}
		if got := str(dep, "spec", "replicas"); got != fmt.Sprint(wantMin) {
			t.Fatalf("replicas = %q, want %d", got, wantMin)
		}
		hpa := doc.One(t, "kubernetes_horizontal_pod_autoscaler_v2", "autoscaler")
		if lo, hi := get(hpa, "spec", "min_replicas"), get(hpa, "spec", "max_replicas"); lo != float64(wantMin) || hi.(float64) < float64(wantMin) || hi.(float64) > 1000 {
			t.Fatalf("hpa replicas %v..%v", lo, hi)
		}
		spec := get(dep, "spec", "template", "spec")
		asRoot := props.Relax != nil && props.Relax.RunAsRoot
		writableRoot := props.Relax != nil && props.Relax.WritableRootFilesystem
		if get(spec, "security_context", "run_as_non_root") != !asRoot || get(spec, "container", "security_context", "read_only_root_filesystem") != !writableRoot {
			t.Fatalf("pod security %v", get(spec, "security_context"))
		}
		if props.Relax != nil && level == kube.PodSecurityRestricted {
			t.Fatal("a relaxed workload was accepted in a restricted namespace")
		}
		if get(spec, "container", "security_context", "allow_privilege_escalation") != false ||
			strings.Join(list(get(spec, "container", "security_context", "capabilities", "drop")), ",") != "ALL" {
			t.Fatalf("container security %v", get(spec, "container", "security_context"))
		}
	})
}
