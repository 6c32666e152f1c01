"""The roster decides who may resume a waiting step: precedence, sharing out, loading."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.roster import Pejabat, Roster, RosterTidakSah
from domain.sop import Peran

ROOT = Path(__file__).resolve().parents[1]

KADIS = "197203151998031002"
KABID = "198005222005012003"
PRAKOM = "198811092011011001"
SD_1 = "199204172019032008"
SD_2 = "199501302020121005"
PLT_KABID = "198307142008011004"
PLH_KABID = "198609252010122002"


def _entri(peran: Peran, nip: str, nama: str, **lain: Any) -> dict[str, Any]:
    return {"peran": peran.value, "nip": nip, "nama": nama,
            "email": f"{nama.lower().replace(' ', '.')}@babelprov.go.id", **lain}


def _dasar() -> list[dict[str, Any]]:
    return [
        _entri(Peran.KEPALA_DINAS, KADIS, "Hendra Saputra"),
        _entri(Peran.KABID_EGOV, KABID, "Rina Marlina"),
        _entri(Peran.PRANATA_KOMPUTER, PRAKOM, "Yudi Pratama"),
        _entri(Peran.PETUGAS_SERVICE_DESK, SD_1, "Dewi Anggraini"),
        _entri(Peran.PETUGAS_SERVICE_DESK, SD_2, "Fajar Ramadhan"),
    ]


def _roster(*tambahan: dict[str, Any]) -> Roster:
    return Roster.model_validate({"pejabat": [*_dasar(), *tambahan]})


def test_definitif_holder_decides_without_acting_holders() -> None:
    roster = _roster()
    assert roster.pemegang(Peran.KABID_EGOV).nip == KABID
    assert roster.boleh_memutus(Peran.KABID_EGOV, KABID)
    assert not roster.boleh_memutus(Peran.KABID_EGOV, KADIS)


def test_precedence_plh_over_plt_over_definitif() -> None:
    plt = _entri(Peran.KABID_EGOV, PLT_KABID, "Agus Setiawan", status="plt")
    plh = _entri(Peran.KABID_EGOV, PLH_KABID, "Siti Rahmawati", status="plh")
    assert _roster(plt).pemegang(Peran.KABID_EGOV).nip == PLT_KABID
    roster = _roster(plt, plh)
    assert roster.pemegang(Peran.KABID_EGOV).nip == PLH_KABID
    assert roster.pemegang(Peran.KABID_EGOV).sebutan.startswith("Plh. Kepala Bidang")
    # The definitif holder and the Plt. are replaced: they may not decide now.
    assert roster.boleh_memutus(Peran.KABID_EGOV, PLH_KABID)
    assert not roster.boleh_memutus(Peran.KABID_EGOV, KABID)
    assert not roster.boleh_memutus(Peran.KABID_EGOV, PLT_KABID)


def test_inactive_holders_are_skipped() -> None:
    plh = _entri(Peran.KABID_EGOV, PLH_KABID, "Siti Rahmawati", status="plh", aktif=False)
    roster = _roster(plh)
    assert roster.pemegang(Peran.KABID_EGOV).nip == KABID
    assert not roster.boleh_memutus(Peran.KABID_EGOV, PLH_KABID)

    data = _dasar()
    data[1]["aktif"] = False  # Kabid on long leave, a Plt. appointed
    data.append(_entri(Peran.KABID_EGOV, PLT_KABID, "Agus Setiawan", status="plt"))
    roster = Roster.model_validate({"pejabat": data})
    assert roster.pemegang(Peran.KABID_EGOV).nip == PLT_KABID
    assert not roster.boleh_memutus(Peran.KABID_EGOV, KABID)


def test_one_person_definitif_in_one_post_may_act_in_another() -> None:
    roster = _roster(_entri(Peran.KABID_EGOV, PRAKOM, "Yudi Pratama", status="plh"))
    assert roster.boleh_memutus(Peran.KABID_EGOV, PRAKOM)
    assert roster.boleh_memutus(Peran.PRANATA_KOMPUTER, PRAKOM)


def test_officer_choice_is_deterministic_and_spread() -> None:
    roster = _roster()
    nomor = [f"LPA-2026-{i:06d}" for i in range(1, 201)]
    pertama = [roster.pemegang(Peran.PETUGAS_SERVICE_DESK, n).nip for n in nomor]
    assert pertama == [roster.pemegang(Peran.PETUGAS_SERVICE_DESK, n).nip for n in nomor]
    assert set(pertama) == {SD_1, SD_2}
    assert 60 <= pertama.count(SD_1) <= 140
    # Independent of the order of the file.
    terbalik = Roster.model_validate({"pejabat": list(reversed(_dasar()))})
    assert pertama == [terbalik.pemegang(Peran.PETUGAS_SERVICE_DESK, n).nip for n in nomor]
    # Only the chosen officer may decide on that ticket.
    n = nomor[0]
    lain = ({SD_1, SD_2} - {pertama[0]}).pop()
    assert roster.boleh_memutus(Peran.PETUGAS_SERVICE_DESK, pertama[0], n)
    assert not roster.boleh_memutus(Peran.PETUGAS_SERVICE_DESK, lain, n)


def test_a_waiting_step_belongs_to_whoever_holds_the_post_now() -> None:
    """The rule production asks when an attempt is judged and on every SLA-watch pass
    (tasks/keputusan): the step assigned to the Kabid passes to a Plh. appointed while it
    waits, and back when the Plh. entry ends."""
    sebelum = _roster()
    assert sebelum.pemegang_langkah(Peran.KABID_EGOV, "LPA-1", ditugaskan=KABID).nip == KABID
    assert sebelum.boleh_memutus(Peran.KABID_EGOV, KABID, "LPA-1", ditugaskan=KABID)
    plh = _entri(Peran.KABID_EGOV, PLH_KABID, "Siti Rahmawati", status="plh")
    sesudah = _roster(plh)
    assert sesudah.pemegang_langkah(Peran.KABID_EGOV, "LPA-1", ditugaskan=KABID).nip == \
        PLH_KABID
    assert not sesudah.boleh_memutus(Peran.KABID_EGOV, KABID, "LPA-1", ditugaskan=KABID)
    assert sesudah.boleh_memutus(Peran.KABID_EGOV, PLH_KABID, "LPA-1", ditugaskan=KABID)
    selesai = _roster({**plh, "aktif": False})
    assert selesai.pemegang_langkah(Peran.KABID_EGOV, "LPA-1", ditugaskan=PLH_KABID).nip == \
        KABID


def test_a_waiting_officer_step_stays_with_its_officer_while_they_act() -> None:
    """Officers share tickets by hash; a step waiting for one of them does not move when a
    colleague joins (that would take over tickets at random), only when theirs ends."""
    dua = _roster()
    nomor = next(f"LPA-2026-{i:06d}" for i in range(1, 500)
                 if dua.pemegang(Peran.PETUGAS_SERVICE_DESK, f"LPA-2026-{i:06d}").nip == SD_1)
    baru = "199601012022031001"
    tiga = _roster(_entri(Peran.PETUGAS_SERVICE_DESK, baru, "Petugas Baru"))
    assert tiga.pemegang_langkah(Peran.PETUGAS_SERVICE_DESK, nomor, ditugaskan=SD_1).nip == SD_1
    assert tiga.boleh_memutus(Peran.PETUGAS_SERVICE_DESK, SD_1, nomor, ditugaskan=SD_1)
    data = _dasar()
    data[3]["aktif"] = False  # SD_1 moved elsewhere: the step goes to a remaining officer
    tanpa = Roster.model_validate({"pejabat": data})
    assert tanpa.pemegang_langkah(Peran.PETUGAS_SERVICE_DESK, nomor, ditugaskan=SD_1).nip == SD_2
    assert not tanpa.boleh_memutus(Peran.PETUGAS_SERVICE_DESK, SD_1, nomor, ditugaskan=SD_1)


def test_officer_choice_is_stable_across_processes() -> None:
    """Python's hash() is salted per process; the choice must not be."""
    import os
    import subprocess
    import sys

    kode = (
        "from domain.roster import Roster; from domain.sop import Peran; "
        "from pathlib import Path; "
        "r = Roster.from_yaml_text(Path('config/roster.example.yaml').read_text()); "
        "print(','.join(r.pemegang(Peran.PETUGAS_SERVICE_DESK, f'LPA-2026-{i:06d}').nip "
        "for i in range(20)))"
    )
    hasil = {
        subprocess.run([sys.executable, "-c", kode], cwd=ROOT, capture_output=True, text=True,
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(hasil) == 1


def test_deactivated_officer_gets_no_tickets() -> None:
    data = _dasar()
    data[3]["aktif"] = False
    roster = Roster.model_validate({"pejabat": data})
    assert {roster.pemegang(Peran.PETUGAS_SERVICE_DESK, f"LPA-2026-{i:06d}").nip
            for i in range(50)} == {SD_2}


def test_atasan_is_the_holder_of_the_superior_post() -> None:
    plt = _entri(Peran.KABID_EGOV, PLT_KABID, "Agus Setiawan", status="plt")
    roster = _roster(plt)
    assert roster.atasan(Peran.PETUGAS_SERVICE_DESK).nip == PRAKOM
    assert roster.atasan(Peran.PRANATA_KOMPUTER).nip == PLT_KABID
    assert roster.atasan(Peran.KABID_EGOV).nip == KADIS
    assert roster.atasan(Peran.KEPALA_DINAS) is None


def test_boleh_memutus_accepts_grouped_nip_and_refuses_garbage() -> None:
    roster = _roster()
    assert roster.boleh_memutus(Peran.KEPALA_DINAS, "19720315 199803 1 002")
    assert not roster.boleh_memutus(Peran.KEPALA_DINAS, "")
    assert not roster.boleh_memutus(Peran.KEPALA_DINAS, "bukan nip")
    assert not roster.boleh_memutus(Peran.OPD, KADIS)


@pytest.mark.parametrize("peran", [Peran.KEPALA_DINAS, Peran.KABID_EGOV,
                                   Peran.PRANATA_KOMPUTER, Peran.PETUGAS_SERVICE_DESK])
def test_missing_post_is_an_indonesian_error(peran: Peran) -> None:
    data = [e for e in _dasar() if e["peran"] != peran.value]
    with pytest.raises(ValueError, match="tidak ada pemegang aktif") as info:
        Roster.model_validate({"pejabat": data})
    assert peran.label in str(info.value)


def test_post_held_only_by_inactive_people_counts_as_missing() -> None:
    data = _dasar()
    data[0]["aktif"] = False
    with pytest.raises(ValueError, match="Kepala Dinas Kominfo"):
        Roster.model_validate({"pejabat": data})


def test_same_nip_definitif_in_two_posts_is_refused() -> None:
    with pytest.raises(ValueError, match="definitif pada dua jabatan"):
        _roster(_entri(Peran.KABID_EGOV, PRAKOM, "Yudi Pratama"))


def test_two_active_definitif_heads_are_refused() -> None:
    with pytest.raises(ValueError, match="hanya boleh dipegang satu orang"):
        _roster(_entri(Peran.KEPALA_DINAS, PLT_KABID, "Agus Setiawan"))


def test_pejabat_validates_fields() -> None:
    p = Pejabat(peran=Peran.KABID_EGOV, nip="19800522 200501 2 003", nama=" Rina ",
                email="rina@babelprov.go.id")
    assert (p.nip, p.nama, p.status, p.aktif) == (KABID, "Rina", "definitif", True)
    with pytest.raises(ValueError, match="NIP harus 18 angka"):
        Pejabat(peran=Peran.KABID_EGOV, nip="1980052220050120", nama="Rina",
                email="rina@babelprov.go.id")
    with pytest.raises(ValueError):
        Pejabat(peran=Peran.KABID_EGOV, nip=KABID, nama="Rina", email="rina")
    with pytest.raises(ValueError):
        Pejabat(peran=Peran.KABID_EGOV, nip=KABID, nama="Rina", email="rina@babelprov.go.id",
                status="pj")


# --- YAML ---------------------------------------------------------------------------------

def _nip_pns_sah(nip: str) -> bool:
    """The structure of a PNS NIP: birth date, TMT (age 18-46), gender, sequence."""
    if len(nip) != 18 or not nip.isdigit():
        return False
    try:
        lahir = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
        tmt = date(int(nip[8:12]), int(nip[12:14]), 1)
    except ValueError:
        return False
    umur = tmt.year - lahir.year - ((tmt.month, tmt.day) < (lahir.month, lahir.day))
    return 18 <= umur <= 46 and nip[14] in "12" and 1 <= int(nip[15:]) <= 999


@pytest.mark.parametrize("nama", ["roster.example.yaml", "roster.yaml"])
def test_example_roster_files_load(nama: str) -> None:
    teks = (ROOT / "config" / nama).read_text(encoding="utf-8")
    roster = Roster.from_yaml_text(teks)
    assert len([p for p in roster.pejabat if p.peran is Peran.PETUGAS_SERVICE_DESK]) == 2
    for p in roster.pejabat:
        assert _nip_pns_sah(p.nip), p.nip
        assert p.email.endswith("@babelprov.go.id")
    # The commented-out Plh. example is valid too once enabled.
    aktifkan = "\n".join(
        baris.replace("  # ", "  ", 1) if baris.startswith("  # ") and ":" in baris
        and not baris.startswith("  # Contoh") else baris
        for baris in teks.splitlines()
    )
    dengan_plh = Roster.from_yaml_text(aktifkan)
    pemegang = dengan_plh.pemegang(Peran.KABID_EGOV)
    assert pemegang.status == "plh"
    assert _nip_pns_sah(pemegang.nip)


def test_roster_yaml_is_the_example() -> None:
    assert (ROOT / "config" / "roster.yaml").read_text() == \
        (ROOT / "config" / "roster.example.yaml").read_text()


def test_bad_yaml_entry_names_entry_line_and_field() -> None:
    teks = (ROOT / "config" / "roster.example.yaml").read_text(encoding="utf-8")
    rusak = teks.replace("rina.marlina@babelprov.go.id", "rina.marlina(at)babelprov")
    with pytest.raises(RosterTidakSah) as info:
        Roster.from_yaml_text(rusak)
    pesan = str(info.value)
    assert "entri pejabat ke-2" in pesan and "kolom 'email'" in pesan
    assert "alamat surel tidak sah" in pesan
    baris = next(i for i, b in enumerate(teks.splitlines(), 1) if "peran: kabid_egov" in b)
    assert f"baris {baris}" in pesan


def test_unknown_field_and_post_are_named() -> None:
    teks = """pejabat:
  - peran: kadis
    nip: "197203151998031002"
    nama: X
    email: x@babelprov.go.id
    jabatn: kepala
"""
    with pytest.raises(RosterTidakSah) as info:
        Roster.from_yaml_text(teks)
    pesan = str(info.value)
    assert "entri pejabat ke-1 (baris 2), kolom 'peran': harus salah satu dari" in pesan
    assert "kolom 'jabatn': kolom tidak dikenal" in pesan


@pytest.mark.parametrize("teks,pesan", [
    ("pejabat: [", "bukan YAML yang sah"),
    ("", "harus berisi kunci 'pejabat'"),
    ("- peran: kepala_dinas", "harus berisi kunci 'pejabat'"),
    ("pejabat: kepala", "harus berupa daftar"),
    ("pejabat:\n  - 17\n", "entri pejabat ke-1 (baris 2)"),
    ("pejabat:\n  - {peran: kepala_dinas, nip: '197203151998031002', nama: X}\n",
     "kolom 'email': wajib diisi"),
])
def test_malformed_files_are_indonesian_errors(teks: str, pesan: str) -> None:
    with pytest.raises(RosterTidakSah, match=pesan.replace("(", r"\(").replace(")", r"\)")):
        Roster.from_yaml_text(teks)
