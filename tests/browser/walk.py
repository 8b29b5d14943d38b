"""The page walk at 360 px: every page of the bottom navigation and one level of links from
those pages, each checked for width, touch targets, axe and the other interface language.

Shared by tests/browser/test_page_walk.py and bench/phone_layout.py. One browser context per
role; a route pattern (ids replaced) is visited once per role, so a list of 300 households
costs one household page, not 300.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlparse

from tests.browser.conftest import PHONE
from tests.browser.layout import SMALL_TARGETS_JS

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
# Not pages: files, feeds and the sign-out (a POST anyway).
SKIPPED_ENDINGS = (".pdf", ".xlsx", ".csv", ".ics", ".json", ".js", ".png", ".svg")
SKIPPED_PARTS = ("/logout", "/static/", "/export", "/download", "/calendar/", "/feed")
TOKEN = re.compile(r"^(\d+|[A-Za-z0-9_-]{20,})$")  # ids and kiosk/calendar tokens

# Every link in the page's main area and the bottom bar, in document order.
LINKS_JS = """
() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.hasAttribute('download') && !a.closest('.sr-only'))
  .map(a => a.href)
"""

# Text the interface shows, one entry per element (its own text nodes joined) plus the visible
# attributes. Text inside an element with its own lang (a client document's translation, the
# name of a language in that language) belongs to that language, not the interface's; text
# marked translate=no (a technical key) to none.
TEXTS_JS = """
() => {
  const page = document.documentElement.lang;
  const out = [];
  const foreign = el => { const l = el.closest('[lang]'); return l && l.lang !== page; };
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(el.tagName) || foreign(el)) continue;
    if (el.closest('[translate=no]')) continue;  // identifiers: the same in every language
    if (!el.checkVisibility({visibilityProperty: true}) && el.tagName !== 'OPTION') continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join(' ')
      .replace(/\\s+/g, ' ').trim();
    const where = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    if (own) out.push({where, text: own});
    for (const attr of ['placeholder', 'title', 'aria-label', 'alt']) {
      if (el.getAttribute(attr)) out.push({where: where + '@' + attr, text: el.getAttribute(attr)});
    }
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type) && el.value) {
      out.push({where: where + '@value', text: el.value});
    }
  }
  return out;
}
"""
WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


@dataclass
class Finding:
    url: str
    width: int = 0
    small: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    status: int = 200


def pattern(url: str) -> str:
    """/households/17/contacts?page=2 -> /households/{}/contacts?page: one visit per kind."""
    parts = urlparse(url)
    path = "/".join("{}" if TOKEN.match(p) else p for p in parts.path.split("/"))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def walkable(url: str, origin: str) -> bool:
    parts = urlparse(url)
    return (
        f"{parts.scheme}://{parts.netloc}" == origin
        and not parts.path.endswith(SKIPPED_ENDINGS)
        and not any(part in parts.path for part in SKIPPED_PARTS)
    )


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)s", " ", text))}


@cache
def vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """(German-only words, English-only words) of the interface's bilingual texts: the
    catalogues, the count sheet's rows and the indicator catalogue. A word of a German text
    that no English text uses is German, and the other way round."""
    import csv

    from babel.messages.pofile import read_po

    from app.indicators.catalogue import CATALOGUE

    app = Path(__file__).resolve().parents[2] / "app"
    pairs: list[tuple[str, str]] = []
    with open(app / "translations" / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        for message in read_po(handle):
            if message.id:
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strs = message.string if isinstance(message.string, tuple) else (message.string,)
                pairs += [(" ".join(ids), " ".join(strs))]
    with open(app / "indicators" / "countsheet_layout.csv", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter=";")
        pairs += [(row["label_de"], row["label_en"]) for row in rows]
    for spec in CATALOGUE:
        pairs += [(spec.de, spec.en)] + [(de, en) for _, de, en in spec.options]
    german = set().union(*(_words(de) for de, _ in pairs))
    english = set().union(*(_words(en) for _, en in pairs))
    return frozenset(german - english), frozenset(english - german)


class TypedData:
    """What people typed or imported (names, notes, addresses), by word: text of the seeded
    data may be in any language and is never the interface's. Catalogue tables whose default
    labels the interface translates (topics, indicators) are not data."""

    CATALOGUES = ("contact_topic", "indicator", "indicator_option")
    CODE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")  # status/kind/role codes are not typed text

    def __init__(self, connection, extra: list[str] = ()) -> None:
        from sqlalchemy import String, Text, select

        from app.extensions import db

        self.by_word: dict[str, set[str]] = {}
        values = list(extra)
        for table in db.metadata.sorted_tables:
            if table.name in self.CATALOGUES:
                continue
            for column in table.columns:
                if isinstance(column.type, (String, Text)):
                    found = connection.execute(select(column).distinct()).scalars()
                    # A code (home_visit) is no typed text, but a user name (manager) is.
                    keep = column.name in ("username", "email")
                    values += [v for v in found if v and (keep or not self.CODE.match(v))]
        for value in values:
            for word in _words(value):
                self.by_word.setdefault(word, set()).add(value)

    def explains(self, word: str, text: str) -> bool:
        """The word of this page text comes from a typed value shown in it verbatim."""
        return any(value in text for value in self.by_word.get(word, ()))


def leaks(texts: list[dict], locale: str, data: TypedData | None = None) -> list[str]:
    """Texts of the page in the other interface language: an entry with a word that only the
    other language uses, unless the word belongs to typed data shown in that entry."""
    german, english = vocabulary()
    other = english if locale.startswith("de") else german
    found = []
    for entry in texts:
        words = _words(entry["text"]) & other
        if data is not None:
            words = {w for w in words if not data.explains(w, entry["text"])}
        if words:
            found.append(f"{entry['where']}: {entry['text'][:80]} ({', '.join(sorted(words))})")
    return found


def check(page, url: str, locale: str, *, axe: bool, data: TypedData | None) -> Finding | None:
    """Open url and measure it; None when it is not an HTML page (a file, a download)."""
    try:
        response = page.goto(url)
    except Exception as error:  # a download starts instead of a page
        if "Download is starting" in str(error):
            return None
        raise
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return None
    finding = Finding(url=page.url, status=response.status)
    finding.width = page.evaluate("document.documentElement.scrollWidth")
    finding.small = page.evaluate(SMALL_TARGETS_JS)
    finding.leaks = leaks(page.evaluate(TEXTS_JS), locale, data)
    if axe:
        page.add_script_tag(path=str(AXE))
        finding.axe = page.evaluate(RUN_AXE, AXE_TAGS)
    return finding


def walk(
    page,
    start: list[str],
    locale: str,
    *,
    depth: int = 1,
    data: TypedData | None = None,
    seen: set[str] | None = None,
    axed: set[str] | None = None,
) -> list[Finding]:
    """Check the start pages and every page up to `depth` links away from them, one page per
    pattern: not one already in `seen` (shared by the walks of one role), except that a start
    page is always opened. With `axed` (shared by all roles), axe runs once per pattern."""
    origin = "{0.scheme}://{0.netloc}".format(urlparse(page.url))
    seen = set() if seen is None else seen
    findings: list[Finding] = []
    level = [urljoin(page.url, url) for url in start]
    for distance in range(depth + 1):
        further: list[str] = []
        for url in level:
            url = url.split("#")[0]
            key = pattern(url)
            if not walkable(url, origin) or (key in seen and (distance or url in seen)):
                continue
            seen.update((key, url))
            finding = check(page, url, locale, axe=axed is None or key not in axed, data=data)
            if finding is None:
                continue
            if axed is not None:
                axed.add(key)
            findings.append(finding)
            if distance < depth:
                further += page.evaluate(LINKS_JS)
        level = further
    return findings


def problems(findings: list[Finding]) -> list[str]:
    """Everything that breaks the rules, one line each (empty when the walk is clean)."""
    lines = []
    for f in findings:
        path = urlparse(f.url).path + (f"?{urlparse(f.url).query}" if urlparse(f.url).query else "")
        if f.status >= 400:
            lines.append(f"{path}: answered {f.status}")
        if f.width > PHONE["width"]:
            lines.append(f"{path}: {f.width} px wide")
        lines += [f"{path}: {t['tag']} '{t['text']}' {t['w']}x{t['h']}" for t in f.small]
        lines += [f"{path}: axe {v['id']} ({v['impact']}) {v['nodes']}" for v in f.axe]
        lines += [f"{path}: other language: {leak}" for leak in f.leaks]
    return lines


# --- the walk of every role over the demo county (the test and bench/phone_layout.py) ----------
STAFF = ("admin", "teamleitung", "manager")
ROLES = (*STAFF, "empfang", "ehrenamt")


def new_context(browser, base: str, locale: str):
    # bypass_csp lets the walk inject axe; the app's own pages never need inline scripts.
    return browser.new_context(
        viewport=PHONE,
        base_url=base,
        locale=locale,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
        service_workers="block",  # every page from the server, never an offline copy
    )


def case_pages() -> list[str]:
    """Casework, a plan with goals and an indicator sheet with values, of a household of the
    first team (the one of "manager" and "teamleitung"): deeper than two links from the bar.
    Call inside an app context."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.extensions import db
    from app.households.models import Household
    from app.indicators.models import IndicatorValue
    from app.plans.models import Goal, IntegrationPlan

    team_id = db.session.scalar(select(User.team_id).where(User.username == "manager"))
    plan_id, household_id = db.session.execute(
        select(IntegrationPlan.id, IntegrationPlan.household_id)
        .join(Household, Household.id == IntegrationPlan.household_id)
        .join(Goal, Goal.plan_id == IntegrationPlan.id)
        .where(Household.team_id == team_id)
        .order_by(IntegrationPlan.id)
        .limit(1)
    ).one()
    person_id = db.session.scalar(
        select(IndicatorValue.person_id)
        .join(Household, Household.id == IndicatorValue.household_id)
        .where(Household.team_id == team_id, IndicatorValue.person_id.is_not(None))
        .order_by(IndicatorValue.person_id)
        .limit(1)
    )
    return [
        f"/households/{household_id}/casework",
        f"/plans/{plan_id}",
        f"/persons/{person_id}/indicators",
    ]


