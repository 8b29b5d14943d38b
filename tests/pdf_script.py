"""Reading rendered client documents back: lines in logical order, bidi run direction,
Arabic-script shaping and font subsetting, from the PDF itself (pdfplumber, pypdf)."""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections import defaultdict

import pdfplumber
from pypdf import PdfReader

_RTL_SCRIPT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LATIN_OR_CYRILLIC = re.compile("[A-Za-z\u00c0-\u024f\u0400-\u04ff]")


def strip_marks(text: str) -> str:
    """Without combining marks (harakat: separate glyphs placed over a letter, their x
    position says nothing about order) and format characters (the zero-width non-joiner of
    Persian, which draws no glyph)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf"))


def visual_lines(pdf: bytes) -> list[list[dict]]:
    """Characters grouped by baseline (page by page, top to bottom), as drawn. Arabic and
    Latin glyphs of one line share the baseline but not the box top, hence the matrix."""
    result = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            lines: dict[float, list[dict]] = defaultdict(list)
            for char in page.chars:
                lines[round(char["matrix"][5], 0)].append(char)
            for baseline in sorted(lines, reverse=True):
                result.append(sorted(lines[baseline], key=lambda c: c["x0"]))
    return result


def is_rtl_line(chars: list[dict]) -> bool:
    text = "".join(c["text"] for c in chars)
    return len(_RTL_SCRIPT.findall(text)) > len(_LATIN_OR_CYRILLIC.findall(text))


def logical_lines(pdf: bytes) -> list[str]:
    """Each line in reading order: left to right, or right to left where the line is
    mostly Arabic-script. A right-to-left text only reads correctly here if its glyphs
    really were drawn from right to left."""
    out = []
    for chars in visual_lines(pdf):
        ordered = reversed(chars) if is_rtl_line(chars) else chars
        out.append(strip_marks("".join(c["text"] for c in ordered)))
    return out


def logical_text(pdf: bytes) -> str:
    return "\n".join(logical_lines(pdf))


def find_run(pdf: bytes, phrase: str) -> list[dict] | None:
    """The glyphs of `phrase` (logical order) on one line, or None."""
    phrase = strip_marks(phrase)
    for chars in visual_lines(pdf):
        chars = [c for c in chars if unicodedata.category(c["text"][:1] or " ") != "Mn"]
        for ordered in (chars, list(reversed(chars))):
            text, starts = "", []
            for char in ordered:
                starts.append(len(text))
                text += char["text"]
            at = text.find(phrase)
            if at >= 0:
                return [
                    c for c, s in zip(ordered, starts, strict=True) if at <= s < at + len(phrase)
                ]
    return None


def runs_right_to_left(run: list[dict]) -> bool:
    """Consecutive glyphs in logical order move leftwards. Zero-width parts are left out:
    a ligature (lam-alef) is one glyph that pdfplumber splits into a full and an empty
    character at the same place."""
    xs = [c["x0"] for c in run if not c["text"].isspace() and c["width"] > 0]
    return len(xs) > 1 and all(a > b for a, b in itertools.pairwise(xs))


def runs_left_to_right(run: list[dict]) -> bool:
    xs = [c["x0"] for c in run if not c["text"].isspace() and c["width"] > 0]
    return len(xs) > 1 and all(a < b for a, b in itertools.pairwise(xs))


def fonts(pdf: bytes) -> dict[str, dict]:
    """BaseFont name -> font dictionary, over all pages."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def to_unicode(font: dict) -> dict[int, str]:
    """Glyph id -> text, from the font's ToUnicode CMap (bfchar and bfrange)."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    glyphs: dict[int, str] = {}

    def text(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for gid, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            glyphs[int(gid, 16)] = text(uni)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, uni in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for offset in range(int(hi, 16) - int(lo, 16) + 1):
                glyphs[int(lo, 16) + offset] = chr(int(uni, 16) + offset)
    return glyphs


def arabic_glyphs_per_letter(pdf: bytes) -> dict[str, set[int]]:
    """For each Arabic-script letter drawn, the glyph ids that stand for it.

    Why this shows shaping: a font's cmap gives each letter ONE nominal glyph (its
    isolated form). Joining letters drawn in initial, medial or final position use other
    glyphs (chosen by HarfBuzz through the font's init/medi/fina features), and the PDF's
    ToUnicode map sends each of those back to the same letter. Unshaped text, the classic
    broken export, draws every letter with its nominal glyph: exactly one glyph per letter."""
    per_letter: dict[str, set[int]] = defaultdict(set)
    for name, font in fonts(pdf).items():
        if "/ToUnicode" not in font:
            continue
        for gid, text in to_unicode(font).items():
            if len(text) == 1 and unicodedata.category(text) == "Lo" and _RTL_SCRIPT.match(text):
                per_letter[text].add(hash((name, gid)))
    return per_letter


def is_subset_name(base_font: str) -> bool:
    return re.fullmatch(r"/[A-Z]{6}\+.+", base_font) is not None
