#!/usr/bin/env bash
# Checks the systemd units in deploy/ with `systemd-analyze verify`, laid out
# as they would be installed. verify refuses an ExecStart= whose binary is
# missing and resolves dependencies such as network-online.target, so it
# runs against a scratch root holding:
#   /usr/lib/systemd/system   a copy of the host's own units (about 1 MB)
#   /etc/systemd/system       our units
#   /usr/local/bin            the built binaries (hard links when possible)
# It fails on any message, not only on errors: an unknown or misspelt key is
# only a warning to systemd, and would silently not apply.
#
# Usage: deploy/verify-units.sh [BIN_DIR]
#   (default: $CARGO_TARGET_DIR/debug, or target/debug)
# Used by .ci/run after the tests (which build the binaries) and by
# `just deploy-verify`. Takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
bin_dir=${1:-$target_dir/debug}
binaries=(so-ingest so-worker)
units=(so-ingest.service so-worker@.service so-connector.target)
# A template is verified through an instance.
verified=(so-ingest.service so-worker@1.service so-worker@2.service so-connector.target)

for binary in "${binaries[@]}"; do
  if [ ! -x "$bin_dir/$binary" ]; then
    echo "verify-units: $bin_dir/$binary is missing; build it first (cargo build)" >&2
    exit 1
  fi
done

# Inside the target dir, so that hard links to the binaries work (same file
# system); an absolute path, as --root wants.
mkdir -p "$target_dir"
root=$(cd "$(mktemp -d "$target_dir/deploy-verify.XXXXXX")" && pwd)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system" "$root/usr/local/bin"
cp -r /usr/lib/systemd/system "$root/usr/lib/systemd/"
for unit in "${units[@]}"; do
  cp "deploy/$unit" "$root/etc/systemd/system/"
done
for binary in "${binaries[@]}"; do
  ln "$bin_dir/$binary" "$root/usr/local/bin/" 2>/dev/null \
    || cp "$bin_dir/$binary" "$root/usr/local/bin/"
done

unit_dir="$root/etc/systemd/system"
messages=$(systemd-analyze verify --man=no --root="$root" \
  "${verified[@]/#/$unit_dir/}" 2>&1) || status=$?
if [ "${status:-0}" -ne 0 ] || [ -n "$messages" ]; then
  printf '%s\n' "$messages" >&2
  echo "verify-units: systemd-analyze verify found problems in deploy/ (exit ${status:-0})" >&2
  exit 1
fi
echo "verify-units: ${verified[*]} ok"