def walk_everyone(
    browser,
    base: str,
    locale: str,
    *,
    password: str,
    kiosk_path: str,
    cases: list[str],
    data: TypedData | None,
) -> dict[str, list[Finding]]:
    """Every role's bottom navigation two links deep (staff also `cases` one link deep), then
    signed out: sign-in, finder (with an answer) and the kiosk device. One context each; axe
    once per page pattern."""
    axed: set[str] = set()
    found: dict[str, list[Finding]] = {}
    for username in ROLES:
        context = new_context(browser, base, locale)
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        nav = page.eval_on_selector_all("nav.bottom a[href]", "links => links.map(a => a.href)")
        seen: set[str] = set()
        findings = walk(page, nav, locale, depth=2, data=data, seen=seen, axed=axed)
        if username in STAFF:
            findings += walk(page, cases, locale, depth=1, data=data, seen=seen, axed=axed)
        found[username] = findings
        context.close()
    context = new_context(browser, base, locale)
    page = context.new_page()
    page.goto("/zustaendigkeit")
    town = page.eval_on_selector_all("#municipality_id option", "o => o.map(x => x.value)")[1]
    public = ["/login", "/zustaendigkeit", f"/zustaendigkeit?municipality_id={town}"]
    findings = walk(page, public, locale, depth=1, data=data, axed=axed)
    page.goto(kiosk_path)  # enrols the device and opens its desk
    if urlparse(page.url).path.startswith("/desk/"):
        findings += walk(page, [page.url], locale, depth=1, data=data, axed=axed)
    found["public"] = findings
    context.close()
    return found
