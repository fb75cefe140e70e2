package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// KubeVersion is the Kubernetes release of the local control plane: the
// k8s.io/kubernetes version scripts/controlplane/go.mod requires. The
// binaries carry it (-ldflags), or the kubernetes provider refuses the
// server's version string.
const KubeVersion = "v1.34.3"

// controlPlaneBinaries are the programs scripts/controlplane builds.
var controlPlaneBinaries = []struct{ name, pkg string }{
	{"etcd", "go.etcd.io/etcd/server/v3"},
	{"kube-apiserver", "k8s.io/kubernetes/cmd/kube-apiserver"},
	{"kube-controller-manager", "k8s.io/kubernetes/cmd/kube-controller-manager"},
}

// ControlPlaneLdflags sets the version the binaries report.
func ControlPlaneLdflags(version string) string {
	v := strings.TrimPrefix(version, "v")
	major, rest, _ := strings.Cut(v, ".")
	minor, _, _ := strings.Cut(rest, ".")
	p := "k8s.io/component-base/version."
	return strings.Join([]string{
		"-s", "-w",
		"-X", p + "gitVersion=" + version,
		"-X", p + "gitMajor=" + major,
		"-X", p + "gitMinor=" + minor,
		"-X", p + "gitTreeState=clean",
	}, " ")
}

