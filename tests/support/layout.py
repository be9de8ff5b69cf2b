"""Where things are on a page, measured in Chromium: the first control that sends a
message, controls too small for a thumb, text inputs that make iOS zoom in.

What counts as a control (``CONTROLS``):

- *send*: a ``mailto:`` link that carries a prepared message (``?subject``, ``?body``),
  ``sms:``, an X post intent, a Gmail or Outlook.com compose link, a printable letter;
- *copy*, *print*: ``[data-copy]``, ``[data-print]``;
- *toggle*: every ``button``, ``summary``, radio button and checkbox.

A radio button or a checkbox is hit through its label as well: the label is
measured (the input itself must be at least 24 px). A ``mailto:`` link to a plain
address inside a sentence (a contact address in the privacy page) is an inline
link, which WCAG 2.5.8 leaves out of the target size rule, and is not counted.
"""

from __future__ import annotations

MIN_TARGET = 44  # CSS px, WCAG 2.5.5 (AAA) and Apple's and Google's guidance
MIN_INPUT_FONT = 16  # CSS px: below it, iOS Safari zooms in on focus
MIN_CHECKBOX = 24

SEND_SELECTORS = (
    "a[href^='mailto:'][href*='?']",
    "a[href^='sms:']",
    "a[href^='https://x.com/intent/']",
    "a[href^='https://mail.google.com/']",
    "a[href^='https://outlook.live.com/']",
    "a[href*='/lettre-']",
)
SEND = ", ".join(SEND_SELECTORS)
CONTROLS = SEND + ", [data-copy], [data-print], button, summary, input[type=radio], input[type=checkbox]"
TEXT_INPUTS = (
    "input:not([type=radio]):not([type=checkbox]):not([type=hidden]):not([type=submit]):not([type=button]),"
    " select, textarea"
)

_MEASURE = """
([send, controls, inputs, minTarget, minInput, minCheckbox]) => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && el.closest("[hidden]") === null;
  };
  const top = (el) => el.getBoundingClientRect().top + window.scrollY;
  const bottom = (el) => el.getBoundingClientRect().bottom + window.scrollY;
  const describe = (el) => {
    const text = (el.innerText || el.getAttribute("aria-label") || el.value || "").trim().replace(/\\s+/g, " ");
    return el.tagName.toLowerCase() + (el.type ? "[" + el.type + "]" : "") + " " + JSON.stringify(text.slice(0, 50));
  };
  const intro = [...document.querySelectorAll("main h1, main .lead, main .action__deadline")].filter(shown);
  const sends = [...document.querySelectorAll(send)].filter(shown).sort((a, b) => top(a) - top(b));
  const small = [];
  for (const el of document.querySelectorAll(controls)) {
    if (!shown(el)) { continue; }
    let box = el.getBoundingClientRect();
    if (el.type === "radio" || el.type === "checkbox") {
      if (box.width < minCheckbox || box.height < minCheckbox) {
        small.push(describe(el) + " " + Math.round(box.width) + "x" + Math.round(box.height));
      }
      const label = el.labels && el.labels[0];
      if (!label) { small.push(describe(el) + " has no label"); continue; }
      box = label.getBoundingClientRect();
    }
    if (box.width < minTarget - 0.5 || box.height < minTarget - 0.5) {
      small.push(describe(el) + " " + Math.round(box.width) + "x" + Math.round(box.height));
    }
  }
  const smallInputs = [...document.querySelectorAll(inputs)].filter(shown)
    .map((el) => [el, parseFloat(getComputedStyle(el).fontSize)])
    .filter(([, size]) => size < minInput)
    .map(([el, size]) => describe(el) + " #" + el.id + " " + size + "px");
  return {
    introBottom: intro.length ? Math.round(Math.max(...intro.map(bottom))) : null,
    firstSend: sends.length ? { top: Math.round(top(sends[0])), bottom: Math.round(bottom(sends[0])), what: describe(sends[0]) } : null,
    pageHeight: document.documentElement.scrollHeight,
    smallControls: small,
    smallInputs: smallInputs,
  };
}
"""


def measure(page) -> dict:
    """Positions (CSS px from the top of the page) and undersized controls of the page shown."""
    return page.evaluate(_MEASURE, [SEND, CONTROLS, TEXT_INPUTS, MIN_TARGET, MIN_INPUT_FONT, MIN_CHECKBOX])
