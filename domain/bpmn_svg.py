"""A picture of the SOP diagram: SVG drawn from the very coordinates ``domain/bpmn.py`` puts
in the BPMN diagram interchange, so the picture and the XML cannot disagree.

Pure Python (``xml.etree``), no Graphviz, no fonts to load: text is wrapped by an estimate of
its width, generous enough for common sans-serif fonts.
"""

from __future__ import annotations

import math
import textwrap
import xml.etree.ElementTree as ET

from domain.bpmn import (
    BATAS,
    GERBANG,
    MULAI,
    SELESAI,
    TUGAS_ORANG,
    TUGAS_OTOMATIS,
    DiagramSOP,
    Kotak,
    Simpul,
)
from domain.sop import LANGKAH_KELENGKAPAN

SVG_NS = "http://www.w3.org/2000/svg"
HURUF = "DejaVu Sans, Arial, Helvetica, sans-serif"
UKURAN, UKURAN_KECIL = 10.5, 9.5
LEBAR_HURUF = 0.58
"""Average glyph width as a share of the font size (sans-serif, mixed case)."""
TEPI, JUDUL = 10, 44
WARNA_TEPI = "#2f3b4c"
WARNA = {TUGAS_ORANG: "#e6f0fb", TUGAS_OTOMATIS: "#e7f5e9"}


def _angka(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _el(parent: ET.Element, tag: str, **attrib: float | str) -> ET.Element:
    return ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): (
        _angka(v) if isinstance(v, int | float) else v) for k, v in attrib.items()})


def bungkus(teks: str, lebar_px: float, ukuran: float = UKURAN) -> list[str]:
    """Wrap ``teks`` into lines that fit ``lebar_px`` at font size ``ukuran``."""
    return textwrap.wrap(teks, max(4, int(lebar_px / (ukuran * LEBAR_HURUF)))) or [""]


def _teks(parent: ET.Element, baris: list[str], x: float, y: float, ukuran: float = UKURAN,
          anchor: str = "middle", tebal: bool = False, **attrib: float | str) -> ET.Element:
    """Lines of text, the first baseline at ``y``."""
    t = _el(parent, "text", x=x, y=y, font_size=ukuran, text_anchor=anchor, **attrib)
    if tebal:
        t.set("font-weight", "bold")
    for i, b in enumerate(baris):
        _el(t, "tspan", x=x, dy=0 if i == 0 else ukuran * 1.25).text = b
    return t


def _tugas(g: ET.Element, s: Simpul) -> None:
    k = s.kotak
    _el(g, "rect", x=k.x, y=k.y, width=k.w, height=k.h, rx=10, fill=WARNA[s.jenis],
        stroke=WARNA_TEPI, stroke_width=1.5)
    if s.jenis == TUGAS_ORANG:  # a person: head and shoulders
        _el(g, "circle", cx=k.x + 12, cy=k.y + 10, r=3.5, fill="none", stroke=WARNA_TEPI)
        _el(g, "path", d=f"M{_angka(k.x + 5)},{_angka(k.y + 21)} q7,-10 14,0",
            fill="none", stroke=WARNA_TEPI)
    else:  # a gear
        cx, cy = k.x + 12, k.y + 13
        for i in range(8):
            a = i * math.pi / 4
            _el(g, "line", x1=cx + 3 * math.cos(a), y1=cy + 3 * math.sin(a),
                x2=cx + 7 * math.cos(a), y2=cy + 7 * math.sin(a), stroke=WARNA_TEPI,
                stroke_width=2)
        _el(g, "circle", cx=cx, cy=cy, r=4, fill=WARNA[s.jenis], stroke=WARNA_TEPI)
    baris = bungkus(s.nama, k.w - 14)
    _teks(g, baris, k.cx, k.y + 30, class_="nama")
    catatan = ("Jam layanan berhenti" if s.langkah is LANGKAH_KELENGKAPAN
               else f"Mutu baku: {s.mutu_baku}")
    # Above the timer that sits on the bottom edge.
    _teks(g, [catatan], k.cx, k.y + k.h - 24, UKURAN_KECIL, tebal=True, class_="mutu-baku")


def _gerbang(g: ET.Element, s: Simpul) -> None:
    k = s.kotak
    titik = f"{_angka(k.cx)},{_angka(k.y)} {_angka(k.x + k.w)},{_angka(k.cy)} " \
        f"{_angka(k.cx)},{_angka(k.y + k.h)} {_angka(k.x)},{_angka(k.cy)}"
    _el(g, "polygon", points=titik, fill="#fff8e1", stroke=WARNA_TEPI, stroke_width=1.5)
    d = 9  # the "X" of an exclusive gateway
    for sx in (-1, 1):
        _el(g, "line", x1=k.cx - d, y1=k.cy - sx * d, x2=k.cx + d, y2=k.cy + sx * d,
            stroke=WARNA_TEPI, stroke_width=3)


