"""When a product's release cycle stops receiving security fixes: the end-of-life table
the dbms and the lain_lain checks judge versions against.

End-of-life table (:data:`EOL`)
    ``product -> {release cycle: last day of security support}``. A version belongs to the
    longest cycle that is a prefix of it on whole components (``5.4.16`` -> ``5.4``,
    ``10.11.19`` -> ``10.11``, ``9.6.24`` -> ``9.6``, else ``9``). A cycle is end-of-life on
    and after its date. Products are named as the Wappalyzer fingerprint data names them
    (``PHP``, ``Apache HTTP Server``) or, for databases, as the banner probe does.
    Sources, read 2026-11: the vendors' published support policies (php.net "Supported
    Versions", httpd.apache.org, MariaDB Foundation maintenance policy, MySQL lifetime
    support, PostgreSQL versioning policy, MongoDB lifecycle schedule, Elastic product
    end-of-life dates, djangoproject.com, laravel.com release notes, Drupal/Joomla
    announcements) as compiled by endoflife.date. Redis 2-4 have no published date: the
    date there is the release of the second major version after it (Redis maintains the
    latest and the previous major). Only cycles whose date is known are listed: a version
    not in the table is never called end-of-life.
"""

from __future__ import annotations

from datetime import date

# --- End of life ----------------------------------------------------------------------------

def _t(teks: str) -> date:
    return date.fromisoformat(teks)


