"""The input_error checks that send something to a GET parameter, and the secrets check, as
"observe, then a pure judge" (issue 13): each judge on recorded observations (one that must
give the finding, with its evidence; one that must not), an observation's JSON round-trip, the
plans' bounds, and the Werkzeug debugger page that reflects the marker only inside an HTML
comment (recorded from a real Flask application in debug mode: no reflected XSS).

The observers themselves are tested against the fixture applications in
tests/test_kelaikan_struktur_input.py and tests/test_kelaikan_injeksi.py.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from kelaikan_bantu import cepat, jalankan_cek, rekaman  # noqa: F401 - cepat: an autouse fixture

from domain.kelaikan import CEK, TidakDapatDiuji
from domain.kelaikan.halaman import Halaman
from domain.kelaikan.injeksi import MUATAN_TRAVERSAL, komentar_html, pantulan_terbuka
from domain.kelaikan.kiriman import (
    AWALAN_HEADER_UJI,
    RENCANA,
    JawabanParameter,
    KepalaJawaban,
    Kiriman,
    ObservasiParameter,
    cukup,
    rencana_aritmetika,
    rencana_crlf,
    rencana_kutip,
    rencana_pantulan,
    rencana_templat,
    rencana_traversal,
)
from domain.kelaikan.masukan import TitikGet
from domain.kelaikan.rahasia import ObservasiRahasia, skrip_dimuat

BASIS = "http://127.0.0.1:8000"
"""The origin the judged observations pretend to come from (the recordings are origin-free)."""


def _jenis(r: dict[str, Any]) -> str:
    """The recorded response's Content-Type."""
    return next(v for k, v in r["headers"] if k.lower() == "content-type")


def _halaman(teks: str, path: str = "/x", status: int = 200,
             jenis: str = "text/html; charset=utf-8") -> Halaman:
    return Halaman(method="GET", url=f"{BASIS}{path}", status=status,
                   headers=[("content-type", jenis)], text=teks)


def _titik(path: str = "/cari", nama: str = "q", nilai: str = "izin") -> TitikGet:
    return TitikGet(url=f"{BASIS}{path}", params=[(nama, nilai)], nama=nama, asal="/",
                    url_asli=f"{BASIS}{path}?{nama}={nilai}")


def _obs(*jawaban: JawabanParameter) -> ObservasiParameter:
    return ObservasiParameter(jawaban=list(jawaban))


def _bukti(cek_id: str, obs: Any) -> list[str]:
    return [t.evidence for t in CEK[cek_id].nilai_temuan(obs, None)]


def _pulang_pergi(obs: Any) -> Any:
    """The observation recorded as JSON and read back."""
    return type(obs).model_validate_json(obs.model_dump_json())


# --- input_error.refleksi_canary ----------------------------------------------------------------

def _pantulan(teks: str, status: int = 200, t: TitikGet | None = None) -> tuple[
        ObservasiParameter, str]:
    t = t or _titik()
    k = rencana_pantulan(BASIS + "/", [_halaman(f'<a href="{t.url_asli}">c</a>', "/")])[0]
    k = k.model_copy(update={"titik": t, "alamat": t.dengan(k.nilai)})
    netral = re.sub("-{2,}", "-", k.nilai)  # as Werkzeug writes a comment: no "--" left
    jawaban = _halaman(teks.replace("PENANDA", k.nilai).replace("NETRAL", netral), t.path,
                       status)
    return _obs(JawabanParameter(kiriman=k, halaman=jawaban)), k.penanda


def _debugger_flask(penanda: str) -> tuple[str, str]:
    """The Werkzeug debugger page recorded from Flask in debug mode (``/hitung?n=x``), with
    the marker where Werkzeug writes the value: escaped in the page, raw in the closing HTML
    comment (the plain-text traceback, where Werkzeug turns ``--`` into ``-``)."""
    r = rekaman("flask-debug", "500_nilai")
    teks = r["body"]
    assert teks.count("'x'") == 1 and teks.count("&#39;x&#39;") == 4
    nilai = repr(penanda)  # ValueError: invalid literal for int() with base 10: '...'
    teks = teks.replace("'x'", re.sub("-{2,}", "-", nilai)).replace("&#39;x&#39;",
                                                                   html.escape(nilai))
    return teks, _jenis(r)


