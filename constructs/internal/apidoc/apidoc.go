// Package apidoc holds a test that reads the source of every public
// construct package (each package under constructs/ but internal ones,
// commands and test helpers, found by walking the tree) and enforces the
// documentation rules of CONVENTIONS.md: every exported Props field says
// its default (or that it is required), every constructor says which errors
// it returns, and every package has a runnable example.
package apidoc