def _peristiwa(g: ET.Element, s: Simpul) -> None:
    k = s.kotak
    r = k.w / 2
    if s.jenis == MULAI:
        _el(g, "circle", cx=k.cx, cy=k.cy, r=r, fill="#ffffff", stroke="#2e7d32",
            stroke_width=2)
    elif s.jenis == SELESAI:
        warna = "#c62828" if s.eskalasi else WARNA_TEPI
        _el(g, "circle", cx=k.cx, cy=k.cy, r=r, fill="#ffffff", stroke=warna, stroke_width=4)
        if s.eskalasi:  # the escalation marker: an arrowhead pointing up
            _el(g, "path", d=f"M{_angka(k.cx)},{_angka(k.cy - 9)} l6,16 l-6,-5 l-6,5 z",
                fill=warna)
    else:  # a non-interrupting timer on a task's border: dashed double ring, a clock
        _el(g, "circle", cx=k.cx, cy=k.cy, r=r, fill="#ffffff", stroke=WARNA_TEPI,
            stroke_dasharray="4 3", stroke_width=1.5)
        _el(g, "circle", cx=k.cx, cy=k.cy, r=r - 4, fill="#ffffff", stroke=WARNA_TEPI,
            stroke_dasharray="4 3")
        _el(g, "circle", cx=k.cx, cy=k.cy, r=r - 8, fill="none", stroke=WARNA_TEPI)
        _el(g, "path", d=f"M{_angka(k.cx)},{_angka(k.cy - 7)} v7 h5", fill="none",
            stroke=WARNA_TEPI, stroke_width=1.5)


def _label(g: ET.Element, nama: str, kotak: Kotak | None, anchor: str = "middle") -> None:
    if not nama or kotak is None:
        return
    baris = bungkus(nama, kotak.w, UKURAN_KECIL)
    x = kotak.cx if anchor == "middle" else kotak.x
    _teks(g, baris, x, kotak.y + UKURAN_KECIL, UKURAN_KECIL, anchor=anchor, class_="label")


def svg(diagram: DiagramSOP, judul: str = "") -> str:
    """The diagram as an SVG document (deterministic)."""
    p = diagram.kotak_peserta
    lebar, tinggi = p.w + 2 * TEPI, p.h + JUDUL + TEPI + 24
    root = ET.Element("svg", {
        "xmlns": SVG_NS, "width": _angka(lebar), "height": _angka(tinggi),
        "viewBox": f"0 0 {_angka(lebar)} {_angka(tinggi)}", "font-family": HURUF,
        "fill": "#1b2430",
    })
    _el(root, "title").text = judul or diagram.nama_proses
    defs = _el(root, "defs")
    panah = _el(defs, "marker", id="panah", viewBox="0 0 10 10", refX=10, refY=5,
                markerWidth=8, markerHeight=8, orient="auto")
    _el(panah, "path", d="M0,0 L10,5 L0,10 z", fill=WARNA_TEPI)
    _el(root, "rect", x=0, y=0, width=lebar, height=tinggi, fill="#ffffff")
    _teks(root, [judul or diagram.nama_proses], TEPI, 26, 16, anchor="start", tebal=True)
    g = _el(root, "g", transform=f"translate({TEPI},{JUDUL})")

    _el(g, "rect", x=p.x, y=p.y, width=p.w, height=p.h, fill="none", stroke=WARNA_TEPI,
        stroke_width=2)
    _teks(g, [diagram.nama_peserta], 0, 0, 12, tebal=True, class_="peserta",
          transform=f"translate({_angka(p.x + 19)},{_angka(p.cy)}) rotate(-90)")
    for j in diagram.jalur:
        k = j.kotak
        lg = _el(g, "g", id=j.id, class_="jalur")
        _el(lg, "rect", x=k.x, y=k.y, width=k.w, height=k.h, fill="none", stroke=WARNA_TEPI)
        _el(lg, "line", x1=k.x + 30, y1=k.y, x2=k.x + 30, y2=k.y + k.h, stroke=WARNA_TEPI)
        baris = bungkus(j.nama, k.h - 16)
        _teks(lg, baris, 0, 0, UKURAN, tebal=True, class_="nama",
              transform=f"translate({_angka(k.x + 15 - (len(baris) - 1) * UKURAN * 0.62 + 4)},"
              f"{_angka(k.cy)}) rotate(-90)")

    for a in diagram.alur:
        ag = _el(g, "g", id=a.id, class_="alur")
        _el(ag, "polyline", points=" ".join(f"{_angka(x)},{_angka(y)}" for x, y in a.titik),
            fill="none", stroke=WARNA_TEPI, stroke_width=1.3, marker_end="url(#panah)")
        _label(ag, a.nama, a.label, anchor="start")

    for s in diagram.simpul:
        sg = _el(g, "g", id=s.id, class_=s.jenis)
        if s.jenis in (TUGAS_ORANG, TUGAS_OTOMATIS):
            _tugas(sg, s)
        elif s.jenis == GERBANG:
            _gerbang(sg, s)
            _label(sg, s.nama, s.label)
        else:
            _peristiwa(sg, s)
            _label(sg, s.nama, s.label, anchor="start" if s.jenis == BATAS or s.eskalasi
                   else "middle")

    _teks(root, ["Tugas biru: menunggu keputusan orang · tugas hijau: otomatis · lingkaran "
                 "putus-putus: timer mutu baku (tidak menyela; dihitung dalam jam layanan "
                 "hari kerja) · lingkaran merah: pelanggaran dicatat dan dieskalasi"],
          TEPI, tinggi - 10, UKURAN_KECIL, anchor="start", class_="legenda")
    ET.indent(root, space="  ")
    for t in root.iter("text"):  # indentation inside text would render as spaces
        t.text = None if len(t) else t.text
        for span in t:
            span.tail = None
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"
