"""Which link a document is shown with, and whether it is the issuer's own page.

A document's ``urls`` give the issuer's pages (``official_zh``, ``official_en``) and secondary copies.
The link shown is the issuer's page when the file holds one on a government host; otherwise the best
secondary copy: another government page first, then a news agency or a legal publisher, then any other
site, and a code repository or a web mirror last. Whatever is shown says which of the two it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Link", "choose_link", "is_government"]

#: Hosts (and their subdomains) of the Chinese government and the legislature.
_GOVERNMENT = ("gov.cn", "npc.gov.cn", "customs.gov.cn", "most.gov.cn", "miit.gov.cn")
#: News agencies, official media and legal publishers: copies a reader can trust to be faithful.
_REPUTABLE = (
    "news.cn", "xinhuanet.com", "people.com.cn", "chinadaily.com.cn", "globaltimes.cn", "cctv.com",
    "cgtn.com", "cri.cn", "chinanews.com.cn", "chinajusticeobserver.com", "lexiscn.com", "pkulaw.cn",
    "pkulaw.com", "reuters.com", "bloomberg.com", "apnews.com", "scmp.com", "shine.cn", "caixin.com",
    "yicai.com", "thepaper.cn", "udn.com", "hk01.com", "squirepattonboggs.com", "kwm.com", "kslaw.com",
    "whitecase.com", "hoganlovells.com", "bakermckenzie.com", "mayerbrown.com", "crowell.com",
    "deloitte.com", "pwc.com", "kpmg.com", "ey.com", "jetro.go.jp", "nasdaq.com", "hkcd.com", "ft.com",
    "wsj.com", "nikkei.com", "asia.nikkei.com", "english.news.cn", "sputniknews.cn", "chinabriefing.com",
    "china-briefing.com", "dezshira.com", "lexology.com", "jdsupra.com", "mondaq.com",
)  # fmt: skip
#: Code repositories and page mirrors: shown only when nothing else is held.
_LAST = ("github.com", "gitlab.com", "pages.dev", "cdurl.cn", "web.archive.org", "archive.ph")


@dataclass(frozen=True)
class Link:
    """The address shown for a document and whether it is the issuer's own page."""

    url: str
    official: bool


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").casefold()


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith(f".{d}") for d in domains)


def _web(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in ("http", "https")


def is_government(url: str) -> bool:
    """True for a page on a Chinese government host (``*.gov.cn``)."""
    return _under(_host(url), _GOVERNMENT)


def choose_link(official: list[str | None], secondary: list[str]) -> Link | None:
    """The link to show: the issuer's page if one is held on a government host, else the best copy.
    Only ``http(s)`` addresses are ever shown (a ``javascript:`` or ``file:`` one is dropped)."""
    official = [u for u in official if u and _web(u)]
    secondary = [u for u in secondary if _web(u)]
    for url in official:
        if url and is_government(url):
            return Link(url, True)
    copies = [u for u in official if u] + list(secondary)
    if not copies:
        return None

    def rank(url: str) -> int:
        host = _host(url)
        if _under(host, _GOVERNMENT):
            return 0
        if _under(host, _REPUTABLE):
            return 1
        return 3 if _under(host, _LAST) else 2

    return Link(min(copies, key=rank), False)
