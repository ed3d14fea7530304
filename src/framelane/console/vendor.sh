#!/usr/bin/env bash
# Re-fetches the console's vendored ES modules from the npm registry at the pinned versions.
# Run by hand when upgrading; `framelane serve` and the tests never need Node or the network.
set -euo pipefail
PREACT=10.29.8
HTM=3.1.1
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "preact@$PREACT" "htm@$HTM" >/dev/null
mkdir preact htm
tar xzf "preact-$PREACT.tgz" -C preact --strip-components=1
tar xzf "htm-$HTM.tgz" -C htm --strip-components=1
cp preact/dist/preact.module.js "$out/preact.module.js"
# The hooks import the bare specifier "preact"; point it at the sibling file (no import map).
sed 's#from"preact"#from"./preact.module.js"#; s#from "preact"#from "./preact.module.js"#' \
  preact/hooks/dist/hooks.module.js >"$out/hooks.module.js"
cp htm/dist/htm.module.js "$out/htm.module.js"
cp preact/LICENSE "$out/LICENSE-preact"
cp htm/LICENSE "$out/LICENSE-htm"
# Their source maps are not vendored: drop the references to them.
sed -i '/sourceMappingURL/d' "$out"/*.module.js
grep -q './preact.module.js' "$out/hooks.module.js"
echo "vendored preact $PREACT and htm $HTM into $out"
