#!/usr/bin/env bash
# Renders an HTML report in Debian's headless Chromium and fails when the page is broken.
#
#   Tests/browser/check_report.sh REPORT.html [SCREENSHOT.png]
#
# Fails (exit 1) when
#   1. the page writes anything to the browser console: an error, an uncaught exception, a
#      Content-Security-Policy violation (report.html forbids every load and script, so any attempt
#      to fetch a URL or run code lands here), or a plain console.log;
#   2. the screenshot is blank or has no charts. Measured on the screenshot trimmed to the page's
#      content: fewer than MIN_COLOURS distinct colours (blank); less than MIN_CHART_AREA of it in
#      solid saturated colour — pixels whose 7×7 neighbourhood is all saturated, i.e. chart fills
#      (heat-map cells, bars, legends), while text, links and rules are too thin to count, so a page
#      whose SVGs failed to draw scores exactly 0; or less than MIN_DARK of it dark (no text);
#   3. with SECTIONS="id …" (e.g. SECTIONS=cohorts), a named section of the report is missing, says
#      "Not run", holds no <svg>, or does not draw on its own: the page's head with that section
#      alone is rendered the same way and must write nothing to the console and have at least
#      MIN_SECTION_CHART_AREA of its content in solid chart colour. So a chart is checked by
#      itself, not hidden among the others' fills (for charts drawn in fills: heat maps, bars);
#   4. with LINE_SECTIONS="id …" (charts drawn in lines: the Pareto curve, the tracking plot), the
#      same, but a line is too thin to count as a fill: the section alone is rendered twice, as it is
#      and with its <polyline> elements removed, and the lines must add at least MIN_LINE_AREA of the
#      content in saturated colour (pixels, no erosion; everything else on the two pages is the same).
# Exit 2: bad usage or a missing tool (chromium, ImageMagick's identify/convert).
#
# Chromium's console lines and its own noise. With --enable-logging=stderr --v=0 every message the
# page sends to the console is logged as `[pid:tid:time:INFO:CONSOLE:<line>] "<text>", source: <url>`
# (older releases: `INFO:CONSOLE(<line>)`), whatever the console level. Everything else on stderr
# is Chromium describing its own environment — `ERROR:dbus/bus.cc` (no system bus in a container),
# `WARNING:media/gpu/vaapi`, `sandbox_linux.cc`, `idle_linux.cc`, the launcher's shell warning —
# and names a Chromium source file, never the page. So the check counts only lines that match
# `:CONSOLE[:(]`, `Uncaught`, or `source: file://` (a page-attributed message in any format), and
# ignores the rest; the full log is printed when the check fails, and kept with KEEP_LOG=path.
#
# Environment: CHROMIUM (default chromium), WINDOW (width,height in CSS px; default 1280,16000, tall enough for the whole demo report),
# MIN_COLOURS (64), MIN_CHART_AREA (0.001), MIN_DARK (0.002), TIMEOUT (seconds, 120), SECTIONS (none),
# MIN_SECTION_CHART_AREA (0.005), LINE_SECTIONS (none), MIN_LINE_AREA (0.0005).
set -euo pipefail

