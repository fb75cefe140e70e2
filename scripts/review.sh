#!/usr/bin/env bash
# make review BASE=<git ref>: what the change from BASE to the working tree
# does to real infrastructure (tools/review, hybridcheck diff).
#
#   REVIEW_SOURCE=snapshots (default)  compare __snapshots__/ at BASE with the
#                                      working tree's (what a pull request shows)
#   REVIEW_SOURCE=synth                synthesize both (BASE in a git worktree)
#   REVIEW_PLAN=1                      also apply BASE to moto_server and plan
#                                      HEAD against it (tools/e2e plan)
#   REVIEW_BROADENING=1                fail on every new or widened ingress rule
#                                      and new IAM grant until review-ack.json
#                                      lists it (hybridcheck diff -broadening)
#
# The acknowledgement file review-ack.json counts only with the entries the
# change adds or edits (entries BASE holds unchanged are ignored): an
# acknowledgement is part of the change it accepts, not a standing
# exemption. An entry that matches no finding fails the review.
# Writes .review/review.md (the pull-request comment, under 65,000 bytes),
# .review/review-full.md and .review/review.json; prints the comment.
# Exit status: 1 when a high-risk change is not acknowledged.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${BASE:-}
if [ -z "$base" ]; then
  echo "make review: set BASE to a git ref, e.g. make review BASE=origin/main" >&2
  exit 2
fi
if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  echo "make review: BASE=$base is not a commit here (git fetch it first?)" >&2
  exit 2
fi
source=${REVIEW_SOURCE:-snapshots}
out=.review
rm -rf "$out"
mkdir -p "$out/base" "$out/head"
base_sha=$(git rev-parse --short "$base")
head_name="working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- && echo "" || echo ", with local changes"))"

case "$source" in
snapshots)
  if git cat-file -e "$base:__snapshots__" 2>/dev/null; then
    git archive "$base" __snapshots__ | tar -x -C "$out/base"
  fi
  cp -R __snapshots__ "$out/head/"
  ;;
synth)
  wt=$(mktemp -d)
  trap 'git worktree remove --force "$wt" >/dev/null 2>&1 || true; rm -rf "$wt"' EXIT
  git worktree add --quiet --detach "$wt" "$base"
  ln -s "$PWD/node_modules" "$wt/node_modules"
  [ -e .bindings ] && ln -s "$PWD/.bindings" "$wt/.bindings"
  # The cdktf app is ./stacks since the apps became their own module
  # (go.work); a base from before that has it at the top level.
  app=./stacks
  [ -f "$wt/stacks/main.go" ] || app=.
  (cd "$wt" && go run "$app" >/dev/null) || { echo "make review: synthesizing BASE=$base failed" >&2; exit 2; }
  cp -R "$wt/cdktf.out" "$out/base/cdktf.out"
  go run ./stacks >/dev/null
  cp -R cdktf.out "$out/head/cdktf.out"
  ;;
*)
  echo "make review: REVIEW_SOURCE=$source is not snapshots or synth" >&2; exit 2 ;;
esac

args=(-base-name "$base ($base_sha)" -head-name "$head_name")
if [ -f review-ack.json ]; then
  args+=(-ack review-ack.json)
  # Entries BASE already holds unchanged acknowledge nothing in this change.
  if git cat-file -e "$base:review-ack.json" 2>/dev/null; then
    git show "$base:review-ack.json" >"$out/base-ack.json"
    args+=(-ack-base "$out/base-ack.json")
  fi
fi
if [ "${REVIEW_BROADENING:-}" = 1 ]; then
  args+=(-broadening)
fi
if [ "${REVIEW_PLAN:-}" = 1 ]; then
  go run ./tools/e2e plan -base "$out/base" -head "$out/head" -out "$out/plan.json" -mirror "${TF_PROVIDER_MIRROR:-}"
  args+=(-plan "$out/plan.json")
fi

# Stack sources changed but the snapshots did not: the review compares
# snapshots, so it would say nothing of the change (make snapshots first).
stale=""
if [ "$source" = snapshots ] && [ -n "$(git diff --name-only "$base" -- constructs stacks)" ] && git diff --quiet "$base" -- __snapshots__; then
  stale="constructs/ or stacks/ changed since $base but __snapshots__/ did not: this review compares snapshots, so it does not show what the source change does. Run make snapshots (or REVIEW_SOURCE=synth)."
  echo "make review: warning: $stale" >&2
fi

status=0
go run ./tools/cmd/hybridcheck diff -json-out "$out/review.json" -full-report "$out/review-full.md" "${args[@]}" "$out/base" "$out/head" >"$out/review.md" || status=$?
go run ./tools/cmd/hybridcheck diff -max-bytes 0 "${args[@]}" "$out/base" "$out/head" >"$out/review-full.md" 2>/dev/null || true
if [ -n "$stale" ]; then
  for f in "$out/review.md" "$out/review-full.md"; do
    { printf '> **Warning:** %s\n\n' "$stale"; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
  done
fi
cat "$out/review.md"
echo "make review: wrote $out/review.md and $out/review.json" >&2
exit "$status"
