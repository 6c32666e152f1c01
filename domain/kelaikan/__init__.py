"""Uji kelaikan (feasibility test): the pure rules, one package.

The service catalog SC-04/EGOTIK/2023 calls a web application feasible ("layak") only when it
passes six security tests: folder/file structure, data validation, authentication and session
management, input and error messages, the database management system, and "other" (use of an
application framework and of official e-mail). A stress test (uji beban) may be requested
beside them.

Modules, one idea each:

* :mod:`~domain.kelaikan.hasil`: categories, severities, findings (:class:`Temuan`), one
  category's result (:class:`HasilKategori`), why a check did not run.
* :mod:`~domain.kelaikan.verdict`: the verdict, why it is not LAYAK, the report
  (:class:`LaporanKelaikan`).
* :mod:`~domain.kelaikan.target`: what an approved request names (:class:`TargetUji`).
* :mod:`~domain.kelaikan.cek` and :mod:`~domain.kelaikan.registri`: how a check is declared
  (its observation and its pure judge), and the one registry (:data:`CEK`) of every check,
  declared once in the ``daftar_*`` modules.
* What the checks observe and plan to request, as plain data: :mod:`~domain.kelaikan.halaman`
  (a response), :mod:`~domain.kelaikan.pembanding` (the soft-404 baseline),
  :mod:`~domain.kelaikan.masukan` (forms and GET parameters the crawl found),
  :mod:`~domain.kelaikan.berkas` (the paths struktur asks for), :mod:`~domain.kelaikan.kiriman`
  (the payload plans of input_error), :mod:`~domain.kelaikan.login_gagal` (failed logins).
* The pure recognisers and judges of each category: :mod:`~domain.kelaikan.nilai_struktur`,
  :mod:`~domain.kelaikan.struktur` (exposed files), :mod:`~domain.kelaikan.validasi`,
  :mod:`~domain.kelaikan.pengalihan`, :mod:`~domain.kelaikan.unggah`,
  :mod:`~domain.kelaikan.nilai_masukan`, :mod:`~domain.kelaikan.injeksi`,
  :mod:`~domain.kelaikan.galat` and :mod:`~domain.kelaikan.pancingan` (error/debug pages),
  :mod:`~domain.kelaikan.rahasia` (secrets in comments and scripts),
  :mod:`~domain.kelaikan.sesi`, :mod:`~domain.kelaikan.dbms`, :mod:`~domain.kelaikan.lain`,
  :mod:`~domain.kelaikan.eol` (end-of-life table).

This package re-exports the public names other layers use, so ``from domain.kelaikan import
TargetUji`` keeps working.
"""

from domain.kelaikan.cek import Bukti, Butuh, Cek, CekDasar, TidakDapatDiuji
from domain.kelaikan.halaman import Halaman, urai
from domain.kelaikan.hasil import (
    ALASAN_BELUM_TERSEDIA,
    ALASAN_TANPA_AKUN,
    ALASAN_TANPA_DATA_BEBAN,
    ALASAN_TANPA_DB,
    ALASAN_TIDAK_DIMINTA,
    BOBOT_SEVERITY,
    KATEGORI,
    KATEGORI_KEAMANAN,
    LABEL_SEBAB,
    SEVERITY_GAGAL,
    TINDAKAN_PEMOHON,
    TINDAKAN_UMUM,
    HasilKategori,
    KategoriId,
    SebabTidakDiuji,
    Severity,
    StatusKategori,
    Temuan,
    Verdict,
    alasan_per_cek,
    hasil_kategori,
    kategori_tidak_diuji,
    nama_kategori,
    sebab_tidak_diuji,
    tindakan_pemohon,
)
from domain.kelaikan.pembanding import Pembanding
from domain.kelaikan.registri import CEK, DAFTAR_CEK, cek_kategori
from domain.kelaikan.target import SUFIKS_KEDINASAN, TargetUji, alamat_kedinasan
from domain.kelaikan.verdict import (
    DISENSOR,
    LaporanKelaikan,
    UjiTidakDapatDinilai,
    alasan_verdict,
    sensor,
    tentukan_verdict,
)

__all__ = [
    "ALASAN_BELUM_TERSEDIA", "ALASAN_TANPA_AKUN", "ALASAN_TANPA_DATA_BEBAN", "ALASAN_TANPA_DB",
    "ALASAN_TIDAK_DIMINTA", "BOBOT_SEVERITY", "CEK", "DAFTAR_CEK", "DISENSOR", "KATEGORI",
    "KATEGORI_KEAMANAN", "LABEL_SEBAB", "SEVERITY_GAGAL", "SUFIKS_KEDINASAN", "TINDAKAN_PEMOHON",
    "TINDAKAN_UMUM", "Bukti", "Butuh", "Cek", "CekDasar", "Halaman", "HasilKategori", "KategoriId",
    "LaporanKelaikan", "Pembanding",
    "SebabTidakDiuji", "Severity", "StatusKategori", "TargetUji", "Temuan",
    "TidakDapatDiuji", "UjiTidakDapatDinilai", "Verdict", "alamat_kedinasan", "alasan_per_cek",
    "alasan_verdict", "cek_kategori", "hasil_kategori", "kategori_tidak_diuji",
    "nama_kategori", "sebab_tidak_diuji", "sensor", "tentukan_verdict", "tindakan_pemohon", "urai",
]
