package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Emulator is a running moto_server.
type Emulator struct {
	URL  string
	cmd  *exec.Cmd
	done chan error
	log  string
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartEmulator starts moto_server on 127.0.0.1 on a free port with the
// AWS managed IAM policies loaded, in its own process group (killed if
// this process dies), logging to logPath, and waits until it answers.
func StartEmulator(ctx context.Context, bin, logPath string, wait time.Duration) (*Emulator, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	e := &Emulator{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan error, 1), log: logPath}
	go func() { e.done <- cmd.Wait() }()
	deadline := time.Now().Add(wait)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-e.done:
			e.done <- err
			return nil, fmt.Errorf("%s exited before it answered (%v); see %s", bin, err, logPath)
		case <-ctx.Done():
			e.Stop()
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		resp, err := client.Get(e.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return e, nil
			}
		}
		if time.Now().After(deadline) {
			e.Stop()
			return nil, fmt.Errorf("%s did not answer on %s within %s; see %s", bin, e.URL, wait, logPath)
		}
	}
}

// Reset drops every resource the emulator holds, so the next stack starts
// from an empty account.
func (e *Emulator) Reset() error {
	resp, err := http.Post(e.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reset: HTTP %d", resp.StatusCode)
	}
	return nil
}

// Stop ends the emulator's process group: SIGTERM, then SIGKILL after five
// seconds. It is safe to call more than once.
func (e *Emulator) Stop() error {
	if e == nil || e.cmd == nil || e.cmd.Process == nil {
		return nil
	}
	pgid := e.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	var err error
	select {
	case err = <-e.done:
		e.done <- err
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		err = <-e.done
		e.done <- err
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil // stopped by our signal
	}
	return err
}
