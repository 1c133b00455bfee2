#!/usr/bin/env bash
# Headless-Chromium check of the web page: starts `autoglm serve --port 0`, loads the page with
# ?demo=1 (it searches "a large red circle": with the server's index (the demo gallery, or
# SERVE_ARGS="--index DIR") through /api/search with thumbnails; with SERVE_ARGS=--no-gallery among
# 24 ShapeWorld-style pictures it draws and embeds through /v1/embeddings; then it classifies a blue
# square through /api/classify), checks in the DOM that the search ran and shows results, saves a
# screenshot, then stops the server with SIGTERM.
#
#   [SERVE_ARGS="..."] bench/web-screenshot.sh [OUT.png]        (default: docs/web-page.png)
#
# Needs: chromium (apt-get install -y chromium). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
SHOT=${1:-docs/web-page.png}
CHROME=$(command -v chromium || command -v chromium-browser || true)
[[ -n $CHROME ]] || { echo "no chromium: apt-get install -y chromium" >&2; exit 1; }
LOG=$(mktemp)
PROFILE=$(mktemp -d)
# shellcheck disable=SC2086
./autoglm serve --port 0 ${SERVE_ARGS:-} > "$LOG" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; rm -rf "$PROFILE"' EXIT
# A signal to this script stops the server too (the EXIT trap then runs on the way out).
trap 'exit 143' TERM
trap 'exit 130' INT
for _ in $(seq 1 600); do
  grep -q '^listening on ' "$LOG" && break
  kill -0 $SERVER 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.5
done
URL=$(sed -n 's/^listening on //p' "$LOG" | head -1)
[[ -n $URL ]] || { echo "the server did not say where it listens" >&2; cat "$LOG" >&2; exit 1; }
echo "server: $URL"
FLAGS=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$PROFILE"
       --window-size=1200,1050 --virtual-time-budget=20000)
# A hung browser must not hang CI: each Chromium run gets two minutes.
DOM=$(timeout 120 "$CHROME" "${FLAGS[@]}" --dump-dom "$URL/?demo=1" 2>/dev/null) \
  || { echo "chromium failed or timed out loading the page" >&2; exit 1; }
grep -q 'data-demo="done"' <<<"$DOM" || { echo "the page did not finish its demo run" >&2; exit 1; }
HITS=$(grep -o 'class="hit' <<<"$DOM" | wc -l)
echo "search results shown: $HITS"
[[ $HITS -gt 0 ]]
if grep -q '^search over ' "$LOG"; then
  THUMBS=$(grep -o 'src="blob:' <<<"$DOM" | wc -l)
  echo "server search (/api/search): thumbnails shown: $THUMBS"
  [[ $THUMBS -eq $HITS ]] || { echo "not every result has its thumbnail" >&2; exit 1; }
fi
grep -q 'class="bar"' <<<"$DOM" || { echo "no zero-shot labels shown" >&2; exit 1; }
timeout 120 "$CHROME" "${FLAGS[@]}" --screenshot="$SHOT" "$URL/?demo=1" 2>/dev/null
echo "screenshot: $SHOT"
kill -TERM $SERVER
wait $SERVER || true
trap - EXIT
rm -rf "$PROFILE"
echo "server stopped on SIGTERM"