def test_a_marker_only_inside_the_werkzeug_debuggers_html_comment_is_no_finding() -> None:
    obs, mentah = _pantulan("")
    penanda = obs.jawaban[0].kiriman.nilai
    teks, jenis = _debugger_flask(penanda)
    h = _halaman(teks, "/hitung?n=" + penanda, 500, jenis)
    obs = _obs(obs.jawaban[0].model_copy(update={"halaman": h}))
    # the raw marker is in the page (a check that only looks for it would report XSS) ...
    assert mentah in h.text and h.html
    (awal, akhir), = komentar_html(h.text)
    assert awal < h.text.index(mentah) < akhir and h.text.rstrip().endswith("-->")
    # ... but only inside the comment, which the marker cannot leave
    assert pantulan_terbuka(h.text, mentah) == -1
    assert _bukti("input_error.refleksi_canary", obs) == []
    assert _bukti("input_error.refleksi_canary", _pulang_pergi(obs)) == []


def test_the_same_debugger_page_reflecting_the_marker_in_its_text_is_a_finding() -> None:
    obs, mentah = _pantulan("")
    penanda = obs.jawaban[0].kiriman.nilai
    teks, jenis = _debugger_flask(penanda)
    teks = teks.replace('<p class="errormsg">', f'<p class="errormsg">{penanda} ', 1)
    obs = _obs(obs.jawaban[0].model_copy(update={"halaman": _halaman(teks, "/hitung", 500,
                                                                      jenis)}))
    bukti, = _bukti("input_error.refleksi_canary", obs)
    assert bukti.startswith(f"GET /cari parameter 'q' -> 500: penanda {mentah} kembali tanpa "
                            "encoding (di halaman: ")
    assert "errormsg" in bukti  # the place outside the comment, not the traceback in it


@pytest.mark.parametrize("teks", [
    "<p>Hasil pencarian untuk: PENANDA</p>",  # text
    '<input name="q" value="PENANDA">',  # attribute
    "<script>var q = 'PENANDA';</script>",  # script
    "<!-- q: NETRAL --><p>Hasil: PENANDA</p>",  # in a comment and in the text
    "<script>/* <!-- */ var q = 'PENANDA';</script>",  # '<!--' inside a script is script
])
def test_a_marker_back_in_text_attribute_or_script_is_a_finding(teks: str) -> None:
    obs, mentah = _pantulan(teks)
    bukti, = _bukti("input_error.refleksi_canary", obs)
    assert f"GET /cari parameter 'q' -> 200: penanda {mentah} kembali tanpa encoding" in bukti
    assert _bukti("input_error.refleksi_canary", _pulang_pergi(obs)) == [bukti]


def test_a_comment_the_markers_arrow_leaves_is_a_finding() -> None:
    # the value written into a comment as it came: its "-->" ends the comment there
    obs, mentah = _pantulan("<!-- dicari: PENANDA --><p>Hasil</p>")
    assert "-->" + mentah in obs.jawaban[0].kiriman.nilai
    bukti, = _bukti("input_error.refleksi_canary", obs)
    assert f"penanda {mentah} kembali tanpa encoding" in bukti
    # with "--" turned into "-" (Werkzeug's closing comment), it stays inside: no finding
    netral, _ = _pantulan("<!-- dicari: NETRAL --><p>Hasil</p>")
    assert _bukti("input_error.refleksi_canary", netral) == []


@pytest.mark.parametrize("teks", [
    "<p>Hasil pencarian untuk: lpa&lt;x&gt;</p>",  # encoded
    "<!-- q: NETRAL -->",  # only in a comment that does not let "-->" through
    "<p>a</p><!-- q: NETRAL",  # an unclosed comment runs to the end
])
def test_an_encoded_or_commented_marker_is_no_finding(teks: str) -> None:
    obs, _ = _pantulan(teks)
    assert _bukti("input_error.refleksi_canary", obs) == []


