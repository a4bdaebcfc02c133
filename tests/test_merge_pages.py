"""The Data page's choice between the user's list alone and the list merged with the shipped
data (AppTest): counts in the message and on the Overview, the "merged" label everywhere, the
choice in the link, and going back."""

from __future__ import annotations

import shlex

from origin_map import cli
from origin_map.io.export import to_csv_bytes
from tests.test_pages import app, texts, upload
from tests.test_pages_store import store_dir  # noqa: F401 (each test's own store)

# 2 shipped firms again (智谱 in traditional characters with its legal form, on its building
# id; 硅基流动 with its legal form, 20 m from the shipped point), 1 shipped firm's name in
# another building (无问芯穹 at 融科资讯中心), 3 new firms (one id also a shipped id)
LIST = ("id,name,sector,kind,lat,lon,building_id\n"
        "u-zhipu,北京智譜華章科技有限公司,chips,firm,39.992452,116.325998,sohu-internet-plaza\n"
        "u-silicon,北京硅基流动科技有限公司,ai_infrastructure,firm,39.992238,116.325118,\n"
        "u-infini,无问芯穹,ai_infrastructure,firm,39.982799,116.320053,\n"
        "sohu,示例新甲科技有限公司,ai_applications,firm,39.992452,116.325998,\n"
        "u-new-b,示例新乙机器人有限公司,embodied_ai,firm,39.9910,116.3300,\n"
        "u-new-c,Example Robotics Co. Ltd.,embodied_ai,firm,39.9930,116.3290,\n").encode()
QUERY = {"r": "5000", "rings": ""}


def n_places(at) -> int:
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    return int(at.metric[0].value)


def test_merge_with_the_shipped_data_and_back(monkeypatch, store_dir):  # noqa: F811
    from origin_map.places.datasets import shipped_places

    n_shipped = len(shipped_places())
    at = app(QUERY)
    shipped_within = n_places(at)
    at.switch_page("pages/data.py").run()
    upload(at, "firms.csv", LIST)
    assert not at.exception
    assert at.radio(key="om_merge_choice").value == "alone"  # as before: the list alone
    assert n_places(at) == 6
    at.switch_page("pages/data.py").run()
    at.radio(key="om_merge_choice").set_value("merged").run()
    assert not at.exception
    assert (f"6 of your rows merged with {n_shipped} shipped places: 2 replaced shipped places "
            f"of the same name and building, 4 added; {n_shipped + 4} places in all."
            ) in texts(at.success)
    assert "1 of your rows share a name with a shipped place in another building" in \
        texts(at.info)
    pairs = at.dataframe[0].value
    assert pairs[["user_id", "shipped_id"]].values.tolist() == [["u-infini", "infini-ai"]]
    label = "the shipped places merged with “firms.csv”"
    assert label in texts(at.sidebar.caption)
    assert at.query_params["merge"] == "1"
    assert n_places(at) == shipped_within + 4  # every row of the list is within 5 km
    assert label in texts(at.caption)  # the Overview's data line
    kinds = []

    def report(places, **kw):  # what the report is told about its data
        kinds.append((kw["data_kind"], kw["data_name"], len(places)))
        return b"%PDF-"

    monkeypatch.setattr("origin_map.render.report.build_report_pdf", report)
    at.button(key="om_rep_pdf").click().run()
    assert kinds == [("merged", "firms.csv", n_shipped + 4)]
    at.switch_page("pages/density.py").run()  # its command merges, then counts the same
    command = next(c.value for c in at.code if c.value.startswith("origin-map merge"))
    merge, stats = (shlex.split(part)[1:] for part in command.split(" && "))
    assert merge == ["merge", "--dataset", at.query_params["data"], "-o", "merged.csv"]
    assert stats[:3] == ["stats", "--data", "merged.csv"]
    monkeypatch.chdir(store_dir)
    store = ["--data-dir", str(store_dir)]
    assert cli.main([*merge, *store]) == 0 and cli.main([*stats, "-o", "table.csv"]) == 0
    assert (store_dir / "table.csv").read_bytes() == to_csv_bytes(at.dataframe[0].value)
    again = app(dict(at.query_params))  # a refresh, or the link in another browser
    assert n_places(again) == shipped_within + 4
    assert label in texts(again.sidebar.caption)
    at.switch_page("pages/data.py").run()
    at.radio(key="om_merge_choice").set_value("alone").run()
    assert not at.exception
    assert not at.success or "merged with" not in texts(at.success)
    assert "merge" not in at.query_params
    assert n_places(at) == 6
    assert "firms.csv" in texts(at.sidebar.caption) and label not in texts(at.sidebar.caption)


def test_the_choice_in_chinese():
    at = app({**QUERY, "lang": "zh"})
    at.switch_page("pages/data.py").run()
    upload(at, "firms.csv", LIST)
    at.radio(key="om_merge_choice").set_value("merged").run()
    assert not at.exception
    assert "替换了同名且同楼的内置地点" in texts(at.success)
    assert "自带地点与“firms.csv”合并" in texts(at.sidebar.caption)


def test_a_failed_merge_keeps_the_list(monkeypatch):
    def broken(shipped, user, **kw):
        raise ValueError("broken on purpose")

    monkeypatch.setattr("origin_map.geocode.merge.merge_places", broken)
    at = app(QUERY)
    at.switch_page("pages/data.py").run()
    upload(at, "other.csv", LIST.replace(b"Example", b"Another"))  # not a cached merge
    at.radio(key="om_merge_choice").set_value("merged").run()
    assert not at.exception
    assert "could not be merged" in texts(at.error) and "broken on purpose" in texts(at.error)
    assert at.radio(key="om_merge_choice").value == "alone"
    assert n_places(at) == 6
