"""A small shop application of one web stack, for the tests of the error and debug pages.

``ContohGalat(tumpukan, aman)`` serves, on 127.0.0.1, a start page linking to
``/produk?id=7``. The vulnerable twin (``aman=False``) answers the requests a tester sends
(an unknown path, ``id`` as an array, a quote after the number, a malformed encoding) with
that stack's own debug or error page, written after the real one: the Werkzeug debugger,
Django's ``DEBUG = True`` pages, Laravel's Ignition with a ``QueryException`` that shows its
SQL, Symfony's exception page, Spring Boot's Whitelabel page with a stack trace, ASP.NET's
yellow screen, Express in development, Rails' development pages. The hardened twin answers
them with plain 400/404 pages; its stack shows nowhere, except Spring Boot's well-known
``/actuator/health`` (both twins). Standard library only.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TUMPUKAN = ("werkzeug", "django", "laravel", "symfony", "spring", "aspnet", "express", "rails")


def _werkzeug(path: str, nilai: str) -> tuple[int, str]:
    return 500, f"""<!doctype html>
<html lang=en><head><title>ValueError: invalid literal for int() with base 10: \
&#39;{html.escape(nilai)}&#39; // Werkzeug Debugger</title>
<link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css">
<script>var CONSOLE_MODE = false, EVALEX = true, EVALEX_TRUSTED = false,
SECRET = "kL3n9QpX2";</script></head><body><div class="debugger">
<h1>ValueError</h1><div class="detail"><p class="errormsg">ValueError: invalid literal for
int() with base 10: &#39;{html.escape(nilai)}&#39;</p></div>
<h2 class="traceback">Traceback <em>(most recent call last)</em></h2>
<div class="traceback"><h3></h3><ul><li><div class="frame" id="frame-1">
<h4>File <cite class="filename">"/srv/toko/app.py"</cite>, line <em class="line">41</em>,
in <code class="function">produk</code></h4></div></li></ul>
<blockquote>Traceback (most recent call last):
  File "/srv/toko/app.py", line 41, in produk
ValueError: invalid literal for int() with base 10</blockquote></div>
<div class="footer">Brought to you by <strong class="arthur">DON'T PANIC</strong>, your
friendly Werkzeug powered traceback interpreter.</div></div></body></html>"""


def _django(path: str, nilai: str) -> tuple[int, str]:
    if path == "/produk":
        return 500, f"""<!DOCTYPE html><html lang="en"><head><title>ValueError at /produk
</title></head><body><div id="summary"><h1>ValueError at /produk</h1>
<pre class="exception_value">Field &#x27;id&#x27; expected a number but got \
&#x27;{html.escape(nilai)}&#x27;.</pre><table class="meta"><tr><th>Django Version:</th>
<td>4.2.7</td></tr><tr><th>Python Version:</th><td>3.11.2</td></tr></table></div>
<div id="traceback"><textarea id="traceback_area">Traceback (most recent call last):
  File "/srv/toko/produk/views.py", line 12, in detail
</textarea></div><div id="explanation"><p>You&#x27;re seeing this error because you have
<code>DEBUG = True</code> in your Django settings file.</p></div></body></html>"""
    return 404, f"""<!DOCTYPE html><html lang="en"><head><title>Page not found at {path}
</title></head><body><div id="summary"><h1>Page not found <span>(404)</span></h1></div>
<div id="info"><p>Using the URLconf defined in <code>toko.urls</code>, Django tried these URL
patterns, in this order:</p><ol><li>admin/</li><li>produk</li></ol></div>
<div id="explanation"><p>You&#x27;re seeing this error because you have <code>DEBUG =
True</code> in your Django settings file.</p></div></body></html>"""


def _laravel(path: str, nilai: str) -> tuple[int, str]:
    if path != "/produk":
        return 404, """<!doctype html><html class="theme-light"><head><title>Not Found</title>
</head><body><div id="app"></div><script>window.data = {"report":{"exception_class":\
"Symfony\\\\Component\\\\HttpKernel\\\\Exception\\\\NotFoundHttpException",\
"application_path":"/var/www/toko"},"config":{"can_execute_commands":false}};</script>
<script>window.ignite(window.data);</script></body></html>"""
    sql = f"select * from `produk` where `id` = {nilai} limit 1"
    return 500, f"""<!doctype html><html class="theme-light"><head><title>Illuminate\\Database\\
QueryException</title></head><body><div id="app"></div>
<script>window.data = {{"report":{{"exception_class":"Illuminate\\\\Database\\\\QueryException",
"message":"SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your \
SQL syntax (SQL: {html.escape(sql)})","application_path":"/var/www/toko"}},
"config":{{"can_execute_commands":false,"editor":"phpstorm"}}}};</script>
<script>window.ignite(window.data);</script></body></html>"""


def _symfony(path: str, nilai: str) -> tuple[int, str]:
    return 500, f"""<!DOCTYPE html><html><head><title>Invalid value &quot;{html.escape(nilai)}\
&quot; (500 Internal Server Error)</title></head><body><div class="exception-summary">
<div class="exception-message-wrapper"><h1 class="break-long-words exception-message">
Invalid value</h1></div></div><div class="trace trace-as-html">
<span class="trace-class">Symfony\\Component\\HttpKernel\\HttpKernel</span>-&gt;handleRaw()
in <span class="block trace-file-path">/var/www/toko/vendor/symfony/http-kernel/\
HttpKernel.php</span> (line 163)</div></body></html>"""


def _spring(path: str, nilai: str) -> tuple[int, str]:
    return 500, f"""<html><body><h1>Whitelabel Error Page</h1><p>This application has no