def test_a_marker_in_a_json_answer_is_no_finding() -> None:
    obs, _ = _pantulan('{"q": "PENANDA"}')
    h = obs.jawaban[0].halaman
    assert h is not None
    obs = _obs(obs.jawaban[0].model_copy(update={"halaman": h.model_copy(update={
        "headers": [("content-type", "application/json")]})}))
    assert _bukti("input_error.refleksi_canary", obs) == []


# --- input_error.galat_sql ----------------------------------------------------------------------

def _kutip(jawaban: Halaman, dasar: Halaman) -> ObservasiParameter:
    t = _titik("/izin", "id", "3")
    k, = rencana_kutip(BASIS, [_halaman(f'<a href="{t.url_asli}">i</a>', "/")])
    return _obs(JawabanParameter(kiriman=k, halaman=jawaban, dasar=dasar))


def test_a_database_error_after_the_quote_is_a_finding() -> None:
    galat = _halaman("<b>Error</b>: You have an error in your SQL syntax; check the manual "
                     "that corresponds to your MariaDB server version", "/izin", 500)
    obs = _kutip(galat, _halaman("<p>Izin 3</p>", "/izin?id=3"))
    bukti, = _bukti("input_error.galat_sql", obs)
    assert bukti.startswith("GET /izin parameter 'id' = '3\\'\"' -> 500: MySQL/MariaDB: "
                            "'You have an error in your SQL syntax")
    assert _bukti("input_error.galat_sql", _pulang_pergi(obs)) == [bukti]


@pytest.mark.parametrize("aplikasi", ["flask-aman", "flask-debug", "php-debug", "php-aman"])
def test_real_answers_to_a_quote_without_database_error_are_no_finding(aplikasi: str) -> None:
    r = rekaman(aplikasi, "500_kutip")
    jawaban = _halaman(r["body"], r["path"], r["status"], _jenis(r))
    assert _bukti("input_error.galat_sql", _kutip(jawaban, _halaman("<p>ok</p>"))) == []


def test_a_database_error_the_baseline_shows_too_is_no_finding() -> None:
    galat = _halaman("SQLSTATE[HY000] [2002] koneksi gagal")
    assert _bukti("input_error.galat_sql", _kutip(galat, galat)) == []


# --- input_error.evaluasi_templat ---------------------------------------------------------------

def _templat(teks: str) -> tuple[ObservasiParameter, Kiriman]:
    k = rencana_templat(BASIS + "/", [])[0]  # no parameter found: the start page's ?q=
    return _obs(JawabanParameter(kiriman=k, halaman=_halaman(
        teks.replace("PENANDA", k.penanda).replace("HASIL", k.hasil)
        .replace("MUATAN", html.escape(k.nilai)), "/"))), k


def test_the_product_after_the_marker_is_a_finding() -> None:
    obs, k = _templat("<p>Pratinjau: PENANDAaHASILb${1*2}c</p>")
    bukti, = _bukti("input_error.evaluasi_templat", obs)
    assert bukti == (f"GET / parameter 'q' = {k.nilai!r} -> 200: hasil perkalian {k.hasil} "
                     "muncul setelah penanda")
    assert _bukti("input_error.evaluasi_templat", _pulang_pergi(obs)) == [bukti]


@pytest.mark.parametrize("teks", ["<p>Pratinjau: MUATAN</p>", "<p>HASIL</p><p>PENANDA</p>"])
def test_the_expression_reflected_as_written_is_no_finding(teks: str) -> None:
    obs, _ = _templat(teks)
    assert _bukti("input_error.evaluasi_templat", obs) == []


# --- input_error.injeksi_header -----------------------------------------------------------------

def _crlf(*kepala: KepalaJawaban | None) -> tuple[ObservasiParameter, Kiriman]:
    t = _titik("/bahasa", "kembali", "/")
    k, = rencana_crlf(BASIS, [_halaman(f'<a href="{t.url_asli}">b</a>', "/")])
    return _obs(*(JawabanParameter(kiriman=k, kepala=h, terputus=h is None)
                  for h in kepala)), k


