"""The folium maps must load every JS/CSS/image file from static/vendor/, never from a CDN."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import branca.colormap
import folium
import pytest
from folium import plugins

from origin_map.render import assets

BASE = assets.DEFAULT_BASE_URL
CENTER = [31.2304, 121.4737]
URL_RE = re.compile(r"""https?://[^\s"'<>()\\]+""")
LOCAL_REF_RE = re.compile(r"""(?:src|href)="([^"]+)\"""")

# folium classes whose CDN files are vendored (a folium upgrade that changes their URLs fails
# test_mapping_covers_supported_classes instead of silently breaking the map offline).
SUPPORTED = [
    folium.Map,
    plugins.MarkerCluster,
    plugins.FastMarkerCluster,
    plugins.FeatureGroupSubGroup,
    plugins.Fullscreen,
    plugins.MiniMap,
    plugins.MeasureControl,
    plugins.HeatMap,
    plugins.Draw,
]


def build_map() -> folium.Map:
    """A map with every supported plugin, no tile layer (offline)."""
    m = folium.Map(location=CENTER, zoom_start=13, tiles=None, maxZoom=19)
    plugins.Fullscreen().add_to(m)
    plugins.MiniMap().add_to(m)
    plugins.MeasureControl().add_to(m)
    cluster = plugins.MarkerCluster(name="cluster").add_to(m)
    folium.Marker(CENTER, tooltip="default icon").add_to(cluster)
    sub = plugins.FeatureGroupSubGroup(cluster, name="sub").add_to(m)
    folium.CircleMarker([31.231, 121.472], radius=5).add_to(sub)
    folium.Marker([31.24, 121.45], icon=folium.Icon(color="red", icon="info-sign")).add_to(m)
    folium.Marker([31.22, 121.5], icon=folium.Icon(icon="star", prefix="fa")).add_to(m)
    plugins.FastMarkerCluster([[31.25, 121.49], [31.251, 121.491]], name="fast").add_to(m)
    plugins.HeatMap([[31.23, 121.47, 1.0], [31.231, 121.471, 2.0]], name="heat").add_to(m)
    folium.GeoJson(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [121.46, 31.22]},
            "properties": {"name": "p"},
        },
        name="geojson",
    ).add_to(m)
    folium.LayerControl().add_to(m)
    return m


def remote_urls(html: str) -> list[str]:
    """Remote URLs in rendered HTML, minus the harmless ones.

    Tile URL templates (the MiniMap's default OpenStreetMap layer: tiles only, the map does not
    need them to draw), attribution links, and URLs in JavaScript ``//`` comments are not loaded
    as resources.
    """
    found = []
    for line in html.splitlines():
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        for url in URL_RE.findall(line):
            if "{z}" in url or '"attribution"' in line:
                continue
            found.append(url)
    return found


def referenced_local_urls(element: folium.Element) -> list[str]:
    """Every default_js/default_css URL of the element and its descendants."""
    urls = []
    stack = [element]
    while stack:
        el = stack.pop()
        for attr in ("default_js", "default_css"):
            urls.extend(url for _, url in getattr(el, attr, None) or [])
        stack.extend(el._children.values())
    return urls


def to_disk(url: str) -> Path:
    assert url.startswith(BASE + "/"), url
    return assets.VENDOR_DIR / url.removeprefix(BASE + "/")


def test_localized_map_renders_without_cdn_urls() -> None:
    m = assets.localize_map(build_map())
    html = m.get_root().render()

    assert remote_urls(html) == []
    refs = LOCAL_REF_RE.findall(html)
    assert len(refs) >= 15
    for ref in refs:
        assert to_disk(ref).is_file(), ref


def test_every_referenced_local_url_exists() -> None:
    m = assets.localize_map(build_map())
    urls = referenced_local_urls(m)
    assert urls
    for url in urls:
        assert to_disk(url).is_file(), url
    image_dir = assets.VENDOR_DIR / assets.LEAFLET_IMAGES
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert (image_dir / name).is_file()


def test_image_path_is_set_before_markers_are_created() -> None:
    m = assets.localize_map(build_map())
    assert next(iter(m._children)) == "origin_map_leaflet_image_path"
    html = m.get_root().render()
    image_path = f'L.Icon.Default.imagePath = "{BASE}/leaflet/dist/images/";'
    assert image_path in html
    assert html.index(image_path) < html.index("L.marker(")


def test_image_path_precedes_markers_in_streamlit_folium_script() -> None:
    streamlit_folium = pytest.importorskip("streamlit_folium")
    m = assets.localize_map(build_map())
    script = streamlit_folium.generate_leaflet_string(m)
    assert script.index("L.Icon.Default.imagePath") < script.index("L.marker(")