explicit mapping for /error, so you are seeing this as a fallback.</p>
<div id='created'>Sat Dec 05 10:12:01 WIB 2026</div><div>There was an unexpected error
(type=Internal Server Error, status=500).</div><div>For input string: \
&quot;{html.escape(nilai)}&quot;</div><div style='white-space:pre-wrap;'>\
java.lang.NumberFormatException: For input string: &quot;{html.escape(nilai)}&quot;
	at java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)
	at java.base/java.lang.Long.parseLong(Long.java:711)
	at id.toko.ProdukController.detail(ProdukController.java:31)
</div></body></html>"""


def _aspnet(path: str, nilai: str) -> tuple[int, str]:
    return 500, """<html><head><title>Input string was not in a correct format.</title></head>
<body bgcolor="white"><span><H1>Server Error in '/' Application.<hr width=100% size=1
color=silver></H1><h2> <i>Input string was not in a correct format.</i> </h2></span>
<b> Exception Details: </b>System.FormatException: Input string was not in a correct
format.<br><br><b>Source File: </b> C:\\inetpub\\toko\\Produk.aspx.cs<b> &nbsp;&nbsp; Line:
</b> 24<br><br><b>Stack Trace:</b> <br><br><table width=100% bgcolor="#ffffcc"><tr><td>
<code><pre>[FormatException: Input string was not in a correct format.]
   System.Number.StringToNumber(String str, NumberStyles options) +9591147
   Toko.Produk.Page_Load(Object sender, EventArgs e) in C:\\inetpub\\toko\\Produk.aspx.cs:\
line 24
</pre></code></td></tr></table><hr width=100% size=1 color=silver><b>Version
Information:</b>&nbsp;Microsoft .NET Framework Version:4.0.30319; ASP.NET
Version:4.8.4494.0</body></html>"""


def _express(path: str, nilai: str) -> tuple[int, str]:
    if path != "/produk":
        return 404, f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error
</title></head><body><pre>Cannot GET {html.escape(path)}</pre></body></html>"""
    return 500, """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error
</title></head><body><pre>TypeError: Cannot read properties of undefined (reading \
&#39;nama&#39;)<br> &nbsp; &nbsp;at /srv/toko/routes/produk.js:14:28<br> &nbsp; &nbsp;at \
Layer.handle [as handle_request] (/srv/toko/node_modules/express/lib/router/layer.js:95:5)\
</pre></body></html>"""


def _rails(path: str, nilai: str) -> tuple[int, str]:
    if path != "/produk":
        return 404, f"""<!DOCTYPE html><html><head><title>Action Controller: Exception caught
</title></head><body><header><h1>Routing Error</h1></header><div id="container">
<h2>No route matches [GET] &quot;{html.escape(path)}&quot;</h2>
<p><code>Rails.root: /srv/toko</code></p></div></body></html>"""
    return 500, f"""<!DOCTYPE html><html><head><title>Action Controller: Exception caught
</title></head><body><header><h1>ActiveRecord::StatementInvalid in ProdukController#show
</h1></header><div class="exception-message"><div class="message">PG::InvalidText\
Representation: ERROR:  invalid input syntax for type bigint: &quot;{html.escape(nilai)}\
&quot;</div></div><pre>SQL: SELECT &quot;produk&quot;.* FROM &quot;produk&quot; WHERE \
&quot;produk&quot;.&quot;id&quot; = $1 LIMIT $2</pre><p><code>Rails.root: /srv/toko</code></p>
<pre>app/controllers/produk_controller.rb:8:in `show&#39;</pre></body></html>"""


_HALAMAN_GALAT = {"werkzeug": _werkzeug, "django": _django, "laravel": _laravel,
                  "symfony": _symfony, "spring": _spring, "aspnet": _aspnet,
                  "express": _express, "rails": _rails}


class ContohGalat:
    """``with ContohGalat("django", aman=False) as app: app.url``."""

    def __init__(self, tumpukan: str, aman: bool) -> None:
        if tumpukan not in _HALAMAN_GALAT:
            raise ValueError(f"tumpukan: one of {TUMPUKAN}")
        self.tumpukan, self.aman = tumpukan, aman
        aplikasi = self

        class _Penangan(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                bagian = urlsplit(self.path)
                query = parse_qs(bagian.query)
                nilai = unquote((query.get("id") or [""])[0], errors="replace")
                if bagian.path == "/actuator/health" and aplikasi.tumpukan == "spring":
                    self._kirim(200, '{"status":"UP"}', "application/json")
                elif bagian.path == "/":
                    self._kirim(200, "<html><body><h1>Toko Daerah</h1><a href=\"/produk?id=7\">"
                                     "Produk unggulan</a></body></html>")
                elif bagian.path == "/produk" and nilai.isdigit() and "id[]" not in query:
                    self._kirim(200, f"<html><body><h1>Produk {nilai}</h1></body></html>")
                elif aplikasi.aman:
                    galat = 400 if bagian.path == "/produk" else 404
                    self._kirim(galat, f"<html><body><h1>{galat}</h1><p>Permintaan tidak "
                                       "dapat dilayani.</p></body></html>")
                else:
                    status, isi = _HALAMAN_GALAT[aplikasi.tumpukan](bagian.path,
                                                                    nilai or "Array")
                    self._kirim(status, isi)

            def _kirim(self, status: int, isi: str, jenis: str = "text/html; charset=utf-8",
                       ) -> None:
                data = isi.encode()
                self.send_response(status)
                self.send_header("Content-Type", jenis)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Penangan)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._benang = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> ContohGalat:
        self._benang.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._benang.join(timeout=10)
