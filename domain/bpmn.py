"""The SOP as a BPMN 2.0 diagram, derived from the SOP table (``domain/sop.py``) alone.

``diagram_sop()`` lays the procedure out once: a lane per actor, a task per step (a user task
where the step waits for a person, a service task where it runs by itself), the decision
after every human step (setuju / tolak / kembalikan, as ``domain/alur.py`` follows them), the
gateway on request type into step 5's follow-ups (``TINDAK_LANJUT_PER_JENIS``), and on every
step a non-interrupting timer carrying its mutu baku. ``bpmn_xml()`` writes that layout as
BPMN 2.0 XML with diagram interchange (BPMNDI); ``domain/bpmn_svg.py`` draws the same
coordinates as a picture, so the XML and the picture cannot disagree.

Condition expressions are Python (``keputusan == "setuju"``, ``jenis == "va"``): the data an
engine would carry are the official's decision and the request type. Timer durations are
plain ISO 8601 (``PT30M``); they are *business* time, which the documentation on each timer
says, because no BPMN engine knows our service hours.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import timedelta

from domain.calendar import BusinessCalendar, format_business_duration
from domain.sop import (
    HARI_KERJA,
    LANGKAH_KELENGKAPAN,
    SOP,
    TINDAK_LANJUT_PER_JENIS,
    JenisLayanan,
    LangkahSOP,
    Peran,
    TindakLanjut,
)
from domain.tiket import Keputusan

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
BAHASA_EKSPRESI = "https://www.python.org/"

# Kinds of flow node (the BPMN element names).
MULAI, SELESAI = "startEvent", "endEvent"
TUGAS_ORANG, TUGAS_OTOMATIS = "userTask", "serviceTask"
GERBANG, BATAS = "exclusiveGateway", "boundaryEvent"

# Geometry (pixels). A lane row holds a task with its timer and the breach event below it.
TUGAS_W, TUGAS_H = 180, 130
GERBANG_W = 50
PERISTIWA_W = 36
KOLOM_TUGAS, KOLOM_KECIL = 220, 90
RUANG_LABEL_CABANG = 100
"""Extra room after the gateway on request type, for the branch names."""
LABEL_PESERTA, LABEL_JALUR = 30, 30
TINGGI_BARIS, TINGGI_BARIS_KELENGKAPAN = 230, 150
PUSAT_BARIS = 80
"""Vertical centre of a row's task, from the row's top."""
GESER_MASUK = 15
"""Where a flow from above enters a task: the way forward left of centre, a return right."""

URUTAN_JALUR = (Peran.OPD, Peran.KEPALA_DINAS, Peran.KABID_EGOV, Peran.PRANATA_KOMPUTER,
                Peran.PETUGAS_SERVICE_DESK)


@dataclass(frozen=True)
class Kotak:
    """Bounds: top-left corner, width, height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True)
class Simpul:
    """A flow node with its place in the diagram."""

    id: str
    jenis: str
    nama: str
    peran: Peran
    kotak: Kotak
    dokumentasi: str = ""
    langkah: LangkahSOP | None = None
    mutu_baku: str = ""
    """The step's mutu baku for people to read (``3–5 hari kerja``)."""
    durasi: str | None = None
    """A timer's ISO 8601 duration."""
    melekat_pada: str | None = None
    """A boundary event's task."""
    eskalasi: bool = False
    """An end event that throws the escalation of a breached mutu baku."""
    label: Kotak | None = None
    """Where an event's or gateway's name is written."""


@dataclass(frozen=True)
class Alur:
    """A sequence flow with its waypoints."""

    id: str
    sumber: str
    tujuan: str
    nama: str = ""
    syarat: str | None = None
    titik: tuple[tuple[float, float], ...] = ()
    label: Kotak | None = None


@dataclass(frozen=True)
class Jalur:
    """A lane: one actor of the SOP table."""

    id: str
    peran: Peran
    nama: str
    kotak: Kotak
    simpul: tuple[str, ...]


