#!/usr/bin/env bash
# Install what the tests need, then run every test. This is the README's test command; CI
# (.ci/run) runs exactly this. Python packages go into .venv (created if there is none, unless
# a virtual environment is already active); Debian's chromium is installed for the browser tests,
# and LibreOffice for the spreadsheet test.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if [ -n "${VIRTUAL_ENV:-}" ]; then
    python=python
else
    if [ ! -x .venv/bin/python ]; then
        # Debian's own Python needs python3-venv for this
        python3 -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; python3 -m venv .venv; }
    fi
    python=.venv/bin/python
fi
"$python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
# lifelines' metadata asks for pandas<3 although it works with pandas 3.1: no dependencies
"$python" -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-lifelines.txt
[ -x /usr/bin/chromium ] || apt_install chromium
# nginx (Debian's nginx-light) is the reverse proxy of the reference deployment; the tests run it
# from deploy/nginx/ with a certificate openssl makes
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx-light
command -v openssl >/dev/null || apt_install openssl
# axe-core checks every page against WCAG 2.2 AA in the browser tests (node_modules/, from npm)
command -v npm >/dev/null || apt_install npm
[ -f node_modules/axe-core/axe.min.js ] || npm install --no-save --no-audit --no-fund --silent axe-core@4.14.1
# LibreOffice opens the snapshot spreadsheet in the tests (converted to PDF, headless); Carlito
# stands in for Calibri so that column widths match Excel's
command -v soffice >/dev/null || apt_install libreoffice-calc-nogui fonts-crosextra-carlito

# Two runs: the suite (under 20 minutes on 2 cores), then the tests that drive chromium
# (marked "browser"). Both always run; the command fails if either does. A run that finds no
# test to run (exit 5: arguments that select none of one kind) is not a failure.
run() {
    local status=0
    "$python" -m pytest "$@" || status=$?
    [ "$status" -eq 5 ] && status=0
    return "$status"
}
suite=0 browser=0
run -m "not browser" "$@" || suite=$?
run -m browser "$@" || browser=$?
[ "$suite" -eq 0 ] && [ "$browser" -eq 0 ]
