#!/usr/bin/env bash
# Publishes the built Angular site to its bucket with cache headers, then invalidates the CDN.
#
#   publish-site.sh <site dir, e.g. app/web/dist/browser>
#   env: SITE_BUCKET, API_URL, SITE_URL, DISTRIBUTION_ID (`none` for no CloudFront)
#
# config.json is the released server's own /config.json (upload cap, image types, protocol version),
# fetched through the public API URL, so the site can never disagree with the server it talks to.
set -euo pipefail

dir="${1:?usage: publish-site.sh <site dir>}"
: "${SITE_BUCKET:?}" "${API_URL:?}" "${SITE_URL:?}"
distribution="${DISTRIBUTION_ID:-none}"
[[ -f "$dir/index.html" ]] || { echo "publish-site: $dir/index.html is missing; build app/web first" >&2; exit 1; }

# Same origin (one CloudFront in front of both): the app uses relative URLs.
api_for_site="$API_URL"
[[ "${API_URL%/}" == "${SITE_URL%/}" ]] && api_for_site=""
curl -fsS --retry 5 --retry-all-errors --max-time 10 "${API_URL%/}/config.json" |
  jq --arg api "$api_for_site" '.apiUrl = $api' >"$dir/config.json"
jq -e '.protocolVersion == 1 and (.maxUploadBytes | type == "number") and (.imageTypes | type == "array")' \
  "$dir/config.json" >/dev/null || { echo "publish-site: unexpected /config.json: $(cat "$dir/config.json")" >&2; exit 1; }

s3="s3://$SITE_BUCKET"
# Angular names build outputs name-HASH.ext (8 characters) and puts hashed assets in media/.
not_hashed=(--exclude '*-????????.js' --exclude '*-????????.css' --exclude 'media/*')

# Without CloudFront, nothing between S3 and the browser compresses: the website endpoint serves the stored bytes. So
# there the text assets (scripts, styles, the page) are stored gzipped with Content-Encoding: gzip, which every browser
# accepts; CloudFront compresses by itself (brotli too), so there they are stored as they are.
encoded=()
if [[ "$distribution" == none ]]; then
  # A copy: the build directory stays as it was (npm start serves it, and compresses by itself).
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' EXIT
  cp -R "$dir/." "$stage/"
  dir="$stage"
  while IFS= read -r -d '' f; do gzip -9 -n -c "$f" >"$f.gz" && mv "$f.gz" "$f"; done < <(
    find "$dir" -maxdepth 1 -type f \( -name '*-????????.js' -o -name '*-????????.css' -o -name index.html \) -print0)
  encoded=(--content-encoding gzip)
fi

# Hashed files first and never deleted here: a page loaded before this deploy still asks for its chunks.
aws s3 sync "$dir" "$s3" --only-show-errors --exclude '*' --include '*-????????.js' --include '*-????????.css' \
  "${encoded[@]}" --cache-control 'public, max-age=31536000, immutable'
aws s3 sync "$dir" "$s3" --only-show-errors --exclude '*' --include 'media/*' \
  --cache-control 'public, max-age=31536000, immutable'
aws s3 sync "$dir" "$s3" --only-show-errors "${not_hashed[@]}" --exclude index.html --exclude config.json \
  --exclude manifest.webmanifest --cache-control 'public, max-age=300'
# The CLI's type guess for .webmanifest depends on the machine's mime tables; browsers want this one.
[[ ! -f "$dir/manifest.webmanifest" ]] || aws s3 cp --only-show-errors "$dir/manifest.webmanifest" "$s3/manifest.webmanifest" \
  --cache-control 'public, max-age=300' --content-type 'application/manifest+json'
# Entry points last, so they never point at a file that is not there yet.
aws s3 cp --only-show-errors "$dir/config.json" "$s3/config.json" \
  --cache-control 'no-cache' --content-type 'application/json'
aws s3 cp --only-show-errors "$dir/index.html" "$s3/index.html" "${encoded[@]}" \
  --cache-control 'no-cache' --content-type 'text/html; charset=utf-8'

if [[ "$distribution" != none ]]; then
  id="$(aws cloudfront create-invalidation --distribution-id "$distribution" --paths '/*' \
    --query Invalidation.Id --output text)"
  echo "publish-site: invalidation $id on $distribution" >&2
fi
echo "publish-site: $SITE_URL" >&2