usage() { echo "usage: $0 REPORT.html [SCREENSHOT.png]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
report=$1
keep=${2:-}
[ -f "$report" ] || { echo "check_report: $report: no such file" >&2; exit 2; }

chromium=${CHROMIUM:-chromium}
window=${WINDOW:-1280,16000}
min_colours=${MIN_COLOURS:-64}
min_chart_area=${MIN_CHART_AREA:-0.001}
min_dark=${MIN_DARK:-0.002}
for tool in "$chromium" identify convert timeout; do
    command -v "$tool" >/dev/null || { echo "check_report: $tool not found (apt-get install chromium imagemagick)" >&2; exit 2; }
done

started=$(date +%s.%N)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
absolute=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
# file:// URL: percent-encode the few characters a path may hold that a URL may not.
url="file://$(printf '%s' "$absolute" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/#/%23/g' -e 's/?/%3F/g')"

# render URL SHOT LOG: Chromium's screenshot of URL into SHOT, its stderr into LOG; sets $status.
render() {
    status=0
    timeout "${TIMEOUT:-120}" "$chromium" --headless --disable-gpu --no-sandbox --hide-scrollbars \
        --force-device-scale-factor=1 --no-first-run --no-default-browser-check --disable-extensions \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/profile" --window-size="$window" --screenshot="$2" \
        --enable-logging=stderr --v=0 "$1" >"$work/stdout" 2>"$3" || status=$?
}
# Share of the (trimmed) screenshot in solid saturated colour: chart fills.
chart_fills() {
    convert "$1" -colorspace HSB -channel G -separate +channel -threshold 25% \
        -morphology Erode Square:3 -format '%[fx:mean]' info:
}
render "$url" "$work/shot.png" "$work/log"
[ -n "${KEEP_LOG:-}" ] && cp "$work/log" "$KEEP_LOG"

fail() {
    echo "check_report: $report: $1" >&2
    if [ "${2:-}" = log ]; then echo "--- chromium log ---" >&2; cat "$work/log" >&2; fi
    exit 1
}

[ "$status" -eq 0 ] || fail "chromium exited with status $status" log
console=$(grep -E ':CONSOLE[:(]|Uncaught|source: file://' "$work/log" || true)
if [ -n "$console" ]; then
    echo "check_report: $report: the page wrote to the browser console:" >&2
    printf '%s\n' "$console" >&2
    exit 1
fi
[ -s "$work/shot.png" ] || fail "no screenshot was written" log

# Everything below is measured on the content: the screenshot with its uniform margins trimmed,
# so a short page in a tall window is judged like a long one.
convert "$work/shot.png" -trim +repage "$work/content.png"
size=$(identify -format '%w×%h' "$work/content.png")
colours=$(identify -format '%k' "$work/content.png")
# Saturation in HSB (0 for white, black and greys); erosion keeps only solid areas of colour.
chart_area=$(chart_fills "$work/content.png")
dark=$(convert "$work/content.png" -colorspace Gray -negate -threshold 50% -format '%[fx:mean]' info:)
awk -v c="$colours" -v m="$min_colours" 'BEGIN { exit !(c >= m) }' ||
    fail "blank page: the screenshot has $colours distinct colours (at least $min_colours expected)"
awk -v c="$chart_area" -v m="$min_chart_area" 'BEGIN { exit !(c >= m) }' ||
    fail "no charts drawn: $chart_area of the content is solid colour (at least $min_chart_area expected)"
awk -v c="$dark" -v m="$min_dark" 'BEGIN { exit !(c >= m) }' ||
    fail "no text drawn: $dark of the content is dark (at least $min_dark expected)"

# Each named section alone: the page up to <main>, the section, and the closing tags.
sections_checked=""
for id in ${SECTIONS:-}; do
    grep -q "^<section id=\"$id\" class=\"report-section\">" "$report" ||
        fail "section $id is missing or did not run (no drawn <section id=\"$id\"> in the page)"
    awk -v id="$id" '
        !main { print; if (index($0, "<main>")) main = 1; next }
        index($0, "<section id=\"" id "\"") == 1 { inside = 1 }
        inside { print; if (index($0, "</section>") == 1) inside = 0 }
        END { print "</main>\n</body>\n</html>" }' "$report" >"$work/section-$id.html"
    grep -q "<svg" "$work/section-$id.html" || fail "section $id draws no <svg> chart"
    render "file://$work/section-$id.html" "$work/section-$id.png" "$work/section-$id.log"
    [ "$status" -eq 0 ] || { cp "$work/section-$id.log" "$work/log"; fail "chromium exited with status $status on section $id" log; }
    console=$(grep -E ':CONSOLE[:(]|Uncaught|source: file://' "$work/section-$id.log" || true)
    if [ -n "$console" ]; then
        echo "check_report: $report: section $id wrote to the browser console:" >&2
        printf '%s\n' "$console" >&2
        exit 1
    fi
    convert "$work/section-$id.png" -trim +repage "$work/section-$id-content.png"
    area=$(chart_fills "$work/section-$id-content.png")
    awk -v c="$area" -v m="${MIN_SECTION_CHART_AREA:-0.005}" 'BEGIN { exit !(c >= m) }' ||
        fail "section $id: no chart drawn: $area of its content is solid colour (at least ${MIN_SECTION_CHART_AREA:-0.005} expected)"
    sections_checked+=" $id $(awk -v c="$area" 'BEGIN { printf "%.1f%%", c * 100 }')"
done

# Saturated pixels, no erosion: lines count too.
saturated() {
    convert "$1" -colorspace HSB -channel G -separate +channel -threshold 25% -format '%[fx:mean]' info:
}
# Each named line section alone, with and without its lines.
for id in ${LINE_SECTIONS:-}; do
    grep -q "^<section id=\"$id\" class=\"report-section\">" "$report" ||
        fail "section $id is missing or did not run (no drawn <section id=\"$id\"> in the page)"
    awk -v id="$id" '
        !main { print; if (index($0, "<main>")) main = 1; next }
        index($0, "<section id=\"" id "\"") == 1 { inside = 1 }
        inside { print; if (index($0, "</section>") == 1) inside = 0 }
        END { print "</main>\n</body>\n</html>" }' "$report" >"$work/line-$id.html"
    grep -q "<polyline" "$work/line-$id.html" || fail "section $id draws no line (<polyline>)"
    sed -e 's/<polyline [^>]*>\(<title>[^<]*<\/title>\)\{0,1\}<\/polyline>//g' -e 's/<polyline [^>]*\/>//g' "$work/line-$id.html" >"$work/line-$id-bare.html"
    for variant in line-$id line-$id-bare; do
        render "file://$work/$variant.html" "$work/$variant.png" "$work/$variant.log"
        [ "$status" -eq 0 ] || { cp "$work/$variant.log" "$work/log"; fail "chromium exited with status $status on section $id" log; }
        console=$(grep -E ':CONSOLE[:(]|Uncaught|source: file://' "$work/$variant.log" || true)
        if [ -n "$console" ]; then
            echo "check_report: $report: section $id wrote to the browser console:" >&2
            printf '%s\n' "$console" >&2
            exit 1
        fi
    done
    # Both measured on the same crop (the page with lines), so the shares compare.
    crop=$(convert "$work/line-$id.png" -trim -format '%wx%h%X%Y' info:)
    with=$(convert "$work/line-$id.png" -crop "$crop" +repage png:- | saturated png:-)
    without=$(convert "$work/line-$id-bare.png" -crop "$crop" +repage png:- | saturated png:-)
    added=$(awk -v a="$with" -v b="$without" 'BEGIN { print a - b }')
    awk -v c="$added" -v m="${MIN_LINE_AREA:-0.0005}" 'BEGIN { exit !(c >= m) }' ||
        fail "section $id: no line drawn: its lines add $added of its content in colour (at least ${MIN_LINE_AREA:-0.0005} expected)"
    sections_checked+=" $id $(awk -v c="$added" 'BEGIN { printf "%.2f%% lines", c * 100 }')"
done

[ -n "$keep" ] && cp "$work/shot.png" "$keep"
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
printf 'check_report: %s: ok: no console messages; content %s, %s colours, %.2f%% chart fills, %.1f%% dark%s (%s s)\n' \
    "$report" "$size" "$colours" "$(awk -v c="$chart_area" 'BEGIN { print c * 100 }')" "$(awk -v c="$dark" 'BEGIN { print c * 100 }')" \
    "${sections_checked:+; sections alone:$sections_checked}" "$elapsed"
