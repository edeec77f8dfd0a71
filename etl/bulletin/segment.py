"""Clause, sentence, paragraph and article boundaries in compact text, looked up by bisection.

Clauses end at ，；。！？： (a period context or a subject named in one clause carries to the
next); sentences at 。！？；; paragraphs where the original text breaks a line after a final mark;
articles where a newspaper starts a new piece (本报讯, 据…消息, a byline □, after 摘自《…》 or
作者单位 …) or a Markdown/HTML heading. Quoted slogans (“4个100%清零”), book titles (《…2025年…》) and
index bases (以2015年为100) are *blocked*: nothing in them is a statistic or a period.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from etl.bulletin.periods import BASE

_CLAUSE = re.compile(r"[,，;；。！？!?:：]")
_SENTENCE = re.compile(r"[;；。！？!?]")
_ARTICLE = re.compile(
    r"本报讯|据[\u4e00-\u9fff《》]{1,14}?(?:消息|报道)|新华社[\u4e00-\u9fff]{0,8}电|□|#{1,3}(?=[^#\d])"
    r"|(?:摘自《[^》]{1,20}》|作者单位|编辑手记)",
)
_BLOCK = re.compile(
    r"《[^《》]{0,60}》"  # titles of reports and laws
    r"|“[^“”]{1,20}”|\"[^\"\n]{1,20}\""  # short quoted slogans and names
    r"|\((?:" + BASE.pattern + r")\)|" + BASE.pattern  # index bases
)


@dataclass
class Segments:
    clauses: list[int]  # sorted boundary indices (a delimiter's index; clause text excludes it)
    sentences: list[int]
    paragraphs: list[int]  # paragraph start indices
    articles: list[int]  # article start indices
    blocked: list[tuple[int, int]]

    def clause(self, i: int) -> tuple[int, int]:
        return _around(self.clauses, i)

    def sentence(self, i: int) -> tuple[int, int]:
        return _around(self.sentences, i)

    def paragraph_start(self, i: int) -> int:
        return _start_of(self.paragraphs, i)

    def article_start(self, i: int) -> int:
        return _start_of(self.articles, i)

    def is_blocked(self, i: int) -> bool:
        k = bisect.bisect_right(self.blocked, (i, 1 << 62)) - 1
        return k >= 0 and self.blocked[k][0] <= i < self.blocked[k][1]


def _around(bounds: list[int], i: int) -> tuple[int, int]:
    k = bisect.bisect_right(bounds, i)
    start = bounds[k - 1] + 1 if k else 0
    end = bounds[k] if k < len(bounds) else 1 << 62
    return start, end


def _start_of(starts: list[int], i: int) -> int:
    k = bisect.bisect_right(starts, i)
    return starts[k - 1] if k else 0


def segment(s: str, para_starts: list[int]) -> Segments:
    paras = sorted(set(para_starts))
    # A paragraph start is also a clause and sentence boundary: mark the char before it.
    para_bounds = [p - 1 for p in paras if p > 0]
    clauses = sorted({m.start() for m in _CLAUSE.finditer(s)} | set(para_bounds))
    sentences = sorted({m.start() for m in _SENTENCE.finditer(s)} | set(para_bounds))
    articles = sorted({0} | {m.end() if m.group().startswith(("摘自", "作者", "编辑")) else m.start()
                             for m in _ARTICLE.finditer(s)})
    blocked = [m.span() for m in _BLOCK.finditer(s)]
    return Segments(clauses, sentences, paras, articles, blocked)
