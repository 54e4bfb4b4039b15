#!/usr/bin/env bash
# Lists the src/ files that one `apply` and one `watch` tick pass through (issue 16, "Done when").
#
#   bash docs/seam-trace.sh [COMMIT]     (default: HEAD)
#
# How: the commit is checked out in a throw-away worktree, the test project gets coverlet.collector and two probe
# tests (below), and each probe runs alone with `--collect "XPlat Code Coverage"`. A file counts when at least one of
# its lines ran. The emulator (src/TenantReconciler.Emulator) is left out: it stands for ARM, not for the tool.
#   apply: `apply -f tenants.yaml --emulator STATE --auto-approve --journal J` in process, the example state (drift:
#          adds, overwrites, a move and a removal), so the journal, the progress log and the report all run;
#   tick:  the watch host on the in-memory ARM (tests' WatchHarness), --mode full with --journal, up to the first
#          TickReport (A has drift, B is in sync): start-up of the host, one tick, /status and metrics updated.
# Both include what starting the command takes (parsing, the container): that is what a change passes through too.
set -euo pipefail

commit="${1:-HEAD}"
repo="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"
sha="$(git -C "$repo" rev-parse --short "$commit")"
work="$(mktemp -d /tmp/seam-trace.XXXXXX)"
trap 'git -C "$repo" worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$repo" worktree add --detach "$work/tree" "$sha" >/dev/null 2>&1
tests="$work/tree/tests/TenantReconciler.Tests"

# coverlet.collector beside the test project's own packages (central versions: an override, not a new central entry).
sed -i 's#<PackageReference Include="Microsoft.NET.Test.Sdk" />#&\n    <PackageReference Include="coverlet.collector" VersionOverride="6.0.4" />#' "$tests/TenantReconciler.Tests.csproj"

cat > "$tests/SeamTraceProbe.cs" <<'EOF'
using TenantReconciler.Cli.Watch;
using TenantReconciler.Tests.Cli;
using TenantReconciler.Tests.Watch;

namespace TenantReconciler.Tests;

public sealed class SeamTraceProbe
{
    [Fact]
    public async Task Apply()
    {
        using var temp = new TempDirectory();
        var state = temp.File("state.json");
        File.Copy(RepoFiles.Path("examples/emulator-state.json"), state);
        var apply = await CliRunner.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--auto-approve", "--journal", temp.File("journal.jsonl"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    [Fact]
    public async Task Tick()
    {
        using var temp = new TempDirectory();
        var journal = temp.File("journal.jsonl");
        await using var watch = await WatchHarness.StartAsync(WatchMode.Full, configure: a => a with { Journal = journal });
        var tick = await watch.Events.NextAsync<TickReport>();
        Assert.Equal(RegistrationResult.Applied, tick.Registrations.Single(r => r.Registration == WatchHarness.A).Result);
    }
}
EOF

cd "$tests"
dotnet build -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
for probe in Apply Tick; do
  dotnet test --no-build -nologo -v q --filter "FullyQualifiedName=TenantReconciler.Tests.SeamTraceProbe.$probe" \
    --collect "XPlat Code Coverage" --results-directory "$work/$probe" >"$work/$probe.log" 2>&1 || { cat "$work/$probe.log"; exit 1; }
  python3 - "$work/$probe" "$work/tree/" "$probe" "$sha" <<'EOF'
import glob, sys, xml.etree.ElementTree as ET
results, root, probe, sha = sys.argv[1:]
files = set()
for report in glob.glob(results + "/**/coverage.cobertura.xml", recursive=True):
    tree = ET.parse(report)
    sources = [s.text.rstrip("/") + "/" for s in tree.iter("source")]
    for cls in tree.iter("class"):
        name = cls.get("filename")
        if not any(int(l.get("hits")) > 0 for l in cls.iter("line")):
            continue
        path = name if name.startswith("/") else (sources[0] + name if sources else name)
        path = path.replace(root, "")
        if path.startswith("src/") and not path.startswith("src/TenantReconciler.Emulator/") and "/obj/" not in path:
            files.add(path)
print(f"{probe} at {sha}: {len(files)} files")
for f in sorted(files):
    print("  " + f)
EOF
done
