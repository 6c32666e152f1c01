"""What error and debug pages, and secrets left in pages, look like: the regex tables the
input_error, validasi_data and dbms checks recognise answers with. Pure functions of a page's
text, unit-tested on recorded pages of real software.
"""

from __future__ import annotations

import html
import re


def kutip(teks: str, panjang: int = 120) -> str:
    """``teks`` on one line, shortened to ``panjang`` characters, for evidence."""
    teks = " ".join(teks.split())
    return teks if len(teks) <= panjang else teks[: panjang - 1] + "…"


# --- database errors ----------------------------------------------------------------------------

GALAT_SQL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (nama, re.compile(pola, re.I)) for nama, pola in (
        ("MySQL/MariaDB", r"You have an error in your SQL syntax|check the manual that "
                          r"(?:corresponds to|fits) your (?:MySQL|MariaDB)|Unknown column '[^']*' "
                          r"in '|mysqli?_(?:query|fetch_\w+|num_rows)\(\)|MySqlException"
                          r"|com\.mysql\.jdbc|pymysql\.err|MySQLdb\._exceptions"),
        ("PDO", r"SQLSTATE\[\w+\]|PDOException"),
        ("CodeIgniter", r"A Database Error Occurred"),
        ("PostgreSQL", r"unterminated quoted string at or near|syntax error at or near \""
                       r"|pg_(?:query|exec)\(\)|PG::SyntaxError|org\.postgresql\.util\."
                       r"PSQLException|psycopg2?\.errors|Npgsql\."),
        ("SQL Server", r"Unclosed quotation mark after the character string|Incorrect syntax "
                       r"near|Microsoft OLE DB Provider for SQL Server|\[SQL Server\]"
                       r"|System\.Data\.SqlClient\.SqlException"),
        ("Oracle", r"\bORA-\d{5}\b|quoted string not properly terminated"),
        ("SQLite", r"SQLite3::|sqlite3\.OperationalError|SQLITE_ERROR|near \"[^\"]*\": syntax "
                   r"error|unrecognized token: "),
        ("ORM", r"ActiveRecord::StatementInvalid|django\.db\.utils\.\w+Error"
                r"|Illuminate\\Database\\QueryException|Doctrine\\DBAL\\"),
        ("DB2/Firebird", r"DB2 SQL error|Dynamic SQL Error"),
    )
)


def galat_sql(teks: str) -> dict[str, str]:
    """Database-error signature name -> an excerpt (tags removed), for each found."""
    hasil = {}
    for nama, pola in GALAT_SQL:
        m = pola.search(teks)
        if m:
            potongan = re.sub(r"<[^>]*>?", " ", teks[m.start():m.end() + 100])
            hasil[nama] = kutip(potongan, 140)
    return hasil



GALAT_DB: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (nama, re.compile(pola, re.I)) for nama, pola in (
        ("PDO/SQLSTATE", r"SQLSTATE\[\w+\]"),
        ("MySQL", r"You have an error in your SQL syntax|mysqli?_(?:connect|query|fetch_\w+|"
                  r"num_rows)\(\)|Access denied for user '[^']*'@|Unknown database '"
                  r"|MySQL server has gone away|Can't connect to (?:local )?MySQL server"),
        ("CodeIgniter", r"A Database Error Occurred|Unable to connect to your database server"),
        ("PostgreSQL", r"pg_(?:connect|query|exec)\(\)|PG::\w+Error|psql: error"
                       r"|could not connect to server: |FATAL: {1,2}(?:password authentication"
                       r"|database \"[^\"]+\" does not exist|role \"[^\"]+\" does not exist)"),
        ("SQL Server", r"Microsoft OLE DB Provider for SQL Server|\[Microsoft\]\[ODBC SQL Server"
                       r"|Unclosed quotation mark after the character string"),
        ("Oracle", r"\bORA-\d{5}\b"),
        ("SQLite", r"SQLite3::|sqlite3\.OperationalError|SQLITE_ERROR"),
        ("MongoDB", r"MongoError|MongoServerError|MongoNetworkError"),
    )
)

def galat_db(teks: str) -> list[tuple[str, str]]:
    hasil = []
    for nama, pola in GALAT_DB:
        m = pola.search(teks)
        if m:
            potongan = re.sub(r"<[^>]*>?", " ", teks[max(0, m.start() - 20):m.end() + 80])
            hasil.append((nama, " ".join(potongan.split())[:140]))
    return hasil



# --- debug pages ---------------------------------------------------------------------------------