@dataclass(frozen=True)
class DiagramSOP:
    id_proses: str
    nama_proses: str
    id_peserta: str
    nama_peserta: str
    kotak_peserta: Kotak
    jalur: tuple[Jalur, ...]
    simpul: tuple[Simpul, ...]
    alur: tuple[Alur, ...]

    def simpul_id(self, id_: str) -> Simpul:
        return next(s for s in self.simpul if s.id == id_)


def iso_durasi(durasi: timedelta) -> str:
    """ISO 8601 duration in hours and minutes (``PT40H``, ``PT30M``, ``PT1H30M``).

    Never days: a mutu baku day is a working day of eight service hours, not 24 hours.
    """
    menit = int(durasi.total_seconds() // 60)
    if menit <= 0 or timedelta(minutes=menit) != durasi:
        raise ValueError(f"Mutu baku harus kelipatan menit dan positif: {durasi}")
    jam, menit = divmod(menit, 60)
    return "PT" + (f"{jam}H" if jam else "") + (f"{menit}M" if menit else "")


def teks_mutu_baku(langkah: LangkahSOP) -> str:
    """``30 menit``, ``3–5 hari kerja``: the budget as the service catalog writes it."""
    atas = format_business_duration(langkah.mutu_baku)
    if langkah.mutu_baku_min is None:
        return atas
    bawah = format_business_duration(langkah.mutu_baku_min)
    if langkah.mutu_baku_min % HARI_KERJA == timedelta(0) == langkah.mutu_baku % HARI_KERJA:
        return f"{langkah.mutu_baku_min // HARI_KERJA}–{atas}"
    return f"{bawah} – {atas}"


def _jam(kalender: BusinessCalendar) -> str:
    tutup = "24:00" if kalender.close is None or kalender.close.hour == kalender.close.minute == 0 \
        else kalender.close.strftime("%H:%M")
    return f"{kalender.open.strftime('%H:%M')}–{tutup} WIB"


@dataclass
class _Tata:
    """Builds the layout: columns from left to right, rows within lanes."""

    kalender: BusinessCalendar
    simpul: list[Simpul] = field(default_factory=list)
    alur: list[Alur] = field(default_factory=list)
    baris: dict[tuple[Peran, int], float] = field(default_factory=dict)
    x: float = LABEL_PESERTA + LABEL_JALUR + 20

    # -- columns and rows ---------------------------------------------------------

    def kolom(self, lebar: float) -> float:
        """Take the next column; returns its centre."""
        pusat = self.x + lebar / 2
        self.x += lebar
        return pusat

    def cy(self, peran: Peran, baris: int = 0) -> float:
        return self.baris[(peran, baris)] + PUSAT_BARIS

    # -- nodes --------------------------------------------------------------------

    def tambah(self, s: Simpul) -> Simpul:
        self.simpul.append(s)
        return s

    def tugas(self, langkah: LangkahSOP, peran: Peran, cx: float, cy: float,
              dikembalikan_oleh: LangkahSOP | None = None) -> Simpul:
        jenis = TUGAS_ORANG if langkah.menunggu_orang else TUGAS_OTOMATIS
        kotak = Kotak(cx - TUGAS_W / 2, cy - TUGAS_H / 2, TUGAS_W, TUGAS_H)
        if langkah is LANGKAH_KELENGKAPAN:
            assert dikembalikan_oleh is not None
            return self.tambah(Simpul(
                f"kelengkapan_{dikembalikan_oleh.kode}", jenis, langkah.aktivitas, peran, kotak,
                "Jam layanan berhenti selama permohonan di tangan pemohon. Sesudah "
                "dilengkapi, langkah yang mengembalikan dimulai lagi dengan mutu baku baru.",
                langkah,
            ))
        mutu = teks_mutu_baku(langkah)
        dok = (f"Pelaksana: {langkah.pelaksana.label}. Kelengkapan: {langkah.kelengkapan or '-'}."
               f" Keluaran: {langkah.keluaran}. Mutu baku: {mutu}.")
        if not langkah.menunggu_orang:
            dok += " Langkah otomatis; mutu bakunya juga batas waktu (timeout) eksekusi."
        tugas = self.tambah(Simpul(f"langkah_{langkah.kode}", jenis, langkah.label, peran, kotak,
                                   dok, langkah, mutu))
        self._timer(tugas)
        return tugas

    def _timer(self, tugas: Simpul) -> None:
        langkah = tugas.langkah
        assert langkah is not None
        k = tugas.kotak
        cx, cy = k.x + k.w - 30, k.y + k.h
        r = PERISTIWA_W / 2
        mutu = tugas.mutu_baku
        rentang = (" Untuk rentang, jatuh tempo memakai batas atas."
                   if langkah.mutu_baku_min is not None else "")
        if langkah.pelaksana is Peran.OPD:
            nama_akhir, akibat = "Terlambat: dicatat", "mencatat pelanggaran mutu baku"
        else:
            nama_akhir = "Terlambat: dicatat dan dieskalasi"
            akibat = (f"mencatat pelanggaran mutu baku dan memberi tahu "
                      f"{langkah.pelaksana.label}")
            if langkah.pelaksana.atasan is not None:
                akibat += f" dengan tembusan {langkah.pelaksana.atasan.label}"
        timer = self.tambah(Simpul(
            f"mutu_baku_{langkah.kode}", BATAS, f"Mutu baku {mutu}", tugas.peran,
            Kotak(cx - r, cy - r, PERISTIWA_W, PERISTIWA_W),
            f"Mutu baku {mutu} ({iso_durasi(langkah.mutu_baku)}), dihitung dalam jam layanan "
            f"{_jam(self.kalender)} pada hari kerja (1 hari kerja = 8 jam layanan; hari libur "
            f"nasional dan cuti bersama tidak dihitung).{rentang} Tidak menyela: bila "
            f"terlampaui, pelanggaran dicatat dan dieskalasikan sekali, langkah tetap berjalan.",
            langkah, mutu, durasi=iso_durasi(langkah.mutu_baku), melekat_pada=tugas.id,
            label=Kotak(cx + r + 2, cy + 2, 58, 40),
        ))
        ey = cy + 58
        akhir = self.tambah(Simpul(
            f"terlambat_{langkah.kode}", SELESAI, nama_akhir,
            tugas.peran, Kotak(cx - r, ey - r, PERISTIWA_W, PERISTIWA_W),
            f"Pengawas tenggat {akibat}; sekali per langkah.",
            eskalasi=True, label=Kotak(cx + r + 4, ey - 18, 66, 40),
        ))
        self.hubung(timer, akhir, titik=((cx, cy + r), (cx, ey - r)))

    def peristiwa(self, id_: str, jenis: str, nama: str, peran: Peran, cx: float, cy: float,
                  dok: str = "") -> Simpul:
        r = PERISTIWA_W / 2
        return self.tambah(Simpul(id_, jenis, nama, peran,
                                  Kotak(cx - r, cy - r, PERISTIWA_W, PERISTIWA_W), dok,
                                  label=Kotak(cx - 50, cy + r + 4, 100, 28)))

    def gerbang(self, id_: str, nama: str, peran: Peran, cx: float, cy: float,
                label_kiri: bool = False) -> Simpul:
        """An exclusive gateway; its name above, right of the top corner (or left of it)."""
        r = GERBANG_W / 2
        label = (Kotak(cx - r - 60, cy - r - 14, 58, 28) if label_kiri
                 else Kotak(cx + 8, cy - r - 14, 64, 14))
        return self.tambah(Simpul(id_, GERBANG, nama, peran,
                                  Kotak(cx - r, cy - r, GERBANG_W, GERBANG_W),
                                  label=label if nama else None))

    # -- flows --------------------------------------------------------------------

    def hubung(self, a: Simpul, b: Simpul, nama: str = "", syarat: str | None = None,
               titik: tuple[tuple[float, float], ...] = (), label: Kotak | None = None) -> None:
        if not titik:
            titik = _rute(a, b)
        if nama and label is None:  # near where the flow leaves its source
            (x0, y0), (x1, y1) = titik[0], titik[1]
            if x0 != x1:
                label = Kotak(x0 + 6, y0 - 16, 70, 14)
            elif y1 > y0:  # down: right of the line
                label = Kotak(x0 + 4, y0 + 4, 70, 14)
            else:  # up: left of the line, clear of the gateway's name
                label = Kotak(x0 - 62, y0 - 18, 58, 14)
        # A decision's flows are named after the decision: setuju and tolak may share a target.
        akhiran = nama if nama in set(Keputusan) else b.id
        self.alur.append(Alur(f"alur_{a.id}__{akhiran}", a.id, b.id, nama, syarat, titik, label))


def _rute(a: Simpul, b: Simpul) -> tuple[tuple[float, float], ...]:
    """Orthogonal route: straight on one row, else right then down (or up) into the top."""
    ka, kb = a.kotak, b.kotak
    if ka.cy == kb.cy:
        return ((ka.x + ka.w, ka.cy), (kb.x, kb.cy))
    masuk_x = kb.cx - (GESER_MASUK if b.jenis in (TUGAS_ORANG, TUGAS_OTOMATIS) else 0)
    masuk_y = kb.y if kb.cy > ka.cy else kb.y + kb.h
    return ((ka.x + ka.w, ka.cy), (masuk_x, ka.cy), (masuk_x, masuk_y))


def _syarat_jenis(jenis: tuple[JenisLayanan, ...]) -> str:
    if len(jenis) == 1:
        return f'jenis == "{jenis[0].value}"'
    return "jenis in (" + ", ".join(f'"{j.value}"' for j in jenis) + ")"


def _cabang_tindak_lanjut() -> list[tuple[tuple[TindakLanjut, ...], tuple[JenisLayanan, ...]]]:
    """Step 5's branches: each distinct sequence of follow-ups with the request types on it."""
    cabang: dict[tuple[TindakLanjut, ...], list[JenisLayanan]] = {}
    for jenis, urutan in TINDAK_LANJUT_PER_JENIS.items():
        cabang.setdefault(urutan, []).append(jenis)
    dipakai = [t for urutan in cabang for t in urutan]
    if len(dipakai) != len(set(dipakai)):
        raise ValueError("Satu tindak lanjut hanya boleh berada pada satu cabang diagram")
    return [(urutan, tuple(jenis)) for urutan, jenis in cabang.items()]


def diagram_sop(kalender: BusinessCalendar | None = None) -> DiagramSOP:
    """The whole procedure, laid out. ``kalender`` only names the service hours."""
    tata = _Tata(kalender or BusinessCalendar())
    langkah_utama = [s for s in SOP if s.tindak_lanjut is None]
    sebelum_5 = [s for s in langkah_utama if s.nomor < 5]
    sesudah_5 = [s for s in langkah_utama if s.nomor > 5]
    cabang = _cabang_tindak_lanjut()
    per_tl = {s.tindak_lanjut: s for s in SOP if s.tindak_lanjut is not None}
    kelengkapan_peran = LANGKAH_KELENGKAPAN.pelaksana

    # Rows: the requester's lane has a second row for completing returned requests, the
    # service desk's lane one row per follow-up branch and, under the first, the corridor
    # that carries every rejection to the report.
    tinggi: dict[Peran, list[float]] = {p: [TINGGI_BARIS] for p in URUTAN_JALUR}
    tinggi[kelengkapan_peran].append(TINGGI_BARIS_KELENGKAPAN)
    petugas = Peran.PETUGAS_SERVICE_DESK
    tinggi[petugas] = [TINGGI_BARIS + 20] + [TINGGI_BARIS] * (len(cabang) - 1)
    y = 0.0
    kotak_jalur: dict[Peran, Kotak] = {}
    for peran in URUTAN_JALUR:
        awal = y
        for i, h in enumerate(tinggi[peran]):
            tata.baris[(peran, i)] = y
            y += h
        kotak_jalur[peran] = Kotak(LABEL_PESERTA, awal, 0, y - awal)
    koridor_y = tata.baris[(petugas, 0)] + tinggi[petugas][0] - 12

    ditolak: list[Simpul] = []

    def keputusan(tugas: Simpul) -> Simpul:
        """The decision after a human step: forward, reject, or return to the requester."""
        langkah = tugas.langkah
        assert langkah is not None
        cx = tata.kolom(KOLOM_KECIL)
        g = tata.gerbang(f"keputusan_{langkah.kode}", "Keputusan?", tugas.peran, cx,
                         tugas.kotak.cy)
        tata.hubung(tugas, g)
        k = tata.tugas(LANGKAH_KELENGKAPAN, kelengkapan_peran, cx, tata.cy(kelengkapan_peran, 1),
                       dikembalikan_oleh=langkah)
        kg, kk, kt = g.kotak, k.kotak, tugas.kotak
        tata.hubung(g, k, Keputusan.KEMBALIKAN.value, f'keputusan == "{Keputusan.KEMBALIKAN}"',
                    titik=((kg.cx, kg.y), (kk.cx, kk.y + kk.h)))
        kembali_x = kt.cx + GESER_MASUK
        tata.hubung(k, tugas, titik=((kk.x, kk.cy), (kembali_x, kk.cy), (kembali_x, kt.y)))
        ditolak.append(g)
        return g

    def maju(sebelum: Simpul, sesudah: Simpul) -> None:
        if sebelum.jenis == GERBANG and sebelum.id.startswith("keputusan_"):
            tata.hubung(sebelum, sesudah, Keputusan.SETUJU.value,
                        f'keputusan == "{Keputusan.SETUJU}"')
        else:
            tata.hubung(sebelum, sesudah)

    def langkah_dan_keputusan(langkah: LangkahSOP, sebelum: Simpul, cx: float, cy: float
                              ) -> Simpul:
        tugas = tata.tugas(langkah, langkah.pelaksana, cx, cy)
        maju(sebelum, tugas)
        return keputusan(tugas) if langkah.menunggu_orang else tugas

    # Start and steps 1-4.
    pertama = sebelum_5[0]
    ujung = tata.peristiwa("mulai", MULAI, "Permohonan masuk", pertama.pelaksana,
                           tata.kolom(KOLOM_KECIL), tata.cy(pertama.pelaksana),
                           f"Melalui: {pertama.keluaran}.")
    for langkah in sebelum_5:
        ujung = langkah_dan_keputusan(langkah, ujung, tata.kolom(KOLOM_TUGAS),
                                      tata.cy(langkah.pelaksana))

    # Step 5: the gateway on request type, one row per branch.
    g_jenis = tata.gerbang("jenis_layanan", "Jenis layanan?", petugas, tata.kolom(KOLOM_KECIL),
                           tata.cy(petugas), label_kiri=True)
    maju(ujung, g_jenis)
    tata.x += RUANG_LABEL_CABANG
    mulai_cabang = tata.x
    ujung_cabang: list[Simpul] = []
    akhir_x = mulai_cabang
    for i, (urutan, jenis) in enumerate(cabang):
        tata.x = mulai_cabang
        cy = tata.cy(petugas, i)
        nama = " / ".join(j.label for j in jenis)
        syarat = _syarat_jenis(jenis)
        sebelum: Simpul = g_jenis
        for n, tl in enumerate(urutan):
            langkah = per_tl[tl]
            tugas = tata.tugas(langkah, langkah.pelaksana, tata.kolom(KOLOM_TUGAS), cy)
            if n == 0:
                kg, kt = g_jenis.kotak, tugas.kotak
                titik = (((kg.x + kg.w, kg.cy), (kt.x, kt.cy)) if i == 0 else
                         ((kg.cx, kg.y + kg.h), (kg.cx, kt.cy), (kt.x, kt.cy)))
                tata.hubung(g_jenis, tugas, nama, syarat, titik=titik,
                            label=Kotak(kg.x + kg.w + 4, kt.cy - 44, kt.x - kg.x - kg.w - 8, 40))
            else:
                maju(sebelum, tugas)
            sebelum = keputusan(tugas) if langkah.menunggu_orang else tugas
        ujung_cabang.append(sebelum)
        akhir_x = max(akhir_x, tata.x)
    tata.x = akhir_x

    # Steps 6-7: every branch and every rejection meet before the report.
    gabung = tata.gerbang("gabung_laporan", "", petugas, tata.kolom(KOLOM_KECIL),
                          tata.cy(petugas))
    kb = gabung.kotak
    for i, s in enumerate(ujung_cabang):
        if i == 0:
            maju(s, gabung)
        else:
            ks = s.kotak
            titik = ((ks.x + ks.w, ks.cy), (kb.cx, ks.cy), (kb.cx, kb.y + kb.h))
            if s.jenis == GERBANG:
                tata.hubung(s, gabung, Keputusan.SETUJU.value,
                            f'keputusan == "{Keputusan.SETUJU}"', titik=titik)
            else:
                tata.hubung(s, gabung, titik=titik)
    for g in ditolak:
        kg = g.kotak
        tata.hubung(g, gabung, Keputusan.TOLAK.value, f'keputusan == "{Keputusan.TOLAK}"',
                    titik=((kg.cx, kg.y + kg.h), (kg.cx, koridor_y), (kb.cx, koridor_y),
                           (kb.cx, kb.y + kb.h)))
    ujung = gabung
    for langkah in sesudah_5:
        tugas = tata.tugas(langkah, langkah.pelaksana, tata.kolom(KOLOM_TUGAS),
                           tata.cy(langkah.pelaksana))
        maju(ujung, tugas)
        ujung = tugas
    terakhir = sesudah_5[-1]
    selesai = tata.peristiwa("selesai", SELESAI, "Tiket diarsipkan", terakhir.pelaksana,
                             tata.kolom(KOLOM_KECIL), tata.cy(terakhir.pelaksana),
                             f"Keluaran: {terakhir.keluaran}; disetujui atau ditolak.")
    maju(ujung, selesai)

    lebar = tata.x + 20
    jalur = tuple(
        Jalur(f"jalur_{p.value}", p, p.label,
              Kotak(LABEL_PESERTA, kotak_jalur[p].y, lebar - LABEL_PESERTA, kotak_jalur[p].h),
              tuple(s.id for s in tata.simpul if s.peran is p))
        for p in URUTAN_JALUR
    )
    return DiagramSOP(
        "proses_sop", "Pengajuan Layanan Pembangunan Aplikasi", "peserta_sop",
        "Layanan Pembangunan Aplikasi (SC-04/EGOTIK/2023)",
        Kotak(0, 0, lebar, y), jalur, tuple(tata.simpul), tuple(tata.alur),
    )


# -- BPMN 2.0 XML ---------------------------------------------------------------------------

def _el(parent: ET.Element, tag: str, **attrib: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k.rstrip("_").replace("__", ":"): v
                                       for k, v in attrib.items()})


