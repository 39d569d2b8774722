"""統計のページのグラフ（SVG）と表：別添 p.15「就労定着支援の現状」（国保連データ）と p.8 の職場定着率。

数値は data/stats.toml にあり、グラフとその隣の表は同じ数値から作る（グラフだけにある数値はない）。
"""

from __future__ import annotations

import html
import tomllib
from typing import Any

from . import DATA

STATS = DATA / "stats.toml"


def stats() -> dict[str, Any]:
    return tomllib.loads(STATS.read_text(encoding="utf-8"))


def bar_chart(title: str, labels: list[str], values: list[int], unit: str, chart_id: str) -> str:
    """棒グラフの SVG（縦軸は 0 から、目盛りは 4 等分）。title は支援技術に読ませる題。

    内容の幅いっぱいに広がる（site.css の .chart-figure）。文字の大きさは図の幅に応じて site.css のコンテナクエリが
    決め、390 px の画面でも 12 px 以上になる。数値は棒の上に直接書き（縦軸の目盛りの数字は置かず、目盛り線だけ）、
    棒の幅を広くとって月の名が重ならないようにする。
    """
    width, height, left, right, bottom, top = 640, 320, 8, 8, 48, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(values)
    step = 10 ** (len(str(peak)) - 1)
    axis_max = ((peak + step - 1) // step) * step
    slot = plot_w / len(values)
    bar_w = slot * 0.6
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-title">{html.escape(title)}</title>'
    ]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * (i + 0.2)
        h = plot_h * value / axis_max
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" class="bar"/>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 6:.1f}" text-anchor="middle" class="value">{value:,}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 14}" text-anchor="middle" class="axis">{label}</text>')
    parts.append(f'<text x="{left}" y="24" class="axis">（単位：{unit}）</text></svg>')
    return "".join(parts)


def series_table(labels: list[str], values: list[int], unit: str) -> str:
    return "\n".join(["| 月 | " + unit + " |", "|---|---:|", *[f"| {a} | {b:,} |" for a, b in zip(labels, values, strict=True)]])


def chart_offices() -> str:
    data = stats()
    svg = bar_chart("就労定着支援の事業所数（国保連データ、平成30年4月〜11月）", data["months"], data["offices"], "事業所", "offices")
    return f'<figure class="chart-figure" markdown>\n{svg}\n<figcaption>事業所数の推移（別添 p.15）</figcaption>\n</figure>\n\n' \
           + series_table(data["months"], data["offices"], "事業所数")


def chart_users() -> str:
    data = stats()
    svg = bar_chart("就労定着支援の利用者数（国保連データ、平成30年4月〜11月）", data["months"], data["users"], "人", "users")
    return f'<figure class="chart-figure" markdown>\n{svg}\n<figcaption>利用者数の推移（別添 p.15）</figcaption>\n</figure>\n\n' \
           + series_table(data["months"], data["users"], "利用者数（人）")


def retention_rates() -> str:
    """障害者就業・生活支援センターを利用して就職した者の職場定着率（別添 p.8）。"""
    rows = ["| 年度 | 6か月後定着率 | 1年後定着率 |", "|---|---:|---:|"]
    for row in stats()["retention_rates"]:
        rows.append(f"| {row['year']} | {row['six_months']}% | {row['one_year']}% |")
    return "\n".join(rows)
