// Package tools is the toolchain wing of the repository: programs and
// packages that read synthesized Terraform JSON, never construct types.
//
//	tools/tfjson   one model of a synthesized stack (blocks, references)
//	tools/policy   the rule pack (security, safety, deployability)
//	tools/review   the change reviewer: diff, risk, cost, diagrams
//	tools/cmd/hybridcheck the command over both, `go install`-able on its own
//	tools/e2e    the Terraform gates (validate, apply on emulators, plan)
//
// The layout test of this package (wings_test.go) enforces the three wings
// from `go list`: the library (constructs/) imports neither the toolchain
// nor the apps; the toolchain imports no app and compiles without jsii or
// cdktf; the apps (stacks/, examples/) do not import each other.
package tools
