#!/usr/bin/env bash
# Proves that `npx cdktf synth` (through cdktf.json) writes the same JSON as
# `go run ./stacks` (what make synth runs). Expects the Makefile's environment
# (JSII_NODE, CHECKPOINT_DISABLE, PATH with Node 22).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CDKTF_OUTDIR="$tmp/go" go run ./stacks >/dev/null
npx cdktf synth --output "$tmp/cli" >"$tmp/cli.log" 2>&1 || { cat "$tmp/cli.log"; exit 1; }
status=0
for dir in "$tmp"/go/stacks/*/; do
  stack=$(basename "$dir")
  if cmp -s "$dir/cdk.tf.json" "$tmp/cli/stacks/$stack/cdk.tf.json"; then
    echo "cdktf CLI: $stack identical"
  else
    echo "cdktf CLI: $stack DIFFERS"; diff <(python3 -m json.tool "$dir/cdk.tf.json") <(python3 -m json.tool "$tmp/cli/stacks/$stack/cdk.tf.json") | head -40; status=1
  fi
done
exit $status
