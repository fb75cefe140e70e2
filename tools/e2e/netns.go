package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// The gates run Terraform, the emulator, the chart server and the
// Kubernetes control plane inside a network namespace that has only
// loopback: the API server dials Service cluster IPs itself (webhooks,
// aggregated APIs), and the providers dial whatever a configuration
// names, so nothing a test does may be able to reach any address but
// 127.0.0.1. The gate builds (control plane) and reads (Go modules,
// providers, charts) everything it needs first, then runs itself again
// in a new namespace (CLONE_NEWNET; as a normal user with a user namespace
// too) where only lo exists and is up. A dial to anything else fails at
// once: "network is unreachable".

// netnsEnv marks the copy of the program running inside the namespace.
const netnsEnv = "HYBRIDSTACK_E2E_NETNS"

// InNetns reports whether this process is the copy inside the namespace.
func InNetns() bool { return os.Getenv(netnsEnv) == "1" }

// kubeFlags are the settings of the Kubernetes side of the gates.
type kubeFlags struct {
	enabled bool
	bin     string // built control plane binaries
	charts  string // the chart mirror folder
	module  string // scripts/controlplane
}

func (k *kubeFlags) flags(fs *flag.FlagSet) {
	fs.BoolVar(&k.enabled, "kube", true, "start a local Kubernetes control plane for the stacks that use the kubernetes and helm providers (built once per machine from scripts/controlplane)")
	fs.StringVar(&k.bin, "controlplane", os.Getenv("E2E_CONTROLPLANE"), "a directory holding etcd, kube-apiserver and kube-controller-manager (default: build them from scripts/controlplane into the user cache)")
	fs.StringVar(&k.charts, "charts", DefaultCharts(), "an offline Helm chart repository (a folder per upstream repository with index.yaml and archives) served on loopback in place of the charts' repositories; empty: the real repositories (registry access). Default: HELM_CHART_MIRROR when set, else ../shared/charts when it is there")
}

// prepare builds the control plane when needed (outside the namespace:
// the build reads the Go module proxy) and makes the chart mirror path
// absolute.
func (k *kubeFlags) prepare(ctx context.Context, goCmd, root, logs string) error {
	if k.charts != "" {
		abs, err := filepath.Abs(k.charts)
		if err != nil {
			return err
		}
		k.charts = abs
	}
	if !k.enabled {
		k.bin = ""
		return nil
	}
	if k.bin != "" {
		abs, err := filepath.Abs(k.bin)
		if err != nil {
			return err
		}
		k.bin = abs
		if !haveBinaries(abs) {
			return fmt.Errorf("-controlplane %s lacks %s", abs, binaryNames())
		}
		return nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return fmt.Errorf("no user cache directory for the control plane build: %w (pass -controlplane DIR)", err)
	}
	k.module = filepath.Join(root, "scripts", "controlplane")
	fmt.Printf("controlplane: Kubernetes %s from %s (built once per machine: about 13 min cold on 2 cores)\n", KubeVersion, k.module)
	dir, cached, err := BuildControlPlane(ctx, goCmd, k.module, filepath.Join(cache, "hybridstack"), filepath.Join(logs, "controlplane-build.log"))
	if err != nil {
		return err
	}
	if cached {
		fmt.Printf("controlplane: cached in %s\n", dir)
	} else {
		fmt.Printf("controlplane: built into %s\n", dir)
	}
	k.bin = dir
	return nil
}

// args returns the flags that carry the prepared settings into the copy
// inside the namespace.
func (k *kubeFlags) args() []string {
	return []string{fmt.Sprintf("-kube=%t", k.enabled), "-controlplane=" + k.bin, "-charts=" + k.charts}
}

// ReexecInNetns runs this program again, with mode and args, in a new
// network namespace, and returns its exit status. The child brings lo up
// and checks it is alone (EnterLoopbackOnly).
func ReexecInNetns(ctx context.Context, mode string, args []string) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED: find this program to run it in a network namespace:", err)
		return 1
	}
	cmd := exec.Command(self, append([]string{mode}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), netnsEnv+"=1")
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGTERM}
	if os.Geteuid() != 0 {
		// An unprivileged user gets a network namespace through a user
		// namespace in which it is root (as `unshare -rn` does).
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: FAILED: start %s in a new network namespace: %v\n"+
			"  the gates need one (root, or unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1); -netns=false runs without it, for debugging only\n", mode, err)
		return 1
	}
	// The child shares the terminal's process group: Ctrl-C reaches it
	// directly. A SIGTERM to this process is passed on.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = cmd.Process.Signal(syscall.SIGINT)
		err = <-done
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return 0
}

// EnterLoopbackOnly brings lo up in the namespace and checks that it is
// the only interface.
func EnterLoopbackOnly() error {
	out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip link set lo up: %v %s (iproute2 is needed inside the namespace)", err, strings.TrimSpace(string(out)))
	}
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	var names []string
	for _, i := range ifs {
		names = append(names, i.Name)
	}
	if len(ifs) != 1 || ifs[0].Flags&net.FlagLoopback == 0 || ifs[0].Flags&net.FlagUp == 0 {
		return fmt.Errorf("the network namespace must hold loopback alone, up; it holds %s", strings.Join(names, ", "))
	}
	return nil
}
