"""What "fits a phone" means, shared by the layout tests and bench/phone_layout.py."""

from __future__ import annotations

from urllib.parse import urlparse

MIN_TARGET = 44
# Interactive elements a finger must hit (a, button, input, select, textarea, summary, and the
# label of a checkbox or radio), smaller than 44 px in height or width.
# - A checkbox or radio is measured by the label that wraps it (the label is what a finger
#   taps); one that is not wrapped counts with its own box, and a separate label[for] is a
#   target of its own.
# - The only exemption is WCAG 2.5.8's "inline" one, strictly: a link laid out inline (computed
#   display "inline", so its height is the line's) in a block that holds a sentence besides it,
#   i.e. at least two words of text outside its links and controls. A link that is alone in its
#   paragraph or list item, or styled as a box (inline-flex, block), is a target like any other.
SMALL_TARGETS_JS = """
() => {
  const min = MIN_TARGET - 0.5;
  const visible = el => {
    const r = el.getBoundingClientRect();
    // checkVisibility: false inside a closed <details> too, whose boxes still have a size.
    return r.width > 0 && r.height > 0 && el.checkVisibility({visibilityProperty: true});
  };
  const block = el => {
    let b = el.parentElement;
    while (b && ['inline', 'contents'].includes(getComputedStyle(b).display)) b = b.parentElement;
    return b;
  };
  const inline = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const rest = block(el).cloneNode(true);
    rest.querySelectorAll('a, button, input, select, textarea, label').forEach(n => n.remove());
    return (rest.textContent.match(/\\p{L}{2,}/gu) || []).length >= 2;
  };
  const controls = 'a[href], button, input, select, textarea, summary, label[for]';
  return [...document.querySelectorAll(controls)]
    .filter(el => el.type !== 'hidden' && !el.closest('.sr-only'))
    .filter(el => el.tagName !== 'LABEL' || ['checkbox', 'radio'].includes(
      (document.getElementById(el.htmlFor) || {}).type))
    .filter(el => !(el.tagName === 'LABEL' && el.contains(document.getElementById(el.htmlFor))))
    .map(el => {
      const tick = el.type === 'checkbox' || el.type === 'radio';
      return [el, tick ? (el.closest('label') || el) : el];
    })
    .filter(([el, box]) => visible(box) && !inline(el))
    .map(([el, box]) => ({el, r: box.getBoundingClientRect()}))
    .filter(({r}) => r.height < min || r.width < min)
    .map(({el, r}) => ({tag: el.tagName + (el.type && el.tagName === 'INPUT' ? `[${el.type}]` : ''),
      text: (el.innerText || el.name || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 30),
      h: Math.round(r.height), w: Math.round(r.width)}));
}
""".replace("MIN_TARGET", str(MIN_TARGET))

NAV_LINKS_JS = """
() => [...document.querySelectorAll('nav.bottom a[href], main .cards a[href]')].map(a => a.href)
"""
DOWNLOADS = (".pdf", ".xlsx", ".csv", ".ics")


def nav_links(page) -> list[str]:
    """The pages of the bottom navigation and the start page's cards (call on the start page),
    without downloads and external links."""
    base = urlparse(page.url).netloc
    seen: list[str] = []
    for href in page.evaluate(NAV_LINKS_JS):
        url = urlparse(href)
        if url.netloc == base and not url.path.endswith(DOWNLOADS) and href not in seen:
            seen.append(href)
    return seen


# Words split over two lines inside the given elements ("Integrationsmanag / er:in"): each
# word's range must lie on one line.
BROKEN_WORDS_JS = """
(selector) => {
  const broken = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""