TANDA_DEBUG: tuple[tuple[str, re.Pattern[str], bool], ...] = tuple(
    (nama, re.compile(pola, re.I | re.S), kritis) for nama, pola, kritis in (
        ("Django DEBUG = True", r"You(?:'|&#39;|&#x27;|&rsquo;|\u2019)re seeing this error\s+"
                                r"because\s+you\s+have\s+<code>DEBUG\s*=\s*True</code>"
                                r"|You are seeing this (?:page|message) because\s+"
                                r"(?:<a [^>]*>)?DEBUG\s*=\s*True",
         False),
        ("debugger/konsol Werkzeug", r"__debugger__=yes|Werkzeug Debugger|The debugger caught "
                                     r"an exception", True),
        ("Laravel Ignition (dapat menjalankan perintah)",
         r"\"can_execute_commands\"\s*:\s*true", True),
        ("Laravel Ignition", r"window\.ignite\b|@facade/ignition|spatie/laravel-ignition"
                             r"|\"can_execute_commands\"\s*:\s*false", False),
        ("Whoops (mode debug)", r"Whoops\\Handler|class=\"Whoops container\"", False),
        ("Symfony Profiler", r"<title>\s*Symfony Profiler|sf-toolbar-block|Symfony Web Debug "
                             r"Toolbar", False),
        ("Laravel Telescope", r"window\.Telescope\s*=|/vendor/telescope/app\.js", False),
        ("Rails (mode development)", r"Action Controller: Exception caught|Rails\.root:", False),
        ("CodeIgniter (ENVIRONMENT=development)", r"A PHP Error was encountered|An uncaught "
                                                   r"Exception was encountered"
                                                   r"|CodeIgniter\\Debug\\", False),
        ("Symfony (APP_DEBUG, halaman exception)", r"<title>[^<]*\(\d{3} [^)]*\)[^<]*</title>"
                                                   r".{0,4000}Symfony\\Component\\"
                                                   r"|class=\"exception-message-wrapper\"", False),
        ("Spring Boot (stack trace di halaman galat)",
         r"Whitelabel Error Page.{0,3000}?\bat (?:[\w.]+/)?(?:java|javax|org|com|jdk)\.[\w$.]+\(",
         False),
        ("ASP.NET (customErrors Off)", r"<b>\s*Stack Trace:\s*</b>|Version Information:\s*</b>"
                                       r"(?:&nbsp;|\s)*Microsoft \.NET", False),
        ("Express (NODE_ENV=development)", r"\bat Layer\.handle \[as handle_request\]"
                                           r"|/node_modules/express/lib/", False),
        ("phpinfo()", r"<title>phpinfo\(\)</title>", False),
    )
)


def tanda_debug(teks: str) -> list[tuple[str, bool]]:
    """(debug-page signature, whether it can run code) found in ``teks``."""
    return [(nama, kritis) for nama, pola, kritis in TANDA_DEBUG if pola.search(teks)]



# --- error pages --------------------------------------------------------------------------------

JEJAK_GALAT: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (nama, re.compile(pola, re.I)) for nama, pola in (
        ("traceback Python", r"Traceback \(most recent call last\)"),
        ("error PHP", r"<b>(?:Fatal error|Warning|Parse error|Notice)</b>:"
                      r"|(?:Fatal error|Parse error): .{0,300} on line \d+"),
        ("stack trace PHP", r"Stack trace:\s*(?:<br\s*/?>)?\s*#0"),
        ("stack trace Java", r"\bat [a-z][\w$]*(?:\.[\w$]+)+\([\w$]+\.java:\d+\)"),
        ("stack trace .NET", r"Server Error in '[^']*' Application|<b>\s*Stack Trace:\s*</b>"
                             r"|\bat [\w.]+\(.*\) in [A-Z]:\\[^:]+:line \d+"),
        ("stack trace Node.js", r"\bat (?:[\w.<>]+(?: \[as \w+\])? \()?(?:/|[A-Z]:\\)[^)\s<]+"
                                r"\.[cm]?js:\d+:\d+"),
        ("stack trace Ruby", r"\.rb:\d+:in [`'][\w <>!?]+'"),
        ("path server", r"/var/www/|/home/\w+/public_html/|/usr/share/nginx/|/srv/www/"
                        r"|[A-Z]:\\inetpub\\|[A-Z]:\\xampp\\"),
    )
)
_VERSI_GALAT = re.compile(
    r"\b(?:Apache(?:-Coyote)?/\d+\.\d+[\w.\-]*(?: \([^)<]{1,30}\))?|nginx/\d+\.\d+[\w.]*"
    r"|Microsoft-IIS/\d+\.\d+|Apache Tomcat/\d+\.\d+[\w.\-]*|PHP/\d+\.\d+[\w.\-]*"
    r"|Jetty\(\d[\w.\-]*\)|openresty/\d[\w.]*|LiteSpeed/\d[\w.]*|Werkzeug/\d[\w.]*"
    r"|Python/\d\.\d+[\w.]*|ASP\.NET Version:\s*\d[\w.]*)"
)


_KUERI = re.compile(r"((?:SELECT|INSERT|UPDATE|DELETE|WITH)\s[^<>\n\"]{8,160})", re.I)


def kueri_terungkap(teks: str) -> str | None:
    """The SQL statement a verbose database error shows (shortened), or None: a statement
    after a database error's usual labels (``(SQL: ``, ``SQL:``, ``Query:``...)."""
    for m in _KUERI.finditer(teks):
        sebelum = teks[max(0, m.start() - 40):m.start()]
        if re.search(r"(?:\(SQL:|\bSQL:|Query:|query was:|statement:|SQL query:|<pre>)\s*$",
                     sebelum, re.I):
            return kutip(html.unescape(m.group(1)).rstrip(" )"), 120)
    return None


def jejak_galat(teks: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(signature name, excerpt) of the stack-trace/error signatures in ``teks``, and the
    software versions it names."""
    jejak = []
    for nama, pola in JEJAK_GALAT:
        m = pola.search(teks)
        if m:
            potongan = re.sub(r"<[^>]*>?", " ", teks[m.start():m.end() + 100])
            jejak.append((nama, kutip(potongan)))
    versi = list(dict.fromkeys(m.group(0) for m in _VERSI_GALAT.finditer(teks)))[:4]
    return jejak, versi


# the secrets recogniser moved to its own module; its old name stays importable here
from domain.kelaikan.rahasia import rahasia_komentar  # noqa: E402

__all__ = ["rahasia_komentar"]