def test_the_canary_as_a_header_line_of_its_own_is_a_finding() -> None:
    probe, k = _crlf(None)
    assert k.penanda.startswith(AWALAN_HEADER_UJI) and k.nilai == f"/\r\n{k.penanda}: lpa"
    obs, _ = _crlf(KepalaJawaban(status=302, headers=[("Location", "/"),
                                                      (k.penanda, "lpa")]))
    obs = _obs(*(j.model_copy(update={"kiriman": k}) for j in obs.jawaban))
    bukti, = _bukti("input_error.injeksi_header", obs)
    assert bukti == (f"GET /bahasa parameter 'kembali' = '/%0D%0A{k.penanda}: lpa' -> 302: "
                     f"header sisipan muncul di jawaban: '{k.penanda}: lpa'")
    assert _bukti("input_error.injeksi_header", _pulang_pergi(obs)) == [bukti]


def test_the_canary_inside_another_header_or_a_dropped_connection_is_no_finding() -> None:
    obs, k = _crlf(None)
    assert _bukti("input_error.injeksi_header", obs) == []
    dilipat = KepalaJawaban(status=302, headers=[("Location", f"/ {k.penanda}: lpa")])
    obs = _obs(JawabanParameter(kiriman=k, kepala=dilipat))
    assert _bukti("input_error.injeksi_header", obs) == []


# --- input_error.traversal_path -----------------------------------------------------------------

def _traversal(*teks_status: tuple[str, int]) -> ObservasiParameter:
    t = _titik("/unduh", "berkas", "panduan.pdf")
    kiriman = rencana_traversal(BASIS, [_halaman(f'<a href="{t.url_asli}">u</a>', "/")])
    return _obs(*(JawabanParameter(kiriman=k, halaman=_halaman(teks, "/unduh", status))
                  for k, (teks, status) in zip(kiriman, teks_status, strict=False)))


def test_a_line_of_the_system_file_is_a_finding() -> None:
    passwd = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\n"
    obs = _traversal(("<p>Berkas tidak ditemukan</p>", 200), (passwd, 200))
    assert [cukup(j) for j in obs.jawaban] == [False, True]  # the observer stops there
    bukti, = _bukti("input_error.traversal_path", obs)
    assert bukti == (f"GET /unduh parameter 'berkas' = {MUATAN_TRAVERSAL[1]!r} -> 200: isi "
                     "berkas sistem tampil ('root:x:0:0:root:/root:/bin/bash')")
    assert _bukti("input_error.traversal_path", _pulang_pergi(obs)) == [bukti]


def test_no_system_file_or_an_error_status_is_no_finding() -> None:
    r = rekaman("php-aman", "404")
    obs = _traversal(*[(r["body"], r["status"])] * 4,)
    assert _bukti("input_error.traversal_path", obs) == []
    obs = _traversal(("root:x:0:0:root:/root:/bin/bash", 404))  # the path echoed on a 404
    assert _bukti("input_error.traversal_path", obs) == []


# --- input_error.injeksi_sql_angka --------------------------------------------------------------

def _aritmetika(asli: str, lain: str, hitung: str) -> ObservasiParameter:
    t = _titik("/izin", "id", "3")
    k, = rencana_aritmetika(BASIS, [_halaman(f'<a href="{t.url_asli}">i</a>', "/")])
    assert (k.nilai, k.pembanding) == ("4-1", "4")
    return _obs(JawabanParameter(kiriman=k, dasar=_halaman(asli, "/izin?id=3"),
                                 pembanding=_halaman(lain, "/izin?id=4"),
                                 halaman=_halaman(hitung, "/izin?id=4-1")))


def test_the_expression_showing_the_first_page_is_a_finding() -> None:
    obs = _aritmetika("<p>Izin 0003</p>", "<p>Izin 0004</p>", "<div>Izin  0003</div>")
    bukti, = _bukti("input_error.injeksi_sql_angka", obs)
    assert bukti == ("GET /izin parameter 'id' = '4-1' -> 200 menampilkan isi yang sama dengan "
                     "id=3, bukan id=4: ekspresi dihitung oleh basis data")
    assert _bukti("input_error.injeksi_sql_angka", _pulang_pergi(obs)) == [bukti]