EOL: dict[str, dict[str, date]] = {
    # languages, web servers, libraries, frameworks (Wappalyzer names)
    "PHP": {
        "4": _t("2008-08-08"), "5.0": _t("2005-09-05"), "5.1": _t("2006-08-24"),
        "5.2": _t("2011-01-06"), "5.3": _t("2014-08-14"), "5.4": _t("2015-09-03"),
        "5.5": _t("2016-07-21"), "5.6": _t("2018-12-31"), "7.0": _t("2019-01-10"),
        "7.1": _t("2019-12-01"), "7.2": _t("2020-11-30"), "7.3": _t("2021-12-06"),
        "7.4": _t("2022-11-28"), "8.0": _t("2023-11-26"), "8.1": _t("2025-12-31"),
        "8.2": _t("2026-12-31"), "8.3": _t("2027-12-31"), "8.4": _t("2028-12-31"),
    },
    "Apache HTTP Server": {
        "1.3": _t("2010-02-03"), "2.0": _t("2013-07-10"), "2.2": _t("2017-07-11"),
    },
    "Microsoft IIS": {
        "6.0": _t("2015-07-14"), "7.0": _t("2020-01-14"), "7.5": _t("2020-01-14"),
        "8.0": _t("2023-10-10"), "8.5": _t("2023-10-10"),
    },
    "Apache Tomcat": {
        "6": _t("2016-12-31"), "7": _t("2021-03-31"), "8.0": _t("2018-06-30"),
        "8.5": _t("2024-03-31"),
    },
    "OpenSSL": {
        "0.9.8": _t("2015-12-31"), "1.0.0": _t("2015-12-31"), "1.0.1": _t("2016-12-31"),
        "1.0.2": _t("2019-12-31"), "1.1.0": _t("2019-09-11"), "1.1.1": _t("2023-09-11"),
        "3.0": _t("2026-09-07"),
    },
    "Python": {
        "2": _t("2020-01-01"), "3.6": _t("2021-12-23"), "3.7": _t("2023-06-27"),
        "3.8": _t("2024-10-07"), "3.9": _t("2025-10-31"),
    },
    "jQuery": {"1": _t("2016-06-09"), "2": _t("2016-06-09")},
    "AngularJS": {"1": _t("2021-12-31")},
    "Bootstrap": {"2": _t("2013-08-19"), "3": _t("2019-07-24"), "4": _t("2023-01-01")},
    "Django": {
        "1": _t("2020-04-01"), "2": _t("2022-04-11"), "3.0": _t("2021-04-06"),
        "3.1": _t("2021-12-07"), "3.2": _t("2024-04-01"), "4.0": _t("2023-04-01"),
        "4.1": _t("2023-12-01"), "4.2": _t("2026-04-30"), "5.0": _t("2025-04-02"),
        "5.1": _t("2025-12-31"),
    },
    "Laravel": {
        "4": _t("2015-06-09"), "5": _t("2020-02-26"), "6": _t("2022-09-06"),
        "7": _t("2021-03-03"), "8": _t("2023-01-24"), "9": _t("2024-02-06"),
        "10": _t("2025-02-07"), "11": _t("2026-03-12"),
    },
    "CodeIgniter": {"1": _t("2011-01-28"), "2": _t("2015-10-31")},
    "Drupal": {"6": _t("2016-02-24"), "7": _t("2025-01-05"), "8": _t("2021-11-02"),
               "9": _t("2023-11-01")},
    "Joomla": {"1": _t("2012-12-31"), "2": _t("2014-12-31"), "3": _t("2023-08-17"),
               "4": _t("2025-10-17")},
    # databases (names as the banner probes report them)
    "MySQL": {
        "5.0": _t("2012-01-09"), "5.1": _t("2013-12-31"), "5.5": _t("2018-12-31"),
        "5.6": _t("2021-02-28"), "5.7": _t("2023-10-31"), "8.0": _t("2026-04-30"),
    },
    "MariaDB": {
        "5.5": _t("2020-04-11"), "10.0": _t("2019-03-31"), "10.1": _t("2020-10-17"),
        "10.2": _t("2022-05-23"), "10.3": _t("2023-05-25"), "10.4": _t("2024-06-18"),
        "10.5": _t("2025-06-24"), "10.6": _t("2026-07-06"), "10.11": _t("2028-02-16"),
        "11.4": _t("2029-05-29"),
    },
    "PostgreSQL": {
        "8": _t("2014-07-24"), "9.0": _t("2015-10-08"), "9.1": _t("2016-10-27"),
        "9.2": _t("2017-11-09"), "9.3": _t("2018-11-08"), "9.4": _t("2020-02-13"),
        "9.5": _t("2021-02-11"), "9.6": _t("2021-11-11"), "10": _t("2022-11-10"),
        "11": _t("2023-11-09"), "12": _t("2024-11-21"), "13": _t("2025-11-13"),
        "14": _t("2026-11-12"), "15": _t("2027-11-11"), "16": _t("2028-11-09"),
        "17": _t("2029-11-08"),
    },
    "Redis": {
        "2": _t("2017-07-14"), "3": _t("2018-10-17"), "4": _t("2020-04-30"),
        "5": _t("2022-04-27"), "6.0": _t("2022-05-31"),
    },
    "MongoDB": {
        "3": _t("2021-04-30"), "4.0": _t("2022-04-30"), "4.2": _t("2023-04-30"),
        "4.4": _t("2024-02-29"), "5.0": _t("2024-10-31"), "6.0": _t("2025-07-31"),
    },
    "Elasticsearch": {
        "5": _t("2019-03-11"), "6": _t("2022-02-10"), "7": _t("2026-01-15"),
    },
}


def siklus_eol(produk: str, versi: str | None, pada: date) -> tuple[str, date] | None:
    """The end-of-life release cycle of ``produk`` ``versi`` as of ``pada``, or None when
    the version is supported, unknown, or not in :data:`EOL`."""
    if not versi:
        return None
    tabel = EOL.get(produk)
    if not tabel:
        return None
    bagian = [b for b in versi.strip().split(".") if b]
    for n in range(len(bagian), 0, -1):
        siklus = ".".join(bagian[:n])
        if siklus in tabel:
            tanggal = tabel[siklus]
            return (siklus, tanggal) if pada >= tanggal else None
    return None