// ControlPlaneCacheKey names the cached build: it changes when the helper
// module's requirements, the Go version or the flags change.
func ControlPlaneCacheKey(goMod, goSum []byte, goVersion, ldflags string) string {
	h := sha256.New()
	for _, b := range [][]byte{goMod, goSum, []byte(goVersion), []byte(ldflags), []byte(runtime.GOOS + "/" + runtime.GOARCH)} {
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// BuildControlPlane builds etcd, kube-apiserver and kube-controller-manager
// from the module in moduleDir into a per-machine cache (once: a cold
// build takes about 13 minutes on 2 cores) and returns the directory that
// holds them. It needs the Go module proxy (or a filled module cache), so
// it runs before the gate enters its network namespace.
func BuildControlPlane(ctx context.Context, goCmd, moduleDir, cacheRoot, logPath string) (string, bool, error) {
	goMod, err := os.ReadFile(filepath.Join(moduleDir, "go.mod"))
	if err != nil {
		return "", false, err
	}
	goSum, err := os.ReadFile(filepath.Join(moduleDir, "go.sum"))
	if err != nil {
		return "", false, err
	}
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOVERSION").Output()
	if err != nil {
		return "", false, fmt.Errorf("%s env GOVERSION: %w", goCmd, err)
	}
	ldflags := ControlPlaneLdflags(KubeVersion)
	dir := filepath.Join(cacheRoot, "controlplane-"+KubeVersion+"-"+ControlPlaneCacheKey(goMod, goSum, strings.TrimSpace(string(out)), ldflags))
	if haveBinaries(dir) {
		return dir, true, nil
	}
	tmp := dir + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", false, err
	}
	args := []string{"build", "-trimpath", "-ldflags", ldflags, "-o", tmp + string(os.PathSeparator)}
	for _, b := range controlPlaneBinaries {
		args = append(args, b.pkg)
	}
	// GOWORK=off: scripts/controlplane is a module of its own, outside the
	// repository's go.work, which would otherwise refuse to build it.
	env := append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=readonly", "GOWORK=off")
	text, code, _, _, err := runGroup(ctx, 60*time.Minute, moduleDir, env, logPath, goCmd, args...)
	if err != nil || code != 0 {
		return "", false, fmt.Errorf("build the control plane (%s %s in %s) failed (%s):\n%s", goCmd, strings.Join(args, " "), moduleDir, orExit(err, code), tail(text, 30))
	}
	// go build names the etcd binary after its module path without the
	// major version suffix: "server".
	if _, err := os.Stat(filepath.Join(tmp, "server")); err == nil {
		if err := os.Rename(filepath.Join(tmp, "server"), filepath.Join(tmp, "etcd")); err != nil {
			return "", false, err
		}
	}
	if !haveBinaries(tmp) {
		return "", false, fmt.Errorf("the control plane build in %s did not produce %s", tmp, binaryNames())
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", false, err
	}
	return dir, false, nil
}

func binaryNames() string {
	var n []string
	for _, b := range controlPlaneBinaries {
		n = append(n, b.name)
	}
	return strings.Join(n, ", ")
}

func haveBinaries(dir string) bool {
	for _, b := range controlPlaneBinaries {
		st, err := os.Stat(filepath.Join(dir, b.name))
		if err != nil || st.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return indent(strings.Join(lines, "\n"), "    ")
}

// Cluster is a running local control plane: etcd, kube-apiserver and
// kube-controller-manager on loopback. There is no kubelet, scheduler or
// container runtime: controllers create pods, which stay Pending, and
// admission judges every one of them.
type Cluster struct {
	Host  string // https://127.0.0.1:PORT
	CA    []byte // PEM of the CA that signed the serving certificate
	Token string // a bearer token in group system:masters
	dir   string
	procs []*process
	http  *http.Client
}

type process struct {
	name string
	cmd  *exec.Cmd
	done chan error
	log  string
}

// StartCluster starts a fresh control plane with its state under dir
// (removed first) and waits until the API server is ready and the
// default namespace's service account exists (the controllers run).
func StartCluster(ctx context.Context, binDir, dir, logDir string, wait time.Duration) (*Cluster, error) {
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir}
	pki, err := writePKI(dir)
	if err != nil {
		return nil, err
	}
	c.CA = pki.caPEM
	c.Token = pki.token
	ports := make([]int, 3)
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return nil, err
		}
	}
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	c.Host = fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.CA)
	c.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, Proxy: nil}}

	start := func(name string, args ...string) error {
		p, err := startProcess(filepath.Join(binDir, name), args, filepath.Join(logDir, name+".log"))
		if err != nil {
			c.Stop()
			return err
		}
		p.name = name
		c.procs = append(c.procs, p)
		return nil
	}
	if err := start("etcd",
		"--name", "e2e", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdClient, "--advertise-client-urls", etcdClient,
		"--listen-peer-urls", etcdPeer, "--initial-advertise-peer-urls", etcdPeer,
		"--initial-cluster", "e2e="+etcdPeer, "--log-level", "warn",
		"--quota-backend-bytes", strconv.Itoa(2<<30)); err != nil {
		return nil, err
	}
	if err := start("kube-apiserver",
		"--etcd-servers", etcdClient,
		"--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(ports[2]),
		"--tls-cert-file", pki.serverCert, "--tls-private-key-file", pki.serverKey,
		"--token-auth-file", pki.tokenFile,
		"--authorization-mode", "RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", pki.saPub, "--service-account-signing-key-file", pki.saKey,
		"--service-cluster-ip-range", "10.96.0.0/16",
		// Webhooks and aggregated APIs resolve to endpoints (there are
		// none: no pod ever runs) instead of cluster IPs, which have no
		// route in the gate's network namespace anyway.
		"--enable-aggregator-routing=true",
		"--allow-privileged=true",
		"--profiling=false",
		"--v=1"); err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(dir, "controller-manager.kubeconfig")
	if err := os.WriteFile(kubeconfig, c.Kubeconfig(pki.caFile), 0o600); err != nil {
		c.Stop()
		return nil, err
	}
	deadline := time.Now().Add(wait)
	if err := c.waitFor(ctx, deadline, "/readyz"); err != nil {
		c.Stop()
		return nil, err
	}
	if err := start("kube-controller-manager",
		"--kubeconfig", kubeconfig, "--authentication-kubeconfig", kubeconfig, "--authorization-kubeconfig", kubeconfig,
		// No nodes, no cloud: the node IPAM and lifecycle controllers have
		// nothing to do and want settings that make no sense here.
		"--controllers", "*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service,-route",
		"--leader-elect=false", "--secure-port", "0",
		"--service-account-private-key-file", pki.saKey, "--root-ca-file", pki.caFile,
		"--use-service-account-credentials=true",
		"--v=1"); err != nil {
		return nil, err
	}
	// The controllers run once the default service account exists.
	if err := c.waitFor(ctx, deadline, "/api/v1/namespaces/default/serviceaccounts/default"); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// Kubeconfig returns a kubeconfig for the cluster's admin token.
