#!/usr/bin/env bash
# Vendor the JS/CSS/image/font files that folium (and the folium plugins Origin Map uses) load
# from CDNs, so that maps draw on machines that reach no CDN.
#
# Sources are package registries only, fetched with their ordinary clients at pinned versions:
#   - npm registry (`npm pack NAME@VERSION`): leaflet, jquery, bootstrap, awesome-markers,
#     fontawesome, markercluster, featuregroup.subgroup, fullscreen, minimap, measure, draw, and
#     bootstrap 3 (glyphicons);
#   - PyPI (`pip download folium==X --no-binary :all:`): folium's own templates (heatmap JS,
#     awesome-marker rotation CSS), which folium loads from its GitHub repository via jsDelivr.
#
# Only the dist files that the CDN URLs name (plus the images/fonts their CSS references) and each
# package's licence are copied, into static/vendor/<package>/<path inside the package>.
# The URL -> file mapping lives in src/origin_map/render/assets.py; keep the two in step.
#
# Usage: scripts/vendor_assets.sh            # (re)create static/vendor/
#        PIP="python3 -m pip" scripts/vendor_assets.sh
# Re-running it reproduces the same bytes (checked against static/vendor/SHA256SUMS, rewritten).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor"
if [[ -z "${PIP:-}" ]]; then
    if [[ -x "$ROOT/.venv/bin/pip" ]]; then PIP="$ROOT/.venv/bin/pip"; else PIP="python3 -m pip"; fi
fi
FOLIUM_VERSION="0.20.0"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v npm >/dev/null || { echo "npm is required (apt-get install -y npm)" >&2; exit 1; }

# unpack NPM_SPEC -> prints the unpacked package directory
unpack() {
    local spec="$1" dir tgz
    dir="$WORK/$(echo "$spec" | tr '/@' '__')"
    mkdir -p "$dir"
    tgz="$(cd "$dir" && npm pack --silent "$spec" | tail -n 1)"
    tar --warning=no-unknown-keyword -xzf "$dir/$tgz" -C "$dir"
    echo "$dir/package"
}

# vendor NPM_SPEC DEST_NAME FILE... : copy FILEs (paths inside the package) to $DEST/DEST_NAME/
vendor() {
    local spec="$1" name="$2" src f
    shift 2
    src="$(unpack "$spec")"
    for f in "$@"; do
        install -D -m 0644 "$src/$f" "$DEST/$name/$f"
    done
    echo "vendored $spec -> static/vendor/$name ($# files)"
}

rm -rf "$DEST.new"
mkdir -p "$DEST.new"
README_SAVED=""
if [[ -f "$DEST/README.md" ]]; then README_SAVED="$WORK/README.md"; cp "$DEST/README.md" "$README_SAVED"; fi
OLD_DEST="$DEST"
DEST="$DEST.new"

# --- folium.Map ------------------------------------------------------------------------------
vendor leaflet@1.9.3 leaflet \
    LICENSE dist/leaflet.js dist/leaflet.css \
    dist/images/layers.png dist/images/layers-2x.png \
    dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png

vendor jquery@3.7.1 jquery LICENSE.txt dist/jquery.min.js

vendor bootstrap@5.2.2 bootstrap LICENSE dist/css/bootstrap.min.css dist/js/bootstrap.bundle.min.js

# cdnjs "Leaflet.awesome-markers/2.0.2" (lvoogdt); npm has it as drmonty-leaflet-awesome-markers.
# Only the two sprite sheets (and their @2x) that the CSS references are copied.
vendor drmonty-leaflet-awesome-markers@2.0.2 leaflet-awesome-markers \
    package.json js/leaflet.awesome-markers.js css/leaflet.awesome-markers.css \
    css/images/markers-soft.png css/images/markers-soft@2x.png \
    css/images/markers-shadow.png css/images/markers-shadow@2x.png

vendor @fortawesome/fontawesome-free@6.2.0 fontawesome-free \
    LICENSE.txt css/all.min.css \
    webfonts/fa-brands-400.woff2 webfonts/fa-brands-400.ttf \
    webfonts/fa-regular-400.woff2 webfonts/fa-regular-400.ttf \
    webfonts/fa-solid-900.woff2 webfonts/fa-solid-900.ttf \
    webfonts/fa-v4compatibility.woff2 webfonts/fa-v4compatibility.ttf

# folium.Map's "glyphicons_css" is netdna's bootstrap/3.0.0/css/bootstrap-glyphicons.css, a
# glyphicons-only stylesheet (folium's default Icon prefix is "glyphicon"). Bootstrap 3.0.0 is not
# on npm; the same rules are cut out of bootstrap@3.4.1's dist/css/bootstrap.css (the
# @font-face block and every .glyphicon* rule), with the font reduced to woff2/woff.
B3="$(unpack bootstrap@3.4.1)"
G="$DEST/bootstrap3-glyphicons"
install -D -m 0644 "$B3/LICENSE" "$G/LICENSE"
for ext in woff2 woff; do
    install -D -m 0644 "$B3/dist/fonts/glyphicons-halflings-regular.$ext" \
        "$G/fonts/glyphicons-halflings-regular.$ext"
