"""validasi_data: the open-redirect test, pure: which parameters look like a redirect target,
what is sent to them, how a browser reads the ``Location`` that comes back, and the judge.

``tasks/kelaikan/validasi.py`` (:func:`amati_pengalihan`) sends each parameter an off-scope
target in three forms and records the status and ``Location`` of each answer
(:class:`ObservasiPengalihan`); the redirect is never followed.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.galat import kutip
from domain.kelaikan.halaman import Halaman
from domain.kelaikan.masukan import NAMA_PENGALIHAN, TitikGet, nilai_pengalihan, titik_get

MAKS_PARAM_PENGALIHAN = 3
HOST_LUAR = "lpa-uji-pengalihan.invalid"
"""Off-scope redirect target of the open-redirect test (RFC 2606: never resolves)."""


def titik_pengalihan(url: str, halaman: list[Halaman]) -> list[TitikGet]:
    """Parameters that look like a redirect target, by name or by value."""
    return [t for t in titik_get(url, halaman)
            if NAMA_PENGALIHAN.match(t.nama) or nilai_pengalihan(t.nilai)
            ][:MAKS_PARAM_PENGALIHAN]


def muatan_pengalihan(token: str) -> tuple[str, ...]:
    """Off-scope targets sent to a redirect parameter: absolute, protocol-relative
    (``//host``) and its backslash form (``/\\host``, which browsers read as ``//host``)."""
    return (f"https://{HOST_LUAR}/lpa-{token}", f"//{HOST_LUAR}/lpa-{token}",
            f"/\\{HOST_LUAR}/lpa-{token}")


_C0_DAN_SPASI = "".join(chr(i) for i in range(0x21))


def host_tujuan(dasar: str, lokasi: str) -> str | None:
    """The host a browser goes to for ``Location: lokasi`` answered at ``dasar`` (WHATWG URL
    parsing in short: outer spaces and C0 controls trimmed, tabs and newlines removed,
    ``\\`` read as ``/`` in http(s) URLs)."""
    lokasi = re.sub(r"[\t\n\r]", "", lokasi.strip(_C0_DAN_SPASI))
    tujuan = urljoin(dasar, lokasi.replace("\\", "/"))
    if urlsplit(tujuan).scheme.lower() not in ("http", "https"):
        return None
    return urlsplit(tujuan).hostname


class JawabanPengalihan(BaseModel):
    """One off-scope target sent to a parameter: the answer's status and ``Location`` (read
    raw when httpx refused the head as malformed)."""

    model_config = ConfigDict(frozen=True)

    titik: TitikGet
    muatan: str
    status: int | None = None
    lokasi: str = ""
    gagal: str | None = None
    """Why there is no answer."""


class ObservasiPengalihan(BaseModel):
    model_config = ConfigDict(frozen=True)

    halaman_dijelajahi: int = 0
    """Crawled pages the parameters were read from: none means nothing could be tested
    (the crawl failed or found no HTML page), not that there is no redirect parameter."""
    jawaban: list[JawabanPengalihan] = []


def nilai_pengalihan_terbuka(obs: ObservasiPengalihan, target: object = None) -> list[Bukti]:
    """A redirect (3xx) whose ``Location`` a browser follows to the off-scope host, the
    first such target per parameter."""
    if not obs.halaman_dijelajahi:
        raise TidakDapatDiuji("tidak ada halaman yang dapat dijelajahi untuk mencari parameter "
                              "pengalihan")
    bukti: dict[tuple[str, str], str] = {}
    gagal = []
    for j in obs.jawaban:
        kunci = (j.titik.path, j.titik.nama)
        if j.status is None:
            gagal.append(f"GET {j.titik.path}?{j.titik.nama}={j.muatan}: {j.gagal}")
        elif kunci not in bukti and 300 <= j.status < 400 and \
                host_tujuan(j.titik.url, j.lokasi) == HOST_LUAR:
            bukti[kunci] = (f"GET {j.titik.path}?{j.titik.nama}={j.muatan} -> {j.status}, "
                            f"Location: {kutip(j.lokasi, 100)} (tidak diikuti)")
    if gagal and not bukti:
        lain = f" (dan {len(gagal) - 1} lainnya)" if len(gagal) > 1 else ""
        raise TidakDapatDiuji(f"permintaan uji tidak terjawab: {gagal[0]}{lain}")
    return bukti_gabung(list(bukti.values()))
