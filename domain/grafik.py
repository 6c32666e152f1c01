"""Small inline SVG charts for reports: no JavaScript, no CDN, readable when printed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

_WARNA = "#1f5f8b"
_WARNA_GARIS = "#c0392b"


def sumbu_bulat(maks: float, interval_maks: int = 5) -> list[int]:
    """Tick values of an axis that counts whole things (users, tickets): 0 to at least
    ``maks`` in a round whole step (1, 2, 5, 10, 20, 25, 50, ...), at most ``interval_maks``
    intervals. Never a fraction: there is no 1.6 of a user."""
    maks = max(math.ceil(maks), 1)
    dasar = 1
    while True:
        for k in (1, 2, 2.5, 5):
            langkah = k * dasar
            if langkah != int(langkah):
                continue
            if math.ceil(maks / langkah) <= interval_maks:
                langkah = int(langkah)
                return list(range(0, math.ceil(maks / langkah) * langkah + 1, langkah))
        dasar *= 10


def batang_horizontal(
    data: Sequence[tuple[str, float | None]],
    *,
    judul: str,
    maks: float | None = None,
    satuan: str = "",
    garis: float | None = None,
    label_garis: str = "",
    lebar: int = 640,
) -> str:
    """A horizontal bar chart; ``garis`` draws a target line (e.g. the 90 % promise).

    A value of None is drawn as "tanpa data", never as zero.
    """
    tinggi_baris, kiri, kanan, atas = 26, 250, 70, 34
    tinggi = atas + tinggi_baris * max(len(data), 1) + 16
    nilai = [v for _, v in data if v is not None]
    skala = maks if maks is not None else max([*nilai, garis or 0, 1])
    ruang = lebar - kiri - kanan
    bagian = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lebar}" height="{tinggi}" '
        f'viewBox="0 0 {lebar} {tinggi}" role="img" aria-label="{escape(judul)}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="0" y="18" font-weight="bold" font-size="13">{escape(judul)}</text>',
    ]
    for i, (label, v) in enumerate(data):
        y = atas + i * tinggi_baris
        teks = label if len(label) <= 38 else label[:37] + "…"
        bagian.append(f'<text x="{kiri - 6}" y="{y + 15}" text-anchor="end">'
                      f'<title>{escape(label)}</title>{escape(teks)}</text>')
        if v is None:
            bagian.append(f'<text x="{kiri + 4}" y="{y + 15}" fill="#777">tanpa data</text>')
            continue
        w = 0 if skala <= 0 else max(0.0, min(v, skala)) / skala * ruang
        bagian.append(f'<rect x="{kiri}" y="{y + 3}" width="{w:.1f}" height="{tinggi_baris - 8}"'
                      f' fill="{_WARNA}"/>')
        bagian.append(f'<text x="{kiri + w + 4:.1f}" y="{y + 15}">{v:.1f}{escape(satuan)}'
                      '</text>')
    if garis is not None and skala > 0:
        x = kiri + min(garis, skala) / skala * ruang
        bagian.append(f'<line x1="{x:.1f}" y1="{atas - 4}" x2="{x:.1f}" y2="{tinggi - 12}" '
                      f'stroke="{_WARNA_GARIS}" stroke-dasharray="4 3"/>')
        if label_garis:
            bagian.append(f'<text x="{x:.1f}" y="{atas - 8}" text-anchor="middle" '
                          f'fill="{_WARNA_GARIS}">{escape(label_garis)}</text>')
    bagian.append("</svg>")
    return "\n".join(bagian)
