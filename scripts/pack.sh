#!/usr/bin/env bash
# Packs PipelineHttp and PipelineHttp.Testing into artifacts/packages/, checks what the packages carry, then creates a
# console app in a temporary folder (outside the repository, so none of its build settings apply) that references the
# packages from that folder together with Microsoft.Extensions.DependencyInjection 10.0.0, restores it with a package
# cache of its own (NU1605, a package downgrade, is an error), builds it and runs it against the loopback server.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
packages="$root/artifacts/packages"
version="$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' Directory.Build.props)"

rm -rf "$packages"
for project in src/Pipeline/Pipeline.csproj src/Pipeline.Testing/Pipeline.Testing.csproj; do
  dotnet pack "$project" -c Release -nologo -clp:NoSummary -v:q
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# What a maintainer would publish: licence, readme, release notes, symbols, and dependencies at their lowest versions.
for id in PipelineHttp PipelineHttp.Testing; do
  nupkg="$packages/$id.$version.nupkg"
  [ -f "$nupkg" ] && [ -f "$packages/$id.$version.snupkg" ] || { echo "pack: $id $version (.nupkg and .snupkg) missing" >&2; exit 1; }
  unzip -q -o "$nupkg" -d "$work/$id"
  nuspec="$work/$id/$id.nuspec"
  for expected in '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<releaseNotes>' '<repository type="git"'; do
    grep -qF "$expected" "$nuspec" || { echo "pack: $id.nuspec lacks $expected" >&2; exit 1; }
  done
  [ -f "$work/$id/README.md" ] && [ -f "$work/$id/LICENSE" ] || { echo "pack: $id lacks README.md or LICENSE" >&2; exit 1; }
  if grep -E 'id="Microsoft\.Extensions\.[^"]*" version="10\.0\.[1-9]' "$nuspec"; then
    echo "pack: $id depends on a Microsoft.Extensions package above 10.0.0" >&2
    exit 1
  fi
  echo "pack: $id $version, $(( $(stat -c %s "$nupkg") / 1024 )) KiB (+ snupkg $(( $(stat -c %s "$packages/$id.$version.snupkg") / 1024 )) KiB)"
  sed -n 's|.*<dependency id="\([^"]*\)" version="\([^"]*\)".*|      depends on \1 \2|p' "$nuspec"
done

# The consumer: a console app as a user would write it.
app="$work/consumer"
mkdir -p "$app"
cat > "$app/Consumer.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <RestoreAdditionalProjectSources>$packages</RestoreAdditionalProjectSources>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="PipelineHttp" Version="$version" />
    <PackageReference Include="PipelineHttp.Testing" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.0" />
  </ItemGroup>
</Project>
PROJECT
cat > "$app/Program.cs" <<'PROGRAM'
using Microsoft.Extensions.DependencyInjection;
using Pipeline;
using Pipeline.Testing;

await using var server = await LoopbackServer.StartAsync();

using var session = new Session { BaseAddress = new Uri(server.BaseUrl) };
var get = await session.GetAsync("/get", new() { Params = new() { ["from"] = "package" } });
Console.WriteLine($"session: {(int)get.StatusCode} {get.Json().GetProperty("args").GetProperty("from")[0]}");

var services = new ServiceCollection();
services.AddSession("api", s => s.BaseAddress = new Uri(server.BaseUrl));
await using var provider = services.BuildServiceProvider();
using var named = provider.GetRequiredService<ISessionFactory>().Create("api");
var redirected = await named.GetAsync("/redirect/1");
Console.WriteLine($"named: {(int)redirected.StatusCode} after {redirected.History.Count} redirect");
PROGRAM

# A package cache of its own, so the packages just built are used rather than a cached copy of the same version.
export NUGET_PACKAGES="$work/nuget"
dotnet restore "$app" -nologo -v:q
dotnet build "$app" -c Release --no-restore -nologo -v:q -clp:NoSummary
output="$(scripts/without-proxy-env dotnet run --project "$app" -c Release --no-build)"
echo "$output" | sed 's/^/consumer: /'
grep -qx 'session: 200 package' <<<"$output" && grep -qx 'named: 200 after 1 redirect' <<<"$output" || {
  echo "pack: the consumer app did not print what it should" >&2
  exit 1
}
echo "pack: the packages restore, build and run in a new console app with Microsoft.Extensions.DependencyInjection 10.0.0"
