#!/usr/bin/env bash
# Prints the Terraform filesystem mirrors make validate and make e2e use
# when TF_PROVIDER_MIRROR is not set, separated by ':' (tools/e2e/README.md;
# set but empty means the registry):
#   - the first of the usual mirror folders that holds hashicorp/aws
#     (these machines carry AWS provider 5.100.0 in one of them);
#   - ../shared/tfmirror beside the repository, if there (hashicorp/kubernetes
#     and hashicorp/helm).
# Nothing found prints an empty line: Terraform installs from the registry.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mirrors=()
for d in /opt/tf-plugins /usr/local/share/terraform/plugins /usr/share/terraform/plugins \
  "$HOME/.terraform.d/plugins" "$HOME/.local/share/terraform/plugins"; do
  if [ -d "$d/registry.terraform.io/hashicorp/aws" ]; then
    mirrors+=("$d")
    break
  fi
done
if [ -d "$root/../shared/tfmirror/registry.terraform.io" ]; then
  mirrors+=("$(cd "$root/../shared/tfmirror" && pwd)")
fi
(IFS=:; echo "${mirrors[*]:-}")