def test_custom_base_url() -> None:
    m = assets.localize_map(build_map(), base_url="/origin/app/static/vendor/")
    html = m.get_root().render()
    assert 'src="/origin/app/static/vendor/leaflet/dist/leaflet.js"' in html
    assert '"/origin/app/static/vendor/leaflet/dist/images/"' in html


def test_classes_are_not_mutated() -> None:
    before = {cls: (list(cls.default_js), list(cls.default_css)) for cls in SUPPORTED}
    assets.localize_map(build_map())
    after = {cls: (list(cls.default_js), list(cls.default_css)) for cls in SUPPORTED}
    assert after == before
    assert folium.Map.default_js[0][1].startswith("https://")


def test_localize_map_is_idempotent() -> None:
    m = assets.localize_map(build_map())
    first = m.get_root().render()
    assets.localize_map(m)
    assert list(m._children).count("origin_map_leaflet_image_path") == 1
    assert remote_urls(m.get_root().render()) == remote_urls(first) == []


def test_unknown_cdn_url_raises() -> None:
    m = build_map()
    marker = folium.Marker(CENTER).add_to(m)
    url = "https://cdn.example.org/some-plugin@1.0/plugin.js"
    marker.default_js = [("some_plugin", url)]
    with pytest.raises(ValueError, match=re.escape(url)):
        assets.localize_map(m)


def test_unvendored_plugin_raises() -> None:
    m = build_map()
    plugins.LocateControl().add_to(m)
    with pytest.raises(ValueError, match="leaflet-locatecontrol"):
        assets.localize_map(m)


def test_colormap_raises() -> None:
    m = build_map()
    branca.colormap.linear.YlOrRd_09.scale(0, 10).add_to(m)
    with pytest.raises(ValueError, match="colormap"):
        assets.localize_map(m)


def test_local_url() -> None:
    url = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
    assert assets.local_url(url) == f"{BASE}/leaflet/dist/leaflet.js"
    assert assets.local_url(url, "/x/") == "/x/leaflet/dist/leaflet.js"
    assert assets.local_url("/already/local.js") == "/already/local.js"


@pytest.mark.parametrize("cls", SUPPORTED, ids=lambda c: c.__name__)
def test_mapping_covers_supported_classes(cls: type) -> None:
    for _, url in [*cls.default_js, *cls.default_css]:
        assert url in assets.CDN_TO_LOCAL, f"{cls.__name__}: {url} is not vendored"


def test_missing_assets_is_empty() -> None:
    assert assets.missing_assets() == []


def test_vendored_css_references_exist() -> None:
    css_files = list(assets.VENDOR_DIR.rglob("*.css"))
    assert css_files
    for css in css_files:
        for ref in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", css.read_text()):
            if ref.startswith(("data:", "#")):
                continue
            target = css.parent / ref.split("?")[0].split("#")[0]
            assert target.is_file(), f"{css.relative_to(assets.VENDOR_DIR)} -> {ref}"


def test_each_vendored_package_has_a_licence() -> None:
    packages = [p for p in assets.VENDOR_DIR.iterdir() if p.is_dir()]
    assert len(packages) >= 10
    for package in packages:
        assert list(package.glob("LICEN[CS]E*")) + list(package.glob("MIT-LICEN[CS]E*")), package


def test_vendored_files_match_checksums() -> None:
    sums = (assets.VENDOR_DIR / "SHA256SUMS").read_text().splitlines()
    listed = set()
    for line in sums:
        digest, rel = line.split("  ", 1)
        listed.add(rel)
        actual = hashlib.sha256((assets.VENDOR_DIR / rel).read_bytes()).hexdigest()
        assert actual == digest, f"{rel} changed; re-run scripts/vendor_assets.sh"
    on_disk = {
        p.relative_to(assets.VENDOR_DIR).as_posix()
        for p in assets.VENDOR_DIR.rglob("*")
        if p.is_file() and p.name not in {"SHA256SUMS", "README.md"}
    }
    assert on_disk == listed


def test_map_with_draw_control_has_no_cdn_url() -> None:
    from origin_map.render.area_layers import draw_control

    m = folium.Map(location=CENTER, zoom_start=13, tiles=None, maxZoom=19)
    draw_control().add_to(m)
    plugins.Draw(export=True).add_to(m)
    html = assets.localize_map(m).get_root().render()
    assert remote_urls(html) == []
    assert f'src="{BASE}/leaflet-draw/dist/leaflet.draw.js"' in html
    assert f'href="{BASE}/leaflet-draw/dist/leaflet.draw.css"' in html
    for ref in LOCAL_REF_RE.findall(html):
        assert to_disk(ref).is_file(), ref
