#!/usr/bin/env bash
# Install what the test and bench tooling needs (not the Swift toolchain, which the machine has):
#   Debian: postgresql chromium chromium-driver wrk (+ curl, procps if missing)
#   PyPI:   tests/requirements.txt (selenium, axe-selenium-python, pytest, requests, schemathesis)
# Only installs what is missing (dpkg -s), so a second run is quick.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

APT_PACKAGES=(postgresql chromium chromium-driver wrk curl procps)

missing=()
for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$p")
    fi
done

if ((${#missing[@]})); then
    SUDO=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        SUDO="sudo"
    fi
    echo "deps: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
else
    echo "deps: Debian packages already installed: ${APT_PACKAGES[*]}"
fi

echo "deps: pip install -r tests/requirements.txt"
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore \
    -r "$ROOT/tests/requirements.txt"

# Versions, for the CI log.
echo "deps: $(chromium --version 2>/dev/null | head -n 1)"
echo "deps: $(chromedriver --version 2>/dev/null | head -n 1)"
echo "deps: $(python3 -m schemathesis.cli --version 2>/dev/null | head -n 1)"
echo "deps: wrk $(wrk -v 2>&1 | head -n 1 | awk '{print $2}')"
c="$(chromium --version 2>/dev/null | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true)"
d="$(chromedriver --version 2>/dev/null | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true)"
if [[ -n "$c" && "$c" != "$d" ]]; then
    echo "deps: WARNING: chromium $c and chromedriver $d differ" >&2
fi
