#!/usr/bin/env bash
# Runs every test in the repository, the way CI does (.ci/run calls this script).
#  1. makes sure the servers and native libraries the tests use are installed (apt-get, when root);
#  2. builds the solution in Release (warnings are errors);
#  3. runs `dotnet test` on the solution, including the packaging check;
#  4. prints one line: "Tests: N passed, N failed, N skipped", summed over all test assemblies.
# Tests that need redis-server (and redis-cli, which forms the test cluster) or PostgreSQL fail (never skip) when
# they cannot find them.
set -euo pipefail
cd "$(dirname "$0")"

# command-or-file  Debian-package
requirements=(
  "redis-server redis-server"
  "redis-cli redis-tools"
  "/usr/lib/postgresql/*/bin/initdb postgresql"
  "/usr/lib/x86_64-linux-gnu/libargon2.so.1 libargon2-1"
  "/usr/lib/x86_64-linux-gnu/libsodium.so.23 libsodium23"
  "argon2 argon2"
)

missing=()
for requirement in "${requirements[@]}"; do
  probe=${requirement% *}
  package=${requirement#* }
  if [[ $probe == /* ]]; then
    compgen -G "$probe" > /dev/null || missing+=("$package")
  else
    command -v "$probe" > /dev/null || missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
  else
    echo "test.sh: missing Debian packages: ${missing[*]}" >&2
    echo "test.sh: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Debian starts a system redis-server after installing it; the tests start their own on free ports instead.
if command -v systemctl > /dev/null && systemctl is-active --quiet redis-server 2> /dev/null; then
  systemctl stop redis-server || true
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build ApiKit.sln -c Release -warnaserror -nologo -clp:NoSummary

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test ApiKit.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$log" || status=$?

# VSTest prints one line per assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed:' "$log" | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6 }
  END { printf "%d %d %d\n", passed, failed, skipped }')
assemblies=$(grep -cE '^(Passed|Failed)! +- Failed:' "$log" || true)

echo
echo "Test assemblies reported: $assemblies"
echo "Tests: $passed passed, $failed failed, $skipped skipped"

if ((status == 0 && failed == 0 && passed == 0)); then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
