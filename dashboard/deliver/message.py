"""What is delivered: a subject, a short markdown text and (usually) one PNG."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    item: str  # what it is, for the deliveries record: briefing:<name> or alert:<rule>:<series>:<period>
    subject: str
    markdown: str
    png: bytes | None = None
    png_name: str = "pulse.png"

    @property
    def text(self) -> str:
        return self.markdown.replace("**", "").replace("### ", "").replace("> ", "")

    @property
    def html(self) -> str:
        lines = [html.escape(line) for line in self.text.splitlines() if line.strip()]
        return "".join(f"<p>{line}</p>" for line in lines)
