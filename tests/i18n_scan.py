"""Find user-visible German text that is not marked for translation.

Templates: every Jinja expression and tag is replaced by a placeholder, then the remaining HTML
is parsed; text nodes and user-visible attributes that still contain words are unmarked.
Python: WTForms labels, validator messages, flash() and error texts must go through gettext, and
any other string literal that reads as German prose is reported.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "\x00"
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description", "label"}
# Words that are the same in every language of the interface (names, formats, units).
NEUTRAL_WORDS = {
    "wegbegleiter",
    "pdf",
    "csv",
    "xlsx",
    "ical",
    "qr",
    "id",
    "ok",
    "e-mail",
    "email",
    "de",
    "en",
    "fte",
    "vk",
    "url",
    "json",
    "htmx",
    "totp",
    "im",
}
WORD = re.compile(r"[^\W\d_][\w\-’']*", re.UNICODE)


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.replace(PLACEHOLDER, " ")) if len(w) > 1]


def _unmarked(text: str) -> bool:
    return any(w.lower() not in NEUTRAL_WORDS for w in _words(text))


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and _unmarked(value):
                self.found.append(f'{name}="{value.replace(PLACEHOLDER, "…")}"')
            is_button = tag == "input" and dict(attrs).get("type") in ("submit", "button")
            if name == "value" and is_button and value and _unmarked(value):
                self.found.append(f'value="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and _unmarked(data):
            self.found.append(" ".join(data.replace(PLACEHOLDER, "…").split()))


def template_strings(path: Path, env: Environment | None = None) -> list[str]:
    """Unmarked visible texts of one template."""
    env = env or Environment(extensions=["jinja2.ext.i18n"])
    source = path.read_text(encoding="utf-8")
    parts: list[str] = []
    for _lineno, token, value in env.lex(source):
        if token == "data":
            parts.append(value)
        elif token in ("variable_begin", "block_begin"):
            parts.append(PLACEHOLDER)
    collector = _TextCollector()
    collector.feed("".join(parts))
    collector.close()
    return collector.found


# --- Python ------------------------------------------------------------------------------------

# A literal that is not interface text (a password deny-list, a data value) says so on its line.
OPT_OUT = "# i18n: not ui"
GETTEXT_NAMES = {
    "_",
    "_l",
    "N_",
    "gettext",
    "lazy_gettext",
    "ngettext",
    "lazy_ngettext",
    "pgettext",
    "lazy_pgettext",
}
VALIDATORS = {
    "DataRequired",
    "InputRequired",
    "Optional",
    "Length",
    "NumberRange",
    "Email",
    "EqualTo",
    "Regexp",
    "AnyOf",
    "NoneOf",
    "URL",
    "ValidationError",
    "StopValidation",
}
GERMAN = re.compile(
    r"[äöüÄÖÜß]|\b(der|die|das|und|nicht|bitte|ist|sind|ein|eine|einen|für|mit|von|zum|zur|"
    r"oder|wurde|wurden|kein|keine|noch|schon|wird|werden|haben|hat)\b",
    re.IGNORECASE,
)


def _name(node: ast.AST | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return None


def python_strings(path: Path) -> list[str]:
    """Unmarked user-visible literals of one module, as 'line: text'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside_gettext: set[int] = set()
    docstrings: set[int] = set()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and _literal_text(body[0].value) is not None:
                docstrings.add(id(body[0].value))
        if isinstance(node, ast.Call) and _name(node.func) in GETTEXT_NAMES:
            for child in ast.walk(node):
                inside_gettext.add(id(child))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in inside_gettext:
            continue
        name = _name(node.func)
        candidates: list[ast.AST] = []
        appends_error = name == "append" and _name(getattr(node.func, "value", None)) == "errors"
        if name == "flash" or name.endswith("Field") or name == "Select" or appends_error:
            candidates = node.args[:1] + [k.value for k in node.keywords if k.arg == "label"]
        if name.endswith("Field") or name == "Select":
            candidates += [k.value for k in node.keywords if k.arg == "description"]
        if name in VALIDATORS:
            candidates = list(node.args) + [k.value for k in node.keywords if k.arg == "message"]
        for candidate in candidates:
            text = _literal_text(candidate)
            if text and _unmarked(text) and id(candidate) not in inside_gettext:
                found.append((candidate.lineno, text))
                inside_gettext.add(id(candidate))
    for node in ast.walk(tree):
        text = _literal_text(node) if isinstance(node, (ast.Constant, ast.JoinedStr)) else None
        if (
            text
            and id(node) not in inside_gettext
            and id(node) not in docstrings
            and GERMAN.search(text)
            and _unmarked(text)
        ):
            found.append((node.lineno, text))
            inside_gettext.add(id(node))
            for child in ast.walk(node):
                inside_gettext.add(id(child))
    lines = [line.lower() for line in path.read_text(encoding="utf-8").splitlines()]
    return [
        f"{line}: {text}"
        for line, text in sorted(set(found))
        if OPT_OUT not in lines[line - 1].lower()
    ]


# --- static JavaScript -------------------------------------------------------------------------

# Scripts cannot call gettext: their texts come from the page (templates/base.html, #ui-texts)
# or from the server (the service worker's SETTINGS). A string literal in a script that reads
# as prose, is German, or is written straight into the page is reported.
JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`')
JS_LINE_COMMENT = re.compile(r"(^|\s)//.*$", re.MULTILINE)
JS_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
JS_SINK = re.compile(
    r"(?:\.(?:textContent|innerText|title|placeholder)\s*=|\b(?:alert|confirm|prompt)\()\s*$"
)
JS_NOT_TEXT = re.compile(
    r"(?:className\s*=|classList\.\w+\(|setAttribute\(|querySelector\w*\()\s*$"
)
JS_PROSE = re.compile(r"[^\W\d_]{2,}[,:.!?]? [^\W\d_]{2,}")
JS_WORD_TITLE = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+[:.!?]?")
JS_SPACED_WORD = re.compile(r"[^\W\d_]{2,} |\s[^\W\d_]{2,}")


def _js_visible(literal: str, before: str) -> bool:
    body = literal[1:-1]
    has_markup = bool(re.search(r"<[a-z/][^>]*>", body))
    text = re.sub(r"\$\{[^}]*\}", PLACEHOLDER, body)  # template substitutions
    text = re.sub(r"<[^>]*>", PLACEHOLDER, text)  # markup built in the script
    if not _words(text) or JS_NOT_TEXT.search(before):
        return False
    return bool(
        GERMAN.search(text)
        or JS_PROSE.search(text)
        or JS_SINK.search(before)
        or JS_WORD_TITLE.fullmatch(text.strip())
        or has_markup
        or (PLACEHOLDER in text and JS_SPACED_WORD.search(text))
    )


def script_strings(path: Path) -> list[str]:
    """Unmarked user-visible literals of one script, as 'line: text'."""
    source = JS_BLOCK_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), path.read_text("utf-8"))
    source = JS_LINE_COMMENT.sub(r"\1", source)
    found = []
    for match in JS_STRING.finditer(source):
        before = source[source.rfind("\n", 0, match.start()) + 1 : match.start()]
        if _js_visible(match.group(), before):
            line = source.count("\n", 0, match.start()) + 1
            found.append(f"{line}: {match.group()[1:-1]}")
    return found
