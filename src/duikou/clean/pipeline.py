"""clean_text: raw scraped text -> (clean simplified text, offsets back to the raw text)."""

from __future__ import annotations

from duikou.clean import chars, lines, pinyin
from duikou.clean.tracked import Tracked, apply_edits, translate


def clean_tracked(raw: str) -> Tracked:
    """All cleaning steps in order; each step sees the previous step's output."""
    t = Tracked.of(raw)
    t = apply_edits(t, chars.line_endings(t.text))
    t = apply_edits(t, chars.invisible(t.text))
    t = apply_edits(t, chars.html_tags(t.text))
    t = apply_edits(t, chars.html_entities(t.text))
    t = apply_edits(t, pinyin.pinyin_noise(t.text))
    t = apply_edits(t, chars.lookalikes(t.text))  # before t2s: 鍺 is 者 here, not 锗
    t = translate(t, chars.WIDTH_TABLE, chars.WIDTH_CHARS)
    t = chars.to_simplified(t)
    t = apply_edits(t, lines.inline_spam(t.text))
    t = apply_edits(t, chars.spaces(t.text))
    t = apply_edits(t, chars.punctuation_noise(t.text))
    t = apply_edits(t, lines.select_lines(t.text))
    return t


def clean_text(raw: str) -> tuple[str, list[int]]:
    """Clean one article.

    Returns (text, offsets): len(offsets) == len(text) + 1, offsets strictly increasing,
    offsets[i] is the index in `raw` of the character that produced text[i], and
    raw[offsets[s]:offsets[e]] is the original of text[s:e].
    """
    t = clean_tracked(raw)
    offsets = t.offsets
    if not t.text:
        return "", [0]
    if offsets[-1] <= offsets[-2]:  # defensive: the sentinel must follow the last char
        offsets = offsets[:-1] + [offsets[-2] + 1]
    return t.text, offsets
