// Package apidoc holds a test that reads the public construct packages'
// source and enforces the documentation rules of CONVENTIONS.md: every
// exported Props field says its default (or that it is required), and every
// constructor says which errors it returns.
package apidoc
