#!/usr/bin/env bash
# The native build, proved end to end (called by .ci/run; runnable alone with Azurite started, see .ci/azurite.sh):
#   1. packs the .NET tool as it ships: the pointer package, the native linux-x64 package (Native AOT) and the
#      framework-dependent fallback ('any'), into a folder feed;
#   2. installs the tool from that feed into a tool path, as a user does, and checks that it got the native build;
#   3. publishes the JIT (framework-dependent) build;
#   4. runs the end-to-end smoke suite (.ci/aot_smoke.py) against the installed native binary, comparing every output
#      with the JIT build's.
# Native AOT needs clang and the zlib headers: installed with apt when missing. Takes about 5-8 minutes on 2 cores.
# Ends with "aot-smoke: N passed, N failed" and exits non-zero on any failure (a failed build counts as one).
#
#   AZURITE_BLOB_ENDPOINT=... bash .ci/aot-smoke.sh [OUT_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."

out="${1:-.ci/out/aot}"
feed="$out/feed"
tools="$out/tools"
jit="$out/jit"
package=TenantReconciler.Cli

fail() {
  echo "error: $*" >&2
  echo "aot-smoke: 0 passed, 1 failed"
  exit 1
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The JIT build's launcher finds the runtime the SDK runs on, wherever it is installed.
if [ -z "${DOTNET_ROOT:-}" ] && command -v dotnet >/dev/null 2>&1; then
  DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")"); export DOTNET_ROOT
fi

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} for the native build" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2 \
    || fail "could not install ${missing[*]} (Native AOT needs clang and zlib1g-dev)"
fi

rm -rf "$out"
mkdir -p "$feed"
log="$out/build.log"
started=$SECONDS

# 1. The tool package, as it ships. The native pack is the Native AOT publish (the long part).
echo "aot-smoke: packing the tool (pointer, native linux-x64, framework-dependent any)" >&2
{
  dotnet pack src/TenantReconciler.Cli -c Release -o "$feed" &&
  dotnet pack src/TenantReconciler.Cli -c Release -r linux-x64 -o "$feed" &&
  dotnet pack src/TenantReconciler.Cli -c Release -r any -p:PublishAot=false -o "$feed"
} >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "the tool packages did not build (see $log)"; }
pointer=$(ls "$feed"/$package.[0-9]*.nupkg 2>/dev/null | head -n 1)
[ -n "$pointer" ] || fail "no pointer package in $feed"
version=$(basename "$pointer" .nupkg); version=${version#"$package".}
for rid in linux-x64 any; do
  [ -f "$feed/$package.$rid.$version.nupkg" ] || fail "no $rid package in $feed"
done
echo "aot-smoke: packed $version in $((SECONDS - started)) s" >&2

# 2. Installed from the feed alone (no other source, a package folder of its own), as 'dotnet tool install' does.
cat >"$out/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$(cd "$feed" && pwd)" />
  </packageSources>
</configuration>
EOF
NUGET_PACKAGES="$out/packages" dotnet tool install $package --tool-path "$tools" --version "$version" \
  --configfile "$out/nuget.config" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; fail "dotnet tool install failed (see $log)"; }
native=$(find "$tools/.store" -type f -name tenant-reconciler -path '*linux-x64*' | head -n 1)
[ -n "$native" ] || fail "dotnet tool install did not pick the native linux-x64 package"
[ -z "$(find "$tools/.store" -name 'tenant-reconciler.dll')" ] || fail "the installed tool carries tenant-reconciler.dll: not the native build"
head -c 4 "$native" | grep -q "ELF" || fail "$native is not a native executable"
echo "aot-smoke: installed the native tool: $native ($(( $(stat -c %s "$native") / 1024 / 1024 )) MiB)" >&2

# 3. The JIT build to compare with.
dotnet publish src/TenantReconciler.Cli -c Release -p:PublishAot=false -o "$jit" >>"$log" 2>&1 \
  || { tail -n 20 "$log" >&2; fail "the JIT publish failed (see $log)"; }

# 4. The smoke suite, against the installed tool's launcher (what a user runs).
python3 .ci/aot_smoke.py --native "$tools/tenant-reconciler" --jit "$jit/tenant-reconciler" --out "$out/smoke"
status=$?
echo "aot-smoke: $((SECONDS - started)) s in all" >&2
exit "$status"