func (c *Cluster) Kubeconfig(caFile string) []byte {
	return []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: admin
  user:
    token: %s
contexts:
- name: e2e
  context: {cluster: e2e, user: admin}
current-context: e2e
`, c.Host, caFile, c.Token))
}

// ExecCredential is what the providers' exec plugin prints: the gate's
// token in place of `aws eks get-token`.
func (c *Cluster) ExecCredential() string {
	b, _ := json.Marshal(map[string]any{
		"apiVersion": "client.authentication.k8s.io/v1beta1",
		"kind":       "ExecCredential",
		"status":     map[string]string{"token": c.Token},
	})
	return string(b)
}

func (c *Cluster) waitFor(ctx context.Context, deadline time.Time, path string) error {
	var last string
	for {
		for _, p := range c.procs {
			select {
			case err := <-p.done:
				p.done <- err
				return fmt.Errorf("%s exited while the control plane started (%v); see %s:\n%s", p.name, err, p.log, tailFile(p.log, 20))
			default:
			}
		}
		code, body, err := c.do(ctx, http.MethodGet, path, nil)
		if err == nil && code == http.StatusOK {
			return nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("HTTP %d %s", code, firstLine(string(body)))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the control plane did not answer GET %s in time (last: %s); logs under %s", path, last, filepath.Dir(c.procs[0].log))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// do sends one request to the API server with the admin token.
func (c *Cluster) do(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	return c.send(ctx, method, path, "application/json", body)
}

// send is do with the body's content type (a JSON patch has its own).
func (c *Cluster) send(ctx context.Context, method, path, contentType string, body []byte) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Host+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// Stop ends the control plane, controller manager first, and removes its
// state. Safe to call more than once.
func (c *Cluster) Stop() {
	if c == nil {
		return
	}
	for i := len(c.procs) - 1; i >= 0; i-- {
		c.procs[i].stop()
	}
	c.procs = nil
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
	}
}

func startProcess(bin string, args []string, logPath string) (*process, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "KUBECONFIG" || strings.HasSuffix(strings.ToLower(k), "_proxy") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &process{cmd: cmd, done: make(chan error, 1), log: logPath}
	go func() { p.done <- cmd.Wait() }()
	return p, nil
}

func (p *process) stop() {
	if p.cmd.Process == nil {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		err := <-p.done
		p.done <- err
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return tail(string(b), n)
}

// pki are the files the control plane is started with, made fresh for
// every cluster: a CA, the API server's serving certificate for 127.0.0.1
// and localhost, the service-account signing key and an admin token.
type pki struct {
	caPEM                          []byte
	caFile, serverCert, serverKey  string
	saKey, saPub, tokenFile, token string
}

func writePKI(dir string) (*pki, error) {
	p := &pki{
		caFile: filepath.Join(dir, "ca.crt"), serverCert: filepath.Join(dir, "apiserver.crt"), serverKey: filepath.Join(dir, "apiserver.key"),
		saKey: filepath.Join(dir, "sa.key"), saPub: filepath.Join(dir, "sa.pub"), tokenFile: filepath.Join(dir, "tokens.csv"),
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hybridstack-e2e-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	p.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kube-apiserver"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	srvKeyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		return nil, err
	}
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	saPub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return nil, err
	}
	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return nil, err
	}
	p.token = hex.EncodeToString(tok)
	files := map[string][]byte{
		p.caFile:     p.caPEM,
		p.serverCert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}),
		p.serverKey:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: srvKeyDER}),
		p.saKey:      pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}),
		p.saPub:      pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPub}),
		p.tokenFile:  []byte(p.token + `,e2e-admin,e2e-admin,"system:masters"` + "\n"),
	}
	for path, b := range files {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, err
		}
	}
	return p, nil
}

var errNotFound = errors.New("not found")
