#!/usr/bin/env bash
# Refresh the Swagger UI assets served at /docs (no CDN at run time) from the npm registry.
# Usage: scripts/vendor-swagger-ui.sh [version]; then update SWAGGER_UI_VERSION in api/docs.py.
set -euo pipefail
version="${1:-5.36.0}"
target="$(dirname "$0")/../src/framelane/api/swagger_ui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "swagger-ui-dist@${version}" >/dev/null && tar xzf swagger-ui-dist-*.tgz)
for file in swagger-ui-bundle.js swagger-ui.css swagger-ui-bundle.js.LICENSE.txt \
  favicon-32x32.png oauth2-redirect.html; do
  cp "$work/package/$file" "$target/$file"
done
cp "$work/package/LICENSE" "$target/LICENSE.txt"
cp "$work/package/NOTICE" "$target/NOTICE.txt"
echo "swagger-ui-dist ${version}" > "$target/VERSION.txt"
