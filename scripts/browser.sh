#!/usr/bin/env bash
# What the browser tests of the web form need (tests/browser/):
#   - headless Chromium and its WebDriver from Debian's packages (chromium, chromium-driver),
#     installed when /usr/bin/chromium or /usr/bin/chromedriver is missing;
#   - axe-core, the accessibility engine, from the npm registry: `npm pack` of a pinned
#     version, of which only axe.min.js is kept, in tests/browser/vendor/ (gitignored).
# Idempotent: does nothing that is already done. .ci/run calls it; run it yourself once to
# run the browser tests locally (without it they skip and say why).
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION=4.14.1
vendor=tests/browser/vendor

install_browser() {
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        return
    fi
    echo "Chromium en chromedriver installeren (Debian-pakketten chromium, chromium-driver) ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2
    else
        sudo apt-get update -qq >&2 && sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2
    fi
}

vendor_axe() {
    if [ -f "$vendor/axe.min.js" ] && grep -q "axe v$AXE_VERSION" "$vendor/axe.min.js"; then
        return
    fi
    echo "axe-core $AXE_VERSION ophalen (npm) ..." >&2
    mkdir -p "$vendor"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' RETURN
    (cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null)
    tar -xzf "$work"/axe-core-*.tgz -C "$work" package/axe.min.js package/LICENSE
    cp "$work/package/axe.min.js" "$vendor/axe.min.js"
    cp "$work/package/LICENSE" "$vendor/axe-core.LICENSE"
}

install_browser
vendor_axe
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '?'); axe-core: $AXE_VERSION in $vendor/" >&2
