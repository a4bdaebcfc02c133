"""Speed of sector by rule (``assign_sectors``) against a naive per-row loop, same run.

    PYTHONPATH=src .venv/bin/python benchmarks/sector_rules_bench.py [--rows 10000] [--runs 5]

Input: a SYNTHETIC registry-style table (fixed seed): names ``SYNTHETIC 北京<word><kind>有限公司
<i>`` whose word is drawn from tech, AI and non-tech words (so every rule tier is hit and about a
third of the rows match no name rule), a business scope of 4–12 standard registry phrases
(经营范围规范表述 such as "技术开发、技术咨询、技术服务", "人工智能应用软件开发", "餐饮服务", ~150
characters), and an industry class from a list of 国标 classes (half of them blank). No row
describes a real firm.

Ours: ``assign_sectors(frame)`` with the shipped rules (each rule tests only the rows no
higher rule matched, each distinct text once, in RE2 through pyarrow). Naive: ``for row in
frame.iterrows()``, rules in priority order, the first whose field text matches wins (``re``).
Also a tighter per-row loop over plain lists (no pandas per row). All must give the same
sectors (checked).
Medians of ``--runs`` runs (2 noisy cores: read the ratio).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from origin_map.places.sector_rules import assign_sectors, default_rules

WORDS = ["智能", "人工智能", "芯片", "集成电路", "机器人", "具身智能", "智算", "大模型", "智慧",
         "网络", "信息", "数据", "软件", "云", "科技", "餐饮管理", "物业管理", "文化传媒",
         "商贸", "教育咨询", "房地产开发", "投资管理", "星辰", "远航", "清源", "华创", "博远",
         "启明", "鼎盛", "新锐"]
KINDS = ["科技", "技术", "信息技术", "", "发展", "服务"]
PHRASES = ["技术开发、技术咨询、技术交流、技术转让、技术推广", "软件开发", "信息系统集成服务",
           "人工智能基础软件开发", "人工智能应用软件开发", "集成电路设计", "集成电路芯片及产品销售",
           "智能机器人的研发", "智能机器人销售", "计算机系统服务", "数据处理和存储支持服务",
           "餐饮服务", "物业管理", "组织文化艺术交流活动", "会议及展览服务", "广告设计、代理",
           "销售电子产品、计算机、软件及辅助设备", "企业管理咨询", "市场调查", "货物进出口",
           "教育咨询服务（不含涉许可审批的教育培训活动）", "工程和技术研究和试验发展",
           "大模型训练与推理服务", "算力服务"]
INDUSTRIES = ["软件和信息技术服务业", "科技推广和应用服务业", "研究和试验发展", "餐饮业",
              "房地产业", "零售业", "商务服务业", "文化艺术业", "集成电路设计"] + [""] * 9


def synthetic(n: int, seed: int = 7) -> pd.DataFrame:
    """Return ``n`` SYNTHETIC registry-style rows (name, scope, industry, empty sector)."""
    rng = np.random.default_rng(seed)
    words = rng.choice(WORDS, n)
    kinds = rng.choice(KINDS, n)
    names = [f"SYNTHETIC 北京{w}{k}有限公司 {i}"
             for i, (w, k) in enumerate(zip(words, kinds, strict=True))]
    sizes = rng.integers(4, 13, n)
    scopes = ["；".join(rng.choice(PHRASES, s, replace=False)) + f"。（{i}）"
              for i, s in enumerate(sizes)]
    return pd.DataFrame({"name": names, "scope": scopes,
                         "industry": rng.choice(INDUSTRIES, n), "sector": ""})


def naive(frame: pd.DataFrame) -> list[str]:
    """The per-row loop a first version would be: iterrows, rules in priority order."""
    rules = default_rules()
    out = []
    for _, row in frame.iterrows():
        sector = "unknown"
        for rule in rules:
            text = row.get(rule.field)
            if isinstance(text, str) and text and rule.regex.search(text):
                sector = rule.sector
                break
        out.append(sector)
    return out


def per_row_lists(frame: pd.DataFrame) -> list[str]:
    """The best per-row loop: columns as lists, rules in priority order, ``re`` per text."""
    rules = default_rules()
    cols = {f: frame[f].fillna("").tolist() for f in ("name", "scope", "industry")}
    out = []
    for i in range(len(frame)):
        out.append(next((r.sector for r in rules
                         if cols[r.field][i] and r.regex.search(cols[r.field][i])), "unknown"))
    return out


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    frame = synthetic(args.rows)
    default_rules()  # read the table once, outside the timings
    ours = assign_sectors(frame)
    if not ours["sector"].tolist() == naive(frame) == per_row_lists(frame):
        raise SystemExit("assign_sectors and the per-row loops disagree")
    t_ours = timed(lambda: assign_sectors(frame), args.runs)
    t_naive = timed(lambda: naive(frame), max(1, args.runs // 2))
    t_lists = timed(lambda: per_row_lists(frame), max(1, args.runs // 2))
    n = len(frame)
    print(f"{n:,} SYNTHETIC rows, {len(default_rules())} rules, medians of {args.runs} runs")
    print(f"{'':24}{'seconds':>10}{'rows/s':>12}")
    print(f"{'assign_sectors':24}{t_ours:>10.3f}{n / t_ours:>12,.0f}")
    print(f"{'naive iterrows loop':24}{t_naive:>10.3f}{n / t_naive:>12,.0f}")
    print(f"{'per-row loop on lists':24}{t_lists:>10.3f}{n / t_lists:>12,.0f}")
    print(f"ratio naive / ours: {t_naive / t_ours:.1f}x; lists / ours: {t_lists / t_ours:.1f}x")
    shares = ours["sector"].value_counts(normalize=True).round(3)
    print("sectors assigned:", ", ".join(f"{k} {v:.1%}" for k, v in shares.items()))


if __name__ == "__main__":
    main()
