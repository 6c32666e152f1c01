"""The portal application: ``buat_app(settings)`` builds it, uvicorn serves it (``lpa up``).

``uvicorn --factory portal.app:buat_app`` starts it with the settings of the environment.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal import keamanan
from portal.templating import halaman
from settings import Settings, get_settings
from store import db

log = logging.getLogger("lpa.portal")

STATIC = Path(__file__).resolve().parent / "static"

DESKRIPSI_API = (
    "API layanan pembangunan aplikasi (SC-04/EGOTIK/2023) Diskominfo Provinsi Kepulauan "
    "Bangka Belitung, untuk portal instansi atau bot percakapan. Setiap pemanggil memakai "
    "token API instansinya (`Authorization: Bearer <token>`) yang dibuat operator dengan "
    "`lpa token buat`; sebuah token hanya melihat tiket instansinya sendiri."
)


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def buat_app(settings: Settings | None = None) -> FastAPI:
    """The portal for ``settings`` (default: the environment's), its store brought up to
    date, its routers included."""
    settings = settings or get_settings()
    db.upgrade(settings.store_url)
    app = FastAPI(
        title="API Layanan Pembangunan Aplikasi", version="1",
        description=DESKRIPSI_API, docs_url=None, redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.penanda = keamanan.penanda(settings)
    app.state.pembatas = keamanan.Pembatas()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
    def favicon() -> FileResponse:
        """Every browser asks for it on its first page; a day in its cache."""
        return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.middleware("http")
    async def _header_keamanan(request: Request, call_next):  # noqa: ANN202
        return keamanan.pasang_header(await call_next(request))

    @app.exception_handler(keamanan.Ditolak)
    async def _ditolak(request: Request, exc: keamanan.Ditolak) -> Response:
        keamanan.audit_penolakan(request, exc.alasan, status=exc.status_code)
        if _api(request):
            return JSONResponse({"detail": exc.pesan}, exc.status_code, headers=exc.header)
        respons = halaman(request, "galat.html", {"judul": _JUDUL.get(exc.status_code,
                                                                       "Permintaan ditolak"),
                                                    "pesan": exc.pesan}, exc.status_code)
        respons.headers.update(exc.header)
        return respons

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _api(request):
            return JSONResponse({"detail": _PESAN.get(exc.status_code, exc.detail)},
                                exc.status_code, headers=getattr(exc, "headers", None))
        return halaman(request, "galat.html",
                       {"judul": _JUDUL.get(exc.status_code, "Permintaan tidak dapat dilayani"),
                        "pesan": _PESAN.get(exc.status_code, "Permintaan tidak dapat dilayani.")},
                       exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _tidak_sah(request: Request, exc: RequestValidationError) -> Response:
        from portal.rute_api import galat_permintaan

        if _api(request):
            return JSONResponse({"errors": galat_permintaan(exc)}, 422)
        return halaman(request, "galat.html", {"judul": "Permintaan tidak sah",
                                               "pesan": _PESAN[400]}, 400)

    @app.exception_handler(Exception)
    async def _galat(request: Request, exc: Exception) -> Response:
        try:
            keamanan.catat_galat(settings, exc, request)
        except Exception:  # noqa: BLE001 - the person still gets the page
            log.exception("portal error log not written")
        if _api(request):
            return keamanan.pasang_header(JSONResponse({"detail": _PESAN[500]}, 500))
        try:
            return keamanan.pasang_header(halaman(
                request, "galat.html", {"judul": _JUDUL[500], "pesan": _PESAN[500]}, 500))
        except Exception:  # noqa: BLE001
            return keamanan.pasang_header(Response(_PESAN[500], 500, media_type="text/plain"))

    from portal import rute_api, rute_lacak, rute_permohonan

    app.include_router(rute_permohonan.router)
    app.include_router(rute_lacak.router)
    app.include_router(rute_api.router)
    from portal import rute_keputusan, rute_masuk, rute_operator, sesi

    sesi.pasang(app)  # request.state.pengguna: the signed-in staff member, or None
    app.include_router(rute_keputusan.router)
    app.include_router(rute_masuk.router)
    app.include_router(rute_operator.router)
    return app


_JUDUL = {
    400: "Permintaan tidak sah",
    401: "Perlu masuk",
    403: "Akses ditolak",
    404: "Halaman tidak ditemukan",
    405: "Metode tidak diizinkan",
    409: "Bentrok",
    413: "Berkas terlalu besar",
    415: "Jenis berkas tidak diterima",
    429: "Terlalu banyak permintaan",
    500: "Terjadi kesalahan",
}
_PESAN = {
    400: "Permintaan ini tidak dapat dibaca. Kembali ke halaman sebelumnya dan coba lagi.",
    401: "Permintaan ini memerlukan token API yang sah.",
    403: "Anda tidak berhak membuka halaman ini.",
    404: "Halaman yang Anda cari tidak ada. Periksa alamatnya, atau mulai dari beranda.",
    405: "Halaman ini tidak menerima permintaan dengan cara tersebut.",
    500: "Maaf, terjadi kesalahan pada layanan. Kesalahan ini sudah dicatat untuk petugas; "
         "silakan coba lagi beberapa saat lagi.",
}
