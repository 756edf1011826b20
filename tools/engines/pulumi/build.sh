#!/usr/bin/env bash
# Builds the pinned Pulumi CLI (version: the pkg/v3 requirement in go.mod next to this file)
# into ${XDG_CACHE_HOME:-$HOME/.cache}/datalake/pulumi-<version>/bin/pulumi and prints that path
# on its last line of stdout. Skips the build when the cached binary already reports the pinned
# version. Safe when two runs race: the build holds a lock and installs by an atomic rename.
#
# Needs Go (>= the go line in go.mod) and the Go module proxy; the first build compiles for
# about 10-30 minutes on 2 cores and downloads ~280 MB of modules into the Go module cache.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$here/go.mod")"
if [[ -z "$version" ]]; then
  echo "build.sh: no github.com/pulumi/pulumi/pkg/v3 requirement in $here/go.mod." >&2
  exit 2
fi
if ! command -v go >/dev/null 2>&1; then
  echo "build.sh: Go is not installed; install Go from https://go.dev/dl/ to build the Pulumi CLI $version." >&2
  exit 3
fi

root="${XDG_CACHE_HOME:-$HOME/.cache}/datalake/pulumi-${version#v}"
bin="$root/bin/pulumi"
mkdir -p "$root/bin"

reports_version() {
  [[ -x "$bin" ]] && [[ "$(PULUMI_SKIP_UPDATE_CHECK=true "$bin" version 2>/dev/null)" == "$version" ]]
}

start=$(date +%s)
exec 9>"$root/build.lock"
flock 9
if reports_version; then
  echo "Pulumi CLI $version: cached at $bin (checked in $(($(date +%s) - start)) s)" >&2
  echo "$bin"
  exit 0
fi

echo "Pulumi CLI $version: building into $bin (first build compiles for 10-30 minutes)..." >&2
tmp="$(mktemp "$root/bin/.pulumi.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
(
  cd "$here"
  # -trimpath makes the binary reproducible; -X stamps the version `pulumi version` prints
  # (Pulumi's own release build sets the same variable).
  GOFLAGS="${GOFLAGS:-} -mod=readonly" go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
chmod 755 "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT
if ! reports_version; then
  echo "build.sh: the built $bin does not report version $version." >&2
  exit 1
fi
echo "Pulumi CLI $version: built in $(($(date +%s) - start)) s at $bin" >&2
echo "$bin"
