//go:build tools

// Package controlplane pins the Kubernetes control plane the Terraform gates
// run the in-cluster stacks against: kube-apiserver and
// kube-controller-manager from k8s.io/kubernetes, and etcd at the version
// Kubernetes itself requires. tools/e2e builds the three binaries from this
// module once per machine (tools/e2e/README.md).
package controlplane

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
