"""Text cleanup for bulletin prose, keeping a map back to the original characters.

PDF-extracted Chinese text breaks lines (and so numbers and words) anywhere, and interleaves
columns and photo captions. Chinese prose needs no spaces between words, so the extractor works
on a *compact* string with every whitespace run removed (``"6124.9万\\n吨"`` -> ``"6124.9万吨"``);
``pos[i]`` is the offset in the original text of compact character ``i``, so every quote is an
exact span of the file's text, line breaks included.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from etl.lexicon import traditional

# Traditional characters read as simplified ones the same way (萬億元 -> 万亿元; etl/traditional.tsv).
# Full-width ASCII (digits, ．，％ …) and the ideographic space -> half-width: one char for one char,
# so offsets in the translated text are offsets in the original.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH[0x2212] = ord("-")  # minus sign

# Photo captions and credits that land inside sentences: "图片来自新华社", a whole line "图为…",
# a credit line "王晓绵 摄". They are blanked (treated as whitespace), never deleted from quotes.
_CAPTIONS = re.compile(
    r"图片来自\S*"
    r"|^[ \t]*[▲△]?[上下左右]?图为[^\n]*$"
    r"|^[ \t]*[\u4e00-\u9fff]{1,4}(?:[ \t]+[\u4e00-\u9fff]{1,4}){0,3}[ \t]+摄[ \t]*$",
    re.MULTILINE,
)
_RUN = re.compile(r"\S+")
# Sentence-final marks: a line break after one of these ends a paragraph; elsewhere it is a
# layout break (mid-sentence column or line wrap) and the sentence goes on.
FINAL = frozenset("。！？!?；;…”\"")


@dataclass
class Clean:
    raw: str
    s: str  # compact text: half-width, no whitespace, captions removed
    pos: list[int]  # pos[i] = offset in raw of s[i]
    para_starts: list[int] = field(default_factory=list)  # indices in s where a paragraph starts
    breaks: set[int] = field(default_factory=set)  # indices in s preceded by a line break
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def span(self, start: int, end: int) -> str:
        """The original text of compact span [start, end): the exact quote, line breaks kept."""
        if start >= end:
            return ""
        return self.raw[self.pos[start] : self.pos[end - 1] + 1]

    def as_written(self, text: str, end: int) -> str:
        """`text` (compact, as read: simplified) in the document's own characters ("万亿元" is "萬億元"
        in a traditional text): where it ends at compact index `end` (a unit at the end of its
        quantity), else at its next mention (a range's lower bound takes the upper's unit), else its
        last one before."""
        at = end - len(text)
        if self.s[at:end] != text:
            at = self.s.find(text, end)
            at = self.s.rfind(text, 0, end) if at < 0 else at
        if at < 0 or not text:
            return text
        table = traditional()
        raw = [self.raw[self.pos[i]] for i in range(at, at + len(text))]
        return "".join(r if table.get(ord(r)) == ord(c) else c for r, c in zip(raw, text, strict=True))

    def line_of(self, i: int) -> int:
        """1-based line number in the original text of compact index i."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.raw)]
        return bisect.bisect_right(self._line_starts, self.pos[min(i, len(self.pos) - 1)])


def clean_text(raw: str) -> Clean:
    """Compact `raw` for extraction (see the module docstring)."""
    text = raw.translate(_FULLWIDTH).translate(traditional())
    text = _CAPTIONS.sub(lambda m: " " * len(m.group()), text)
    parts: list[str] = []
    pos: list[int] = []
    para_starts: list[int] = [0]
    breaks: set[int] = set()
    prev_end = 0
    for m in _RUN.finditer(text):
        start, end = m.span()
        if pos and "\n" in text[prev_end:start]:
            breaks.add(len(pos))
            if parts[-1][-1] in FINAL:
                para_starts.append(len(pos))
        parts.append(m.group())
        pos.extend(range(start, end))
        prev_end = end
    return Clean(raw, "".join(parts), pos, para_starts, breaks)
