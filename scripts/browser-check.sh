#!/usr/bin/env bash
# Opens gwlint's HTML report in a real headless Chromium (Debian's package, installed when
# missing) and checks the DOM the browser built: every finding of `gwlint check --format json`
# is highlighted, the page's script ran without console errors, and a `<script>` inside a
# document stayed text.
#
#   scripts/browser-check.sh                 the check (CI)
#   scripts/browser-check.sh --screenshot    also writes docs/report-004.png (needs CJK fonts:
#                                            installs Debian's fonts-noto-cjk when missing)
set -euo pipefail
cd "$(dirname "$0")/.."

screenshot=""
case "${1:-}" in
  --screenshot) screenshot="${2:-docs/report-004.png}" ;;
  "") ;;
  *) echo "usage: $0 [--screenshot [OUT.png]]" >&2; exit 2 ;;
esac

apt_install() {
  echo "browser-check: installing $* (Debian)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$@" >/dev/null
}

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  apt_install chromium
  chromium=$(command -v chromium)
fi
if [ -n "$screenshot" ] && ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  apt_install fonts-noto-cjk
fi

if [ -z "${GWLINT:-}" ]; then
  cargo build --release -q --bin gwlint
  GWLINT=target/release/gwlint
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

browser() {
  # No network, no first-run work, a throwaway profile; console messages go to stderr.
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --hide-scrollbars --user-data-dir="$(mktemp -d -p "$work")" \
    --enable-logging=stderr --v=0 "$@"
}

# gwlint exits 1 when it finds something; only 2 (usage, I/O) is a failure here.
gw() {
  local code=0
  "$GWLINT" "$@" || code=$?
  if [ "$code" -gt 1 ]; then
    echo "browser-check: FAIL: gwlint $* exited $code" >&2
    exit 1
  fi
}

printf '关于测试的通知\n\n这是正文,其中有<script>alert(1)</script>一段。\n' >"$work/hostile.txt"
gw report seeds/ "$work/hostile.txt" --html "$work/report.html"
gw check --format json seeds/ "$work/hostile.txt" >"$work/check.json"

browser --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/console.log" || {
  echo "browser-check: FAIL: Chromium could not load the page"
  tail -20 "$work/console.log"
  exit 1
}
# The same page opened on a finding's link: the script must show its popup.
target=$(python3 scripts/browser-check.py pick "$work/report.html" data/growth)
browser --dump-dom "file://$work/report.html#gw-h-$target" >"$work/dom-jump.html" 2>>"$work/console.log" || {
  echo "browser-check: FAIL: Chromium could not load the page at #gw-h-$target"
  exit 1
}

python3 scripts/browser-check.py check "$work/check.json" "$work/report.html" \
  "$work/dom.html" "$work/dom-jump.html" "$target" "$work/console.log"

if [ -n "$screenshot" ]; then
  seed=$(ls seeds/004_*.txt)
  gw report "$seed" --html "$work/report-004.html"
  # A finding near the top, so the summary, the text and the popup all show.
  target=$(python3 scripts/browser-check.py pick "$work/report-004.html" punct/halfwidth)
  case "$screenshot" in /*) ;; *) screenshot="$PWD/$screenshot" ;; esac
  mkdir -p "$(dirname "$screenshot")"
  browser --window-size=1400,1000 --screenshot="$screenshot" \
    "file://$work/report-004.html#gw-h-$target" 2>>"$work/console.log" >/dev/null
  python3 scripts/browser-check.py console "$work/console.log"
  echo "browser-check: screenshot of $seed (finding $target opened) → $screenshot"
fi