done
mkdir -p "$G/css"
{
    echo "/*!"
    echo " * Glyphicons Halflings rules from Bootstrap v3.4.1 (dist/css/bootstrap.css)"
    echo " * Copyright 2011-2019 Twitter, Inc. Licensed under MIT (see ../LICENSE)."
    echo " * Extracted by scripts/vendor_assets.sh; replaces bootstrap-glyphicons.css 3.0.0."
    echo " */"
    echo "@font-face {"
    echo '  font-family: "Glyphicons Halflings";'
    echo '  src: url("../fonts/glyphicons-halflings-regular.woff2") format("woff2"),'
    echo '    url("../fonts/glyphicons-halflings-regular.woff") format("woff");'
    echo "}"
    # From the first `.glyphicon {` rule through the last top-level .glyphicon-*:before rule.
    awk '
        /^\.glyphicon \{$/ { on = 1 }
        on && /^\.glyphicon/ { keep = 1 }
        on && keep { print }
        on && keep && /^\}$/ { keep = 0; if (last) exit }
        on && /^\.glyphicon-menu-up:before \{$/ { last = 1 }
    ' "$B3/dist/css/bootstrap.css"
} > "$G/css/bootstrap-glyphicons.css"
echo "vendored bootstrap@3.4.1 (glyphicons only) -> static/vendor/bootstrap3-glyphicons"

# --- plugins ---------------------------------------------------------------------------------
# MarkerCluster, FastMarkerCluster
vendor leaflet.markercluster@1.1.0 leaflet.markercluster \
    MIT-LICENCE.txt dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css

# FeatureGroupSubGroup (per-sector layers inside one MarkerCluster)
vendor leaflet.featuregroup.subgroup@1.0.2 leaflet.featuregroup.subgroup \
    LICENSE dist/leaflet.featuregroup.subgroup.js

# Fullscreen (jsDelivr's Control.FullScreen.min.js is its on-the-fly minification of this file)
vendor leaflet.fullscreen@3.0.0 leaflet.fullscreen \
    LICENSE Control.FullScreen.js Control.FullScreen.css icon-fullscreen.svg

# MiniMap (cdnjs serves the unminified src/ files under these names)
vendor leaflet-minimap@3.6.1 leaflet-minimap \
    LICENSE.txt src/Control.MiniMap.js src/Control.MiniMap.css \
    src/images/toggle.png src/images/toggle.svg

# MeasureControl (jsDelivr's leaflet-measure.min.css is its minification of leaflet-measure.css)
vendor leaflet-measure@2.1.7 leaflet-measure \
    LICENSE dist/leaflet-measure.min.js dist/leaflet-measure.css \
    dist/images/cancel.png dist/images/cancel_@2X.png dist/images/check.png \
    dist/images/check_@2X.png dist/images/focus.png dist/images/focus_@2X.png \
    dist/images/rulers.png dist/images/rulers_@2X.png dist/images/start.png \
    dist/images/start_@2X.png dist/images/trash.png dist/images/trash_@2X.png

# Draw (package ships no licence file; its package.json states MIT, kept as the licence record)
vendor leaflet-draw@1.0.2 leaflet-draw \
    package.json dist/leaflet.draw.js dist/leaflet.draw.css \
    dist/images/spritesheet.png dist/images/spritesheet-2x.png dist/images/spritesheet.svg

# HeatMap, and folium.Map's awesome_rotate_css: files from folium's own repository, taken from
# the folium sdist on PyPI (same version as installed, so behaviour matches).
(cd "$WORK" && $PIP download --quiet --no-deps --no-binary :all: "folium==$FOLIUM_VERSION" -d "$WORK/folium" >/dev/null)
tar -xzf "$WORK/folium/folium-$FOLIUM_VERSION.tar.gz" -C "$WORK/folium"
FS="$WORK/folium/folium-$FOLIUM_VERSION"
install -D -m 0644 "$FS/LICENSE.txt" "$DEST/folium/LICENSE.txt"
install -D -m 0644 "$FS/folium/templates/leaflet_heat.min.js" "$DEST/folium/templates/leaflet_heat.min.js"
install -D -m 0644 "$FS/folium/templates/leaflet.awesome.rotate.css" \
    "$DEST/folium/templates/leaflet.awesome.rotate.css"
echo "vendored folium==$FOLIUM_VERSION templates -> static/vendor/folium"

# Two packages ship no licence file although their package.json declares MIT: write the MIT text
# with the copyright line from the package's own JS header (and keep package.json beside it).
mit_licence() {
    local copyright="$1" upstream="$2"
    cat <<EOT
MIT License (declared in this package's package.json; the npm package ships no licence file).
Upstream: $upstream

$copyright

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
EOT
}
mit_licence "Copyright (c) 2012-2013, Lennard Voogdt" \
    "https://github.com/lvoogdt/Leaflet.awesome-markers" > "$DEST/leaflet-awesome-markers/LICENSE"
mit_licence "Copyright (c) 2012-2017, Jacob Toye, Jon West, Smartrak, Leaflet" \
    "https://github.com/Leaflet/Leaflet.draw" > "$DEST/leaflet-draw/LICENSE"

# --- finish ----------------------------------------------------------------------------------
# Files are kept byte-identical to the published packages (sourceMappingURL comments included:
# browsers fetch .map files only while DevTools is open).
if [[ -n "$README_SAVED" ]]; then cp "$README_SAVED" "$DEST/README.md"; fi
(cd "$DEST" && find . -type f ! -name SHA256SUMS ! -name README.md -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sed 's#  \./#  #' > SHA256SUMS)

if [[ -f "$OLD_DEST/SHA256SUMS" ]]; then
    if diff -q "$OLD_DEST/SHA256SUMS" "$DEST/SHA256SUMS" >/dev/null; then
        echo "unchanged: same files and bytes as before"
    else
        echo "CHANGED vs previous static/vendor:"; diff "$OLD_DEST/SHA256SUMS" "$DEST/SHA256SUMS" || true
    fi
fi
rm -rf "$OLD_DEST"
mv "$DEST" "$OLD_DEST"
echo "static/vendor: $(du -sh "$OLD_DEST" | cut -f1), $(find "$OLD_DEST" -type f | wc -l) files"
