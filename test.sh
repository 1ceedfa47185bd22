#!/usr/bin/env bash
# Builds and runs every test of the solution. Installs the Debian packages the tests drive (Chromium for browser
# tests, Dovecot as a real IMAP and SMTP submission server, PostgreSQL as a real database server, a font for
# rendering) when they are missing, so a fresh machine works too.
set -euo pipefail

cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
{ command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; } || missing+=(dovecot-imapd)
# Dovecot's SMTP submission service, for the tests that send mail with an OAuth2 token (XOAUTH2).
[ -x /usr/lib/dovecot/submission ] || missing+=(dovecot-submissiond)
# The tests start their own cluster with the newest /usr/lib/postgresql/*/bin; the package also creates the postgres user they run it as.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing missing packages: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

dotnet restore BlazorTickets.sln
# dotnet test builds only the test projects and what they reference; the benchmarks must keep building too.
dotnet build Bench/Bench.csproj --no-restore -nologo -v quiet

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

set +e
dotnet test BlazorTickets.sln --no-restore \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=results.trx" \
    --results-directory "$results"
status=$?
set -e

# One plain summary line over all test projects, for anyone (or anything) reading only the end of the log.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx "$results"/*/*.trx; do
    [ -f "$trx" ] || continue
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
    executed="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"

exit "$status"