@pytest.mark.parametrize("asli,lain,hitung", [
    ("<p>Izin</p>", "<p>Izin</p>", "<p>Izin</p>"),  # the parameter does not matter
    ("<p>Izin 0003</p>", "<p>Izin 0004</p>", "<p>Izin 0004</p>"),  # 4-1 read as 4 (intval)
    ("<p>Izin 0003</p>", "<p>Izin 0004</p>", "<p>Tidak ditemukan</p>"),  # refused
])
def test_an_expression_not_computed_is_no_finding(asli: str, lain: str, hitung: str) -> None:
    assert _bukti("input_error.injeksi_sql_angka", _aritmetika(asli, lain, hitung)) == []


# --- a request that got no answer: only its check is not tested ---------------------------------

def test_a_failed_request_makes_its_check_not_tested_with_the_place_named() -> None:
    t = _titik("/izin", "id", "3")
    k, = rencana_kutip(BASIS, [_halaman(f'<a href="{t.url_asli}">i</a>', "/")])
    obs = _obs(JawabanParameter(kiriman=k, gagal="melewati batas waktu"))
    with pytest.raises(TidakDapatDiuji, match=r"^GET /izin parameter 'id': melewati batas"):
        CEK["input_error.galat_sql"].nilai_temuan(_pulang_pergi(obs), None)


# --- input_error.komentar_rahasia ---------------------------------------------------------------

def test_secrets_in_comments_inline_scripts_and_script_files() -> None:
    beranda = _halaman('<!-- password: Rahasia#2019 --><script src="/js/app.js"></script>'
                       '<script src="/js/jquery.min.js"></script>', "/")
    assert skrip_dimuat([beranda]) == [f"{BASIS}/js/app.js"]
    skrip = _halaman("var c = {kataSandi: 'Operator#2023'};", "/js/app.js",
                     jenis="application/javascript")
    obs = ObservasiRahasia(halaman=[beranda], skrip=[skrip])
    bukti, = _bukti("input_error.komentar_rahasia", obs)
    assert bukti == ("GET / -> 200: komentar HTML memuat 'password' berisi nilai (nilai "
                     "disensor); GET /js/app.js -> 200: skrip memuat 'kataSandi' berisi nilai "
                     "(nilai disensor)")
    assert "Rahasia#2019" not in bukti and "Operator#2023" not in bukti
    assert _bukti("input_error.komentar_rahasia", _pulang_pergi(obs)) == [bukti]


@pytest.mark.parametrize("aplikasi", ["django-debug", "django-aman", "flask-debug", "php-debug"])
def test_real_pages_carry_no_secret(aplikasi: str) -> None:
    halaman = []
    for nama in ("beranda", "login"):
        r = rekaman(aplikasi, nama)
        halaman.append(_halaman(r["body"], r["path"], r["status"]))
    assert _bukti("input_error.komentar_rahasia", ObservasiRahasia(halaman=halaman)) == []


def test_a_script_not_read_makes_the_secrets_check_not_tested() -> None:
    obs = ObservasiRahasia(halaman=[_halaman("<p>a</p>", "/")],
                           gagal="GET /js/app.js: melewati batas waktu")
    with pytest.raises(TidakDapatDiuji, match="GET /js/app.js"):
        CEK["input_error.komentar_rahasia"].nilai_temuan(_pulang_pergi(obs), None)


# --- the plans ----------------------------------------------------------------------------------

def test_the_plans_are_bounded_and_ordered_as_the_probes_were() -> None:
    tautan = "".join(f'<a href="/h{i}?id={i}&amp;berkas=a{i}.pdf&amp;next=/">x</a>'
                     for i in range(10))
    halaman = [_halaman(tautan, "/")]
    banyak = {nama: len(rencana(BASIS, halaman)) for nama, rencana in RENCANA.items()}
    assert banyak == {"pantulan": 6, "kutip_sql": 5, "templat": 5, "crlf": 6,
                      "traversal": 3 * 4, "aritmetika": 3}
    crlf = [k.titik.nama for k in rencana_crlf(BASIS, halaman)]
    assert crlf[:3] == ["next"] * 3  # redirect-like parameters first
    assert "next" not in {k.titik.nama for k in rencana_kutip(BASIS, halaman)}
    assert {k.titik.nama for k in rencana_traversal(BASIS, halaman)} == {"berkas"}
    encoded = [k.alamat for k in rencana_traversal(BASIS, halaman) if "%2f" in k.nilai]
    assert encoded and all("..%2f..%2f" in a for a in encoded)  # sent as written
    # no parameter found: the marker and the expression still go to the start page's ?q=
    assert [k.titik.url_asli for k in rencana_pantulan(BASIS + "/", [])] == [f"{BASIS}/?q="]
    assert rencana_kutip(BASIS + "/", []) == [] and rencana_crlf(BASIS + "/", []) == []


