"""The SOP as BPMN: the XML's structure, its execution in an independent engine
(SpiffWorkflow) against the paths ``domain/alur.py`` takes, the picture, the command, and the
documentation's copy."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from typer.testing import CliRunner

from domain.alur import CatatanLangkah, JenisAksi, aksi_berikutnya
from domain.bpmn import bpmn_xml, diagram_sop, iso_durasi, teks_mutu_baku
from domain.bpmn_svg import svg
from domain.sop import LANGKAH_KELENGKAPAN, SOP, JenisLayanan, Peran, rencana_langkah
from lpa.cli import app

ROOT = Path(__file__).resolve().parents[1]
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DDI = "{http://www.omg.org/spec/DD/20100524/DI}"
S = "{http://www.w3.org/2000/svg}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
BUKAN_SIMPUL = {f"{B}laneSet", f"{B}sequenceFlow", f"{B}documentation"}
MANUSIA = [s for s in SOP if s.menunggu_orang]


@pytest.fixture(scope="module")
def xml_sop() -> str:
    return bpmn_xml(diagram_sop())


@pytest.fixture(scope="module")
def root(xml_sop: str) -> ET.Element:
    return ET.fromstring(xml_sop)


@pytest.fixture(scope="module")
def proses(root: ET.Element) -> ET.Element:
    (p,) = root.findall(f"{B}process")
    return p


def _simpul(proses: ET.Element) -> dict[str, ET.Element]:
    return {e.get("id"): e for e in proses if e.tag not in BUKAN_SIMPUL}


def _durasi(iso: str) -> timedelta:
    """ISO 8601 duration read back independently of the generator (hours and minutes)."""
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", iso)
    assert m and any(m.groups()), iso
    return timedelta(hours=int(m[1] or 0), minutes=int(m[2] or 0))


# -- structure ------------------------------------------------------------------------------

def test_the_xml_is_valid_against_the_bpmn_2_schema(xml_sop: str) -> None:
    from lxml import etree

    BpmnValidator().validate(etree.fromstring(xml_sop.encode()))


def test_ids_are_unique_and_every_flow_connects_existing_nodes(root: ET.Element,
                                                              proses: ET.Element) -> None:
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    simpul = _simpul(proses)
    alur = proses.findall(f"{B}sequenceFlow")
    assert alur
    for f in alur:
        assert f.get("sourceRef") in simpul, f.get("id")
        assert f.get("targetRef") in simpul, f.get("id")
        # incoming/outgoing on the nodes agree with the flows
        fid = f.get("id")
        assert fid in [e.text for e in simpul[f.get("sourceRef")].findall(f"{B}outgoing")]
        assert fid in [e.text for e in simpul[f.get("targetRef")].findall(f"{B}incoming")]
    sumber = {f.get("sourceRef") for f in alur}
    tujuan = {f.get("targetRef") for f in alur}
    for sid, el in simpul.items():
        if el.tag != f"{B}startEvent" and el.tag != f"{B}boundaryEvent":
            assert sid in tujuan, f"{sid} is never reached"
        if el.tag != f"{B}endEvent":
            assert sid in sumber, f"{sid} leads nowhere"
    assert [e.tag for e in simpul.values()].count(f"{B}startEvent") == 1


def test_one_lane_per_actor_and_every_node_in_exactly_one_lane(proses: ET.Element) -> None:
    lanes = proses.findall(f"{B}laneSet/{B}lane")
    assert sorted(lane.get("name") for lane in lanes) == sorted(p.label for p in Peran)
    simpul = _simpul(proses)
    hitung = {sid: 0 for sid in simpul}
    for lane in lanes:
        for ref in lane.findall(f"{B}flowNodeRef"):
            assert ref.text in simpul
            hitung[ref.text] += 1
    assert hitung == {sid: 1 for sid in simpul}
    # each step sits in its actor's lane
    lane_dari = {ref.text: lane.get("name") for lane in lanes
                 for ref in lane.findall(f"{B}flowNodeRef")}
    for langkah in SOP:
        assert lane_dari[f"langkah_{langkah.kode}"] == langkah.pelaksana.label


def test_every_step_is_a_task_with_its_mutu_baku_on_a_non_interrupting_timer(
        proses: ET.Element) -> None:
    simpul = _simpul(proses)
    timer_dari = {e.get("attachedToRef"): e for e in simpul.values()
                  if e.tag == f"{B}boundaryEvent"}
    for langkah in SOP:
        tugas = simpul[f"langkah_{langkah.kode}"]
        assert tugas.get("name") == langkah.label
        assert tugas.tag == (f"{B}userTask" if langkah.menunggu_orang else f"{B}serviceTask")
        timer = timer_dari[tugas.get("id")]
        assert timer.get("cancelActivity") == "false"
        durasi = timer.find(f"{B}timerEventDefinition/{B}timeDuration")
        assert durasi is not None and durasi.get(XSI_TYPE) == "bpmn:tFormalExpression"
        assert _durasi(durasi.text) == langkah.mutu_baku
        dok = timer.find(f"{B}documentation").text
        assert "jam layanan 08:00–16:00 WIB pada hari kerja" in dok
        assert teks_mutu_baku(langkah) in timer.get("name")
        # the breach goes on to an escalation, the task itself keeps its own way forward
        (keluar,) = [f for f in proses.findall(f"{B}sequenceFlow")
                     if f.get("sourceRef") == timer.get("id")]
        akhir = simpul[keluar.get("targetRef")]
        assert akhir.tag == f"{B}endEvent"
        assert akhir.find(f"{B}escalationEventDefinition") is not None
    assert len(timer_dari) == len(SOP)  # the requester's completion has no clock


def test_mutu_baku_texts_and_durations() -> None:
    assert iso_durasi(timedelta(hours=40)) == "PT40H"
    assert iso_durasi(timedelta(minutes=30)) == "PT30M"
    assert iso_durasi(timedelta(minutes=90)) == "PT1H30M"
    with pytest.raises(ValueError):
        iso_durasi(timedelta(0))
    teks = {s.kode: teks_mutu_baku(s) for s in SOP}
    assert teks["rekomendasi"] == "3–5 hari kerja"
    assert teks["hosting_integrasi"] == "1–5 hari kerja"
    assert teks["disposisi_kadis"] == "30 menit"
    assert teks["pengajuan"] == "3 jam"


def test_human_steps_decide_and_the_request_type_picks_the_follow_ups(
        proses: ET.Element) -> None:
    alur = proses.findall(f"{B}sequenceFlow")
    for langkah in MANUSIA:
        gid = f"keputusan_{langkah.kode}"
        keluar = {f.get("name"): f for f in alur if f.get("sourceRef") == gid}
        assert set(keluar) == {"setuju", "tolak", "kembalikan"}
        assert keluar["tolak"].get("targetRef") == "gabung_laporan"
        assert keluar["kembalikan"].get("targetRef") == f"kelengkapan_{langkah.kode}"
        (kembali,) = [f for f in alur if f.get("sourceRef") == f"kelengkapan_{langkah.kode}"]
        assert kembali.get("targetRef") == f"langkah_{langkah.kode}"
    jenis_keluar = [f for f in alur if f.get("sourceRef") == "jenis_layanan"]
    for jenis in JenisLayanan:
        pertama = next(s for s in rencana_langkah(jenis) if s.tindak_lanjut is not None)
        cocok = [f.get("targetRef") for f in jenis_keluar
                 if eval(f.find(f"{B}conditionExpression").text, {"jenis": jenis.value})]
        assert cocok == [f"langkah_{pertama.kode}"], jenis


def test_diagram_interchange_covers_every_element_and_lines_touch_their_shapes(
        root: ET.Element, proses: ET.Element) -> None:
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    (plane,) = root.findall(f"{DI}BPMNDiagram/{DI}BPMNPlane")
    assert plane.get("bpmnElement") in ids
    shapes = {s.get("bpmnElement"): s for s in plane.findall(f"{DI}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in plane.findall(f"{DI}BPMNEdge")}
    assert set(shapes) <= ids and set(edges) <= ids
    simpul = _simpul(proses)
    lanes = [lane.get("id") for lane in proses.iter(f"{B}lane")]
    assert set(shapes) == set(simpul) | set(lanes) | {"peserta_sop"}
    alur = {f.get("id"): f for f in proses.findall(f"{B}sequenceFlow")}
    assert set(edges) == set(alur)

    def kotak(eid: str) -> tuple[float, float, float, float]:
        b = shapes[eid].find(f"{DC}Bounds")
        return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore

    def di_tepi(titik: tuple[float, float], eid: str) -> bool:
        x, y, w, h = kotak(eid)
        dalam = x - 0.5 <= titik[0] <= x + w + 0.5 and y - 0.5 <= titik[1] <= y + h + 0.5
        tepi = min(abs(titik[0] - x), abs(titik[0] - x - w), abs(titik[1] - y),
                   abs(titik[1] - y - h)) <= 0.5
        pusat = (abs(titik[0] - x - w / 2) <= 0.5) or (abs(titik[1] - y - h / 2) <= 0.5)
        return dalam and (tepi or pusat)  # a diamond's corner lies on its centre lines

    for fid, f in alur.items():
        titik = [(float(p.get("x")), float(p.get("y")))
                 for p in edges[fid].findall(f"{DDI}waypoint")]
        assert len(titik) >= 2
        assert di_tepi(titik[0], f.get("sourceRef")), fid
        assert di_tepi(titik[-1], f.get("targetRef")), fid
        for (x0, y0), (x1, y1) in zip(titik, titik[1:], strict=False):
            assert x0 == x1 or y0 == y1, f"{fid} is not orthogonal"
    # every node lies inside its lane's shape, every timer on its task's border
    for lane in proses.iter(f"{B}lane"):
        lx, ly, lw, lh = kotak(lane.get("id"))
        for ref in lane.findall(f"{B}flowNodeRef"):
            x, y, w, h = kotak(ref.text)
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, ref.text
    for e in simpul.values():
        if e.tag == f"{B}boundaryEvent":
            x, y, w, h = kotak(e.get("id"))
            assert di_tepi((x + w / 2, y + h / 2), e.get("attachedToRef"))


# -- an independent engine runs it --------------------------------------------------------

class _MesinSpiff(PythonScriptEngine):
    """Spiff evaluates timer expressions as Python; plain ISO 8601 (what modelers write and
    what we generate) is taken literally."""

    def evaluate(self, task, expression, external_context=None):  # type: ignore[no-untyped-def]
        if re.fullmatch(r"P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?)?", expression.strip()):
            return expression.strip()
        return super().evaluate(task, expression, external_context)


@pytest.fixture(scope="module")
def spec(xml_sop: str):  # type: ignore[no-untyped-def]
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_str(xml_sop.encode(), "sop.bpmn")
    assert parser.get_process_ids() == ["proses_sop"]
    return parser.get_spec("proses_sop")


def _jalankan_spiff(spec, jenis: JenisLayanan,  # type: ignore[no-untyped-def]
                    keputusan: dict[str, list[str]]) -> list[str]:
    """Run one ticket: complete service tasks, answer user tasks with ``keputusan`` (per step
    code, in order; ``setuju`` when none is left). Returns the steps done, in order."""
    sisa = {k: list(v) for k, v in keputusan.items()}
    wf = BpmnWorkflow(spec, script_engine=_MesinSpiff())
    for t in wf.get_tasks(state=TaskState.READY):
        t.data["jenis"] = jenis.value
    jejak: list[str] = []
    for _ in range(60):  # the longest real path has about 20 steps
        wf.do_engine_steps()
        if wf.is_completed():
            break
        layanan = [t for t in wf.get_tasks(state=TaskState.STARTED)
                   if type(t.task_spec).__name__ == "ServiceTask"]
        if layanan:  # the engine hands automated steps to the application: we are it
            jejak.append(layanan[0].task_spec.bpmn_id)
            layanan[0].complete()
            continue
        (siap,) = wf.get_tasks(state=TaskState.READY, manual=True)
        bid = siap.task_spec.bpmn_id
        jejak.append(bid)
        if bid.startswith("langkah_"):
            daftar = sisa.get(bid.removeprefix("langkah_")) or ["setuju"]
            siap.data["keputusan"] = daftar.pop(0)
        siap.run()
    assert wf.is_completed()
    selesai = [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)
               if t.task_spec.bpmn_id and t.task_spec.bpmn_id.endswith(("selesai",))]
    assert selesai == ["selesai"]
    assert not [t for t in wf.get_tasks(state=TaskState.COMPLETED)
                if (t.task_spec.bpmn_id or "").startswith("terlambat_")]
    return [b.removeprefix("langkah_") if b.startswith("langkah_") else LANGKAH_KELENGKAPAN.kode
            for b in jejak]


def _jalankan_alur(jenis: JenisLayanan, keputusan: dict[str, list[str]]) -> list[str]:
    """The same ticket through ``domain/alur.py``, the rules the Prefect flow follows."""
    sisa = {k: list(v) for k, v in keputusan.items()}
    catatan: list[CatatanLangkah] = []
    jejak: list[str] = []
    for _ in range(60):  # the longest real path has about 20 steps
        aksi = aksi_berikutnya(jenis, catatan)
        if aksi.jenis is JenisAksi.SELESAI:
            return jejak
        assert aksi.langkah is not None
        if aksi.jenis is JenisAksi.MULAI:
            catatan.append(CatatanLangkah(len(catatan) + 1, aksi.langkah.kode, False, None))
            continue
        kode = aksi.langkah.kode
        jejak.append(kode)
        kep = None
        if aksi.langkah.menunggu_orang and aksi.langkah is not LANGKAH_KELENGKAPAN:
            kep = (sisa.get(kode) or ["setuju"]).pop(0)
            sisa.setdefault(kode, [])
        i = next(i for i, c in enumerate(catatan) if c.id == aksi.catatan_id)
        catatan[i] = replace(catatan[i], selesai=True, keputusan=kep)
    raise AssertionError("alur did not finish")


@pytest.mark.parametrize("jenis", list(JenisLayanan))
def test_spiff_runs_the_happy_path_of_each_request_type(spec, jenis: JenisLayanan) -> None:  # type: ignore[no-untyped-def]
    jejak = _jalankan_spiff(spec, jenis, {})
    assert jejak == [s.kode for s in rencana_langkah(jenis)]
    assert jejak == _jalankan_alur(jenis, {})


@pytest.mark.parametrize("kode", [s.kode for s in MANUSIA])
def test_spiff_follows_a_rejection_to_report_and_archive(spec, kode: str) -> None:  # type: ignore[no-untyped-def]
    jenis = next(j for j in JenisLayanan if kode in [s.kode for s in rencana_langkah(j)])
    keputusan = {kode: ["tolak"]}
    jejak = _jalankan_spiff(spec, jenis, keputusan)
    assert jejak[-3:] == [kode, "laporan", "arsip"]
    assert jejak == _jalankan_alur(jenis, keputusan)


@pytest.mark.parametrize("kode", [s.kode for s in MANUSIA])
def test_spiff_follows_a_return_back_to_the_same_step(spec, kode: str) -> None:  # type: ignore[no-untyped-def]
    jenis = next(j for j in JenisLayanan if kode in [s.kode for s in rencana_langkah(j)])
    keputusan = {kode: ["kembalikan", "kembalikan", "setuju"]}
    jejak = _jalankan_spiff(spec, jenis, keputusan)
    assert jejak.count(LANGKAH_KELENGKAPAN.kode) == 2
    i = jejak.index(kode)
    assert jejak[i:i + 5] == [kode, "kelengkapan", kode, "kelengkapan", kode]
    assert jejak == _jalankan_alur(jenis, keputusan)


# -- the picture, the command, the documentation ------------------------------------------

def _isi(el: ET.Element) -> str:
    return " ".join(" ".join(el.itertext()).split())


def test_the_picture_shows_lanes_steps_with_mutu_baku_and_flow_labels() -> None:
    diagram = diagram_sop()
    root = ET.fromstring(svg(diagram))
    assert root.tag == f"{S}svg"
    grup = {g.get("id"): g for g in root.iter(f"{S}g") if g.get("id")}
    for langkah in SOP:
        g = grup[f"langkah_{langkah.kode}"]
        (nama,) = [t for t in g.iter(f"{S}text") if t.get("class") == "nama"]
        assert _isi(nama) == langkah.label
        (mutu,) = [t for t in g.iter(f"{S}text") if t.get("class") == "mutu-baku"]
        assert _isi(mutu) == f"Mutu baku: {teks_mutu_baku(langkah)}"
    for peran in Peran:
        assert _isi(grup[f"jalur_{peran.value}"]) == peran.label
    for a in diagram.alur:
        g = grup[a.id]
        assert g.find(f"{S}polyline") is not None
        assert _isi(g) == a.nama
    assert grup["keputusan_disposisi_kadis"].find(f"{S}polygon") is not None


def test_lpa_bpmn_writes_exactly_the_two_files(tmp_path: Path) -> None:
    out = tmp_path / "baru" / "diagram"
    hasil = CliRunner().invoke(app, ["bpmn", "--out", str(out)])
    assert hasil.exit_code == 0, hasil.output
    assert sorted(p.name for p in out.iterdir()) == ["sop.bpmn", "sop.svg"]
    assert ET.parse(out / "sop.bpmn").getroot().tag == f"{B}definitions"
    assert ET.parse(out / "sop.svg").getroot().tag == f"{S}svg"
    assert "sop.bpmn" in hasil.output


def test_lpa_bpmn_says_why_it_cannot_write(tmp_path: Path) -> None:
    berkas = tmp_path / "bukan-folder"
    berkas.write_text("x")
    hasil = CliRunner().invoke(app, ["bpmn", "--out", str(berkas)])
    assert hasil.exit_code == 1
    assert "Gagal menulis diagram" in hasil.output


def test_the_documentation_diagram_is_what_the_sop_table_gives_now() -> None:
    """Regenerate with ``./bin/lpa bpmn --out docs/`` when this fails."""
    diagram = diagram_sop()
    assert (ROOT / "docs" / "sop.svg").read_text(encoding="utf-8") == svg(diagram)
    assert (ROOT / "docs" / "sop.bpmn").read_text(encoding="utf-8") == bpmn_xml(diagram)
