"""算定根拠書の QR コード（計算機の共有リンク）。"""

from __future__ import annotations


def qr_svg(text: str) -> str:
    """text（計算機の共有リンク）を表す QR コードの SVG。算定根拠書に印字し、紙から同じ計算を開けるようにする。

    QR コードは segno（純 Python、requirements-dev.txt の固定版）が作る。黒のモジュールを行ごとの線（path）で描き、
    余白は4モジュール、大きさは書かない（印刷の CSS が決める）。segno はここで初めて import する：teichaku は
    import の時点では標準ライブラリだけで動き、ブラウザでは印刷するときだけ segno の wheel を入れる（worker.js）。
    """
    import segno

    code = segno.make(text, micro=False)
    svg: str = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="calc-record-qr-code",
                               lineclass="calc-record-qr-line")
    return svg
