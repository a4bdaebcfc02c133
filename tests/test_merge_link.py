"""The ``merge`` link value (``merge=1`` beside ``data=ID``) taken from a hostile link: no
traceback on any page, the shipped data stays, the page still answers a change."""

from __future__ import annotations

import pytest

from tests.test_pages import app

PAGES = ["pages/overview.py", "pages/map.py", "pages/density.py", "pages/compare.py",
         "pages/data.py", "pages/about.py"]
VALUES = {"malformed": "<script>1</script>", "out_of_range": "2", "oversized": "1" * 100_000}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_a_hostile_merge_value_is_harmless(kind: str) -> None:
    at = app({"merge": VALUES[kind]})
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        ds = at.session_state["om_dataset"] if "om_dataset" in at.session_state else None
        assert ds is None or len(ds.places) == 173, page  # the shipped data, not merged
        assert "<script>" not in " ".join(m.value for m in at.markdown), page
