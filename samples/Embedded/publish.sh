#!/usr/bin/env bash
# Publishes the Embedded sample as a NativeAOT executable and runs it.
#   samples/Embedded/publish.sh [RID] [-- arguments for the program]
# RID defaults to linux-x64. Needs the .NET 10 SDK and the platform's native toolchain (clang or gcc, zlib).
# Warnings are errors in this project (TreatWarningsAsErrors), so a trimming or AOT warning fails the publish.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rid="linux-x64"
if [[ $# -gt 0 && "$1" != "--" ]]; then
  rid="$1"
  shift
fi
if [[ $# -gt 0 && "$1" == "--" ]]; then
  shift
fi

out="$here/bin/Release/net10.0/$rid/publish"
dotnet publish "$here/Embedded.csproj" -c Release -r "$rid" -o "$out"

exe="$out/Embedded"
[[ -x "$exe" ]] || exe="$out/Embedded.exe"
echo "published: $exe ($(wc -c < "$exe") bytes)"
"$exe" "$@"
