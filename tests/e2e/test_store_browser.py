"""Saved datasets in Chromium behind two workers (issue 21): an upload survives a refresh, and
its link opens the same places in a second browser sent to the OTHER worker; a refresh in the
middle of a geocoding review finds the reviewer's decision.

The workers share the dataset store (the SQLite file of ``ORIGIN_MAP_DATA_DIR``, a temporary
folder set by ``tests/conftest.py``), so the list no longer lives in one worker's memory.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    load_places_file,
    pick_file,
    proxied_context,
    screenshot_contexts,
    send_to_other_worker,
    settle,
    worker_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UPLOAD = ("id,name,sector,lat,lon\n"
          "s1,Store test A,large_models,39.992446,116.327708\n"
          "s2,Store test B,ai_infrastructure,39.995000,116.330000\n"
          "s3,Store test C,large_models,39.990000,116.325000\n"
          "s4,Store test D,chips,39.991000,116.326000\n")


def test_a_saved_upload_survives_a_refresh_and_its_link_opens_on_the_other_worker(
        browser, cluster, tmp_path):
    csv = tmp_path / "store-places.csv"
    csv.write_text(UPLOAD, encoding="utf-8")
    context, other = proxied_context(browser, cluster.url), proxied_context(browser, cluster.url)
    try:
        page = context.new_page()
        load_places_file(page, cluster.url, csv, 4)
        page.wait_for_url(re.compile(r"[?&]data=[0-9a-f]{12}[A-Za-z0-9_-]{22}"), timeout=60_000)
        link = page.url
        page.get_by_text("Copy link to this dataset").wait_for(timeout=60_000)
        page.reload(wait_until="domcontentloaded")  # a refresh: a new session, same link
        page.get_by_text("4 of 4 places").wait_for(timeout=60_000)
        page.get_by_text("store-places.csv").first.wait_for(timeout=60_000)

        second = send_to_other_worker(other, cluster.url, than=worker_of(context))
        page2 = other.new_page()
        page2.goto(link, wait_until="domcontentloaded")
        page2.get_by_text("4 of 4 places").wait_for(timeout=60_000)
        assert worker_of(other) == second != worker_of(context)
    except Exception:
        screenshot_contexts((context, other), "store")
        raise
    finally:
        context.close()
        other.close()


ADDRESSES = ("名称,地址\n"
             "甲,北京市海淀区中关村东路8号东升大厦AB座3层\n"
             "乙,海淀区中关村东路1号院8号楼D座2301\n")


def test_a_refresh_mid_review_keeps_the_reviewers_decision(browser, cluster, tmp_path):
    csv = tmp_path / "review-firms.csv"
    csv.write_text(ADDRESSES, encoding="utf-8")
    context = proxied_context(browser, cluster.url)
    try:
        page = context.new_page()
        page.goto(f"{cluster.url}/data", wait_until="domcontentloaded")
        page.get_by_text("Use your own data").wait_for(timeout=60_000)
        pick_file(page, csv)
        page.get_by_role("button", name="Geocode addresses").click()
        page.get_by_text("Load the 2 accepted rows").wait_for(timeout=60_000)
        page.wait_for_url(re.compile(r"[?&]review=[0-9a-f]{12}[A-Za-z0-9_-]{22}"),
                          timeout=60_000)
        settle(page)
        canvas = page.locator("[data-testid='stDataFrame'] canvas").first
        canvas.scroll_into_view_if_needed()  # below the fold under the recognised columns
        settle(page)
        grid = canvas.bounding_box()
        assert grid is not None
        page.mouse.click(grid["x"] + 38, grid["y"] + 35 + 17)  # row 1's "accept" box
        page.get_by_text("Load the 1 accepted rows").wait_for(timeout=60_000)
        settle(page)
        page.reload(wait_until="domcontentloaded")  # a new session: only the link is left
        page.get_by_text("Load the 1 accepted rows").wait_for(timeout=60_000)
        page.get_by_role("button", name="Load the 1 accepted rows").click()
        page.get_by_text("1 of 1 places").wait_for(timeout=60_000)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        for p in context.pages:
            p.screenshot(path=str(ARTIFACTS / "FAILED-store-review.png"))
        raise
    finally:
        context.close()