# --- the real Flask application in debug mode ---------------------------------------------------

@pytest.mark.lambat  # an application in a subprocess
def test_real_flask_debugger_reflecting_the_marker_in_its_comment_is_no_finding() -> None:
    import asyncio

    import aplikasi_nyata as an

    from domain.kelaikan import TargetUji

    alasan = an.tersedia("flask")
    if alasan:
        pytest.skip(alasan)
    amatan: dict[str, Any] = {}
    with an.flask(debug=True) as app:
        temuan = asyncio.run(jalankan_cek(["input_error.refleksi_canary"],
                                          TargetUji(url=app.url), amatan))
    assert temuan == {"input_error.refleksi_canary": []}
    hitung = [j for j in amatan["pantulan"].jawaban if j.kiriman.titik.path == "/hitung"]
    h = hitung[0].halaman
    assert h is not None and h.status == 500 and "Werkzeug Debugger" in h.text
    assert hitung[0].kiriman.penanda in h.text  # raw, but only inside the closing comment
    assert pantulan_terbuka(h.text, hitung[0].kiriman.penanda) == -1


# --- the observer on a real server: stages and failures stay local -----------------------------

def test_a_hanging_answer_marks_only_its_plan_and_a_proof_ends_a_parameters_traversal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import time
    from urllib.parse import parse_qs, urlsplit

    import bantu
    from kelaikan_bantu import amati

    from domain.kelaikan import TargetUji
    from tasks.kelaikan import klien as kelaikan_http

    diminta: list[str] = []

    class _Situs(bantu.Penangan):
        """``/izin?id=`` hangs on a quote; ``/unduh?berkas=`` shows /etc/passwd to any
        traversal."""

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            diminta.append(self.path)
            bagian = urlsplit(self.path)
            nilai = " ".join(v for vs in parse_qs(bagian.query).values() for v in vs)
            if bagian.path == "/izin" and "'" in nilai:
                time.sleep(4)
            isi = ('<a href="/izin?id=3">izin</a><a href="/unduh?berkas=a.pdf">unduh</a>'
                   if bagian.path == "/" else
                   "root:x:0:0:root:/root:/bin/bash" if ".." in nilai else f"<p>{bagian.path}</p>")
            data = isi.encode()
            self.kirim(200, data)


    monkeypatch.setattr(kelaikan_http, "BATAS_WAKTU_PERMINTAAN", 1.0)
    with bantu.server_web(_Situs) as url:
        target = TargetUji(url=url)
        amatan: dict[str, Any] = {}
        for nama in ("kutip_sql", "traversal", "aritmetika"):
            asyncio.run(amati(nama, target, amatan))
    # the quote to /izin got no answer: recorded, galat_sql not tested, naming the place
    gagal, = amatan["kutip_sql"].jawaban
    assert gagal.gagal and gagal.halaman is None
    with pytest.raises(TidakDapatDiuji, match=r"^GET /izin parameter 'id': "):
        CEK["input_error.galat_sql"].nilai_temuan(amatan["kutip_sql"], target)
    # the other plans are whole and judged
    assert _bukti("input_error.injeksi_sql_angka", amatan["aritmetika"]) == []
    bukti, = _bukti("input_error.traversal_path", amatan["traversal"])
    assert bukti.startswith(f"GET /unduh parameter 'berkas' = {MUATAN_TRAVERSAL[0]!r} -> 200")
    # the first spelling showed the file: the other three were never sent
    assert len(amatan["traversal"].jawaban) == 1
    assert len([p for p in diminta if p.startswith("/unduh?berkas=..")]) == 1