def _angka(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _bounds(parent: ET.Element, k: Kotak) -> None:
    _el(parent, "dc:Bounds", x=_angka(k.x), y=_angka(k.y), width=_angka(k.w),
        height=_angka(k.h))


def _dokumentasi(parent: ET.Element, teks: str) -> None:
    if teks:
        _el(parent, "bpmn:documentation").text = teks


def bpmn_xml(diagram: DiagramSOP) -> str:
    """The diagram as a BPMN 2.0 document (process, collaboration, BPMNDI), deterministic."""
    root = ET.Element("bpmn:definitions", {
        **{f"xmlns:{p}": u for p, u in NS.items()},
        "id": "definisi_sop", "targetNamespace": "https://diskominfo.babelprov.go.id/lpa/sop",
        "expressionLanguage": BAHASA_EKSPRESI, "exporter": "lpa", "exporterVersion": "1",
    })
    kolab = _el(root, "bpmn:collaboration", id="kolaborasi_sop")
    _el(kolab, "bpmn:participant", id=diagram.id_peserta, name=diagram.nama_peserta,
        processRef=diagram.id_proses)
    proses = _el(root, "bpmn:process", id=diagram.id_proses, name=diagram.nama_proses,
                 isExecutable="true")
    lane_set = _el(proses, "bpmn:laneSet", id="jalur_sop")
    for j in diagram.jalur:
        lane = _el(lane_set, "bpmn:lane", id=j.id, name=j.nama)
        for s in j.simpul:
            _el(lane, "bpmn:flowNodeRef").text = s
    masuk: dict[str, list[str]] = {}
    keluar: dict[str, list[str]] = {}
    for a in diagram.alur:
        keluar.setdefault(a.sumber, []).append(a.id)
        masuk.setdefault(a.tujuan, []).append(a.id)
    for s in diagram.simpul:
        attrib = {"id": s.id, "name": s.nama}
        if s.jenis == BATAS:
            attrib |= {"attachedToRef": s.melekat_pada or "", "cancelActivity": "false"}
        el = _el(proses, f"bpmn:{s.jenis}", **attrib)
        _dokumentasi(el, s.dokumentasi)
        for f in masuk.get(s.id, []):
            _el(el, "bpmn:incoming").text = f
        for f in keluar.get(s.id, []):
            _el(el, "bpmn:outgoing").text = f
        if s.durasi:
            timer = _el(el, "bpmn:timerEventDefinition", id=f"{s.id}_timer")
            _el(timer, "bpmn:timeDuration", xsi__type="bpmn:tFormalExpression").text = s.durasi
        if s.eskalasi:
            _el(el, "bpmn:escalationEventDefinition", id=f"{s.id}_eskalasi",
                escalationRef="eskalasi_mutu_baku")
    for a in diagram.alur:
        attrib = {"id": a.id, "sourceRef": a.sumber, "targetRef": a.tujuan}
        if a.nama:
            attrib["name"] = a.nama
        el = _el(proses, "bpmn:sequenceFlow", **attrib)
        if a.syarat:
            _el(el, "bpmn:conditionExpression",
                xsi__type="bpmn:tFormalExpression").text = a.syarat
    _el(root, "bpmn:escalation", id="eskalasi_mutu_baku", name="Mutu baku terlampaui",
        escalationCode="mutu_baku_terlampaui")

    dia = _el(root, "bpmndi:BPMNDiagram", id="diagram_sop", name=diagram.nama_proses)
    plane = _el(dia, "bpmndi:BPMNPlane", id="bidang_sop", bpmnElement="kolaborasi_sop")
    shape = _el(plane, "bpmndi:BPMNShape", id=f"{diagram.id_peserta}_di",
                bpmnElement=diagram.id_peserta, isHorizontal="true")
    _bounds(shape, diagram.kotak_peserta)
    for j in diagram.jalur:
        shape = _el(plane, "bpmndi:BPMNShape", id=f"{j.id}_di", bpmnElement=j.id,
                    isHorizontal="true")
        _bounds(shape, j.kotak)
    for s in diagram.simpul:
        extra = {"isMarkerVisible": "true"} if s.jenis == GERBANG else {}
        shape = _el(plane, "bpmndi:BPMNShape", id=f"{s.id}_di", bpmnElement=s.id, **extra)
        _bounds(shape, s.kotak)
        if s.label is not None:
            _bounds(_el(shape, "bpmndi:BPMNLabel"), s.label)
    for a in diagram.alur:
        edge = _el(plane, "bpmndi:BPMNEdge", id=f"{a.id}_di", bpmnElement=a.id)
        for x, y in a.titik:
            _el(edge, "di:waypoint", x=_angka(x), y=_angka(y))
        if a.label is not None:
            _bounds(_el(edge, "bpmndi:BPMNLabel"), a.label)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"


def sop_bpmn(kalender: BusinessCalendar | None = None) -> str:
    """The SOP as BPMN 2.0 XML."""
    return bpmn_xml(diagram_sop(kalender))
