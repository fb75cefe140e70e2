#!/usr/bin/env bash
# Generates the Go bindings of the kubernetes and helm providers from their
# jsii packages on npm (pinned in package.json) and links them where go.mod's
# replace directives point: .bindings/kubernetes and .bindings/helm.
#
# Why: the Go module proxy reachable here refuses every version of
# github.com/cdktf/cdktf-provider-{kubernetes,helm}-go, but npm has the jsii
# packages those modules are generated from, and jsii-pacmak generates the
# same module (same path, same packages) locally.
#
# Generation takes ~35 s and ~200 MB, so the output is cached per machine
# under $HYBRIDSTACK_CACHE_DIR (default: the user cache directory), keyed by
# the npm package version and the jsii-pacmak version. A fresh clone on a
# machine that already generated them only makes the links.
#
# One change to what jsii-pacmak writes: the npm tarball the module embeds
# gets a lib/index.js that loads each resource's JavaScript on first use
# (scripts/lazy-jsii-index.js); the published one loads all of them when
# jsii loads the package, about 1 s of every synth that uses kubernetes.
# The Go code and the jsii assembly are untouched.
#
# Consumers who `go get` hybridstack never run this: replace directives apply
# only to the main module, so their builds resolve the published modules.
set -euo pipefail
cd "$(dirname "$0")/.."

cache_root=${HYBRIDSTACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hybridstack}
case "$cache_root" in /*) ;; *) cache_root=$PWD/$cache_root ;; esac
pacmak_version=$(node -p 'require("jsii-pacmak/package.json").version')

# npm package | Go package directory jsii-pacmak writes under go/ | link name
bindings=(
  "@cdktf/provider-kubernetes|kubernetes|kubernetes"
  "@cdktf/provider-helm|helm|helm"
)

# lazy_index DIR rewrites lib/index.js inside the one .tgz in DIR and packs
# it again, reproducibly (sorted names, fixed times and owners, no gzip name).
lazy_index() {
  local tgz work
  tgz=$(ls "$1"/*.tgz)
  work=$(mktemp -d)
  tar -xzf "$tgz" -C "$work"
  node scripts/lazy-jsii-index.js "$work/package/lib/index.js"
  tar --sort=name --mtime='1985-10-26 08:15:00Z' --owner=0 --group=0 --numeric-owner -C "$work" -cf - package | gzip -n > "$tgz"
  rm -rf "$work"
}

mkdir -p .bindings
for entry in "${bindings[@]}"; do
  IFS='|' read -r pkg godir link <<<"$entry"
  version=$(node -p "require('$pkg/package.json').version")
  key="${pkg#@cdktf/}-$version-pacmak-$pacmak_version-lazy1"
  dest="$cache_root/bindings/$key"
  if [ ! -f "$dest/go/$godir/go.mod" ]; then
    echo "generating the Go bindings of $pkg@$version (jsii-pacmak $pacmak_version) into $dest"
    mkdir -p "$cache_root/bindings"
    tmp=$(mktemp -d "$cache_root/bindings/.tmp-$key-XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    start=$(date +%s)
    jsii-pacmak "node_modules/$pkg" -t go --code-only -o "$tmp" >"$tmp.log" 2>&1 || {
      cat "$tmp.log"; rm -f "$tmp.log"; echo "error: jsii-pacmak failed for $pkg@$version"; exit 1
    }
    rm -f "$tmp.log"
    test -f "$tmp/go/$godir/go.mod" || { echo "error: jsii-pacmak wrote no go/$godir/go.mod for $pkg"; exit 1; }
    lazy_index "$tmp/go/$godir/jsii"
    rm -rf "$dest"
    mv "$tmp" "$dest"
    trap - EXIT
    echo "generated $pkg@$version in $(( $(date +%s) - start ))s ($(du -sh "$dest" | cut -f1))"
  fi
  ln -sfn "$dest/go/$godir" ".bindings/$link"
done
