#!/usr/bin/env bash
# Measures every chart label of an HTML report in Debian's headless Chromium and fails when one is
# clipped: drawn (partly) outside the <svg> it belongs to, where the browser cuts it off.
#
#   Tests/browser/measure_text.sh REPORT.html
#
# The charts size their label bands from SVGText's width model (no font metrics offline); this is
# the check against real fonts: DejaVu Sans, and for CJK the fallback font (fonts-noto-cjk).
# report.html forbids scripts (Content-Security-Policy), so the script works on a COPY of the page
# with the policy removed and measure_text.js added; the report itself is never changed. The copy
# is rendered with --dump-dom, and the measurements are read back from the dumped DOM.
#
# Prints `measured: TEXTS texts, CJK with CJK` and, for each clipped label, `clipped: CHART | TEXT |
# SIDE PX px`. Exit 0: nothing clipped. Exit 1: a label is clipped, no text was measured, or
# Chromium failed. Exit 2: bad usage or chromium missing.
#
# Environment: CHROMIUM (default chromium), WINDOW (width,height in CSS px; default 1280,8000),
# TIMEOUT (seconds, 120).
set -euo pipefail

usage() { echo "usage: $0 REPORT.html" >&2; exit 2; }
[ $# -eq 1 ] || usage
report=$1
[ -f "$report" ] || { echo "measure_text: $report: no such file" >&2; exit 2; }
chromium=${CHROMIUM:-chromium}
for tool in "$chromium" timeout awk sed; do
    command -v "$tool" >/dev/null || { echo "measure_text: $tool not found (apt-get install chromium)" >&2; exit 2; }
done
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The copy: without the policy's <meta>, with the measuring script just before </body>.
sed -e 's/<meta http-equiv="Content-Security-Policy"[^>]*>//' "$report" |
    awk -v js="$here/measure_text.js" '
        { i = index($0, "</body>") }
        i == 0 { print; next }
        { printf "%s<script>\n", substr($0, 1, i - 1); while ((getline line < js) > 0) print line; print "</script>" substr($0, i) }' \
    >"$work/page.html"
grep -q "write('measured'" "$work/page.html" || { echo "measure_text: $report: no </body> to put the script before" >&2; exit 1; }

status=0
timeout "${TIMEOUT:-120}" "$chromium" --headless --disable-gpu --no-sandbox --hide-scrollbars \
    --force-device-scale-factor=1 --no-first-run --no-default-browser-check --disable-extensions \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --window-size="${WINDOW:-1280,8000}" \
    --dump-dom "file://$work/page.html" >"$work/dom.html" 2>"$work/log" || status=$?
if [ "$status" -ne 0 ]; then
    echo "measure_text: $report: chromium exited with status $status" >&2
    cat "$work/log" >&2
    exit 1
fi

# The two <pre> elements the script appended (text content escaped as HTML; & < > only).
section() {
    awk -v id="$1" '
        index($0, "<pre id=\"" id "\">") { on = 1; sub(".*<pre id=\"" id "\">", "") }
        on && index($0, "</pre>") { sub("</pre>.*", ""); print; exit }
        on { print }' "$work/dom.html" | sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}
read -r texts cjk <<<"$(section measured)" || true
[ -n "${texts:-}" ] || { echo "measure_text: $report: the measuring script did not run" >&2; cat "$work/log" >&2; exit 1; }
echo "measured: $texts texts, $cjk with CJK"
[ "$texts" -gt 0 ] || { echo "measure_text: $report: no chart text to measure" >&2; exit 1; }
clipped=$(section clipped | sed '/^$/d')
if [ -n "$clipped" ]; then
    printf '%s\n' "$clipped" | sed 's/^/clipped: /'
    exit 1
fi
echo "measure_text: $report: ok: no label reaches outside its chart"
