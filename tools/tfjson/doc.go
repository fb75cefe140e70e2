// Package tfjson is the toolchain's one model of Terraform JSON: the
// documents cdktf synthesizes (cdk.tf.json, the golden snapshots) and any
// *.tf.json file. The rule pack (tools/policy), the reviewer with its cost
// and diagram code (tools/review) and the end-to-end harness (tools/e2e)
// read stacks through it, so they agree on what a block and a reference
// are. It imports the standard library only: the toolchain is its own Go
// module and compiles without the library, jsii or cdktf.
//
// # The model
//
// Parse reads a document into a Stack:
//
//   - Resources and Data: one Block per resource or data source, by
//     address (aws_s3_bucket.logs, data.aws_region.current). A Block holds
//     its type, name, the body (Attrs, without the "//" metadata; a body
//     written as a list of objects is merged in order), the meta-arguments
//     separately (DependsOn, Lifecycle, Provider, Count, ForEach; Config
//     returns the body without them), and the cdktf metadata: the construct
//     Path, the UniqueID and the rule Suppressions recorded under
//     SuppressionsKey.
//   - Providers (type, alias, configuration, in document order), Variables,
//     Locals (Disposable reads DisposableLocal), Outputs, the
//     Terraform block (required_providers, backend), Moved and Removed
//     blocks.
//   - Deterministic helpers: Addresses and DataAddresses (sorted), Of (the
//     blocks of a type, sorted), Lookup, Has, ProviderTypes.
//
// # The reference grammar
//
// A string value holds zero or more interpolations, found by
// Interpolations: "${" up to its matching "}". Braces nest
// (${jsonencode({"a" = {"b" = 1}})}), braces inside quoted strings of the
// expression do not count (${replace(x, "}", "")}), and "$${" is a literal
// "${" that starts none. An unterminated "${" runs to the end of the string.
//
// ExpressionReferences finds the references in one expression, References
// in every interpolation of a string, ReferencesIn in every string of a
// decoded JSON value (depends_on entries, bare addresses, included). A
// reference is a traversal: a root identifier, then steps. Identifiers
// hold letters, digits, underscores and dashes (HCL allows dashes, and
// cdktf names use them: aws_iam_role.orders_caller-role). The root decides
// the Kind:
//
//	aws_x.name.attr                      Resource  aws_x.name       .attr
//	aws_x.name.attr[0].sub               Resource  aws_x.name       .attr[0].sub
//	aws_x.name["key"]                    Resource  aws_x.name       ["key"]
//	aws_x.name[*].id, aws_x.name.*.id    Resource  aws_x.name       [*].id
//	aws_x.name.list.0.id (legacy index)  Resource  aws_x.name       .list[0].id
//	data.aws_y.name.attr                 Data      data.aws_y.name  .attr
//	data.terraform_remote_state.s.outputs.o
//	                                     Data      (RemoteOutput gives s, o)
//	var.x, local.x, module.m.out         Var, Local, Module
//	count.index, each.key, path.module, self.x, terraform.workspace
//	                                     Count, Each, PathKind, Self, TerraformKind
//
// Around references an expression may hold function calls (jsonencode,
// lookup, element, replace, base64decode, tolist: the function name is not
// a reference, its arguments are searched), conditionals (c ? a : b),
// operators, for expressions (the variables they bind are not
// references), string literals (skipped, but templates inside them are
// searched), heredocs, numbers and the keywords true, false and null. An
// index that is an expression (aws_x.n[count.index].id) ends the
// traversal; the index is searched in turn.
//
// Every form the golden snapshots hold is a case of the package's table
// test; another test parses every interpolation of every snapshot and
// checks that every resource and data reference resolves to a block of
// the same stack.
package tfjson
