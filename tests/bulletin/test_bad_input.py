"""Bad bulletin files: a clear one-line error or an empty result, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.commands.extract import command as extract_command
from etl.bulletin import extract_document
from etl.bulletin.documents import read_document
from etl.sources.base import SourceError


def test_empty_file_gives_no_records(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert extract_document(path.name, read_document(path), None, None).records == []


def test_text_without_statistics_gives_no_records() -> None:
    text = "中铝集团各单位掀起学习贯彻全会精神热潮。会议强调，要狠抓落实。\n" * 50
    assert extract_document("prose.txt", text, None, None).records == []


def test_binary_named_txt_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(SourceError, match=r"photo\.txt is binary, not text"):
        read_document(path)


def test_unknown_encoding_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("产量".encode("utf-16-le").replace(b"\x00", b"") + b"\x81\x30\xff\xfe\x80" * 20)
    with pytest.raises(SourceError, match=r"neither UTF-8 nor GBK/GB18030"):
        read_document(path)


def test_broken_pdf_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"garbage" * 100)
    with pytest.raises(SourceError, match=r"broken\.pdf is not a readable PDF"):
        read_document(path)


def test_ten_megabyte_text_is_read_in_full() -> None:
    block = "前三季度，铜产量为100万吨，同比增长2%。铝产量为200万吨，同比增长3%。" + "会议强调，要狠抓落实。" * 20 + "\n"
    text = block * (10_000_000 // len(block.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) >= 10_000_000
    records = extract_document("big.txt", text, None, None).records
    # every block states the same two facts; they are kept once per statement or folded as repeats
    assert {(r.value, r.unit) for r in records} == {("100", "万吨"), ("200", "万吨")}


def test_extract_command_reports_bad_files_and_prints_the_good_ones(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("2024年，我国地质勘查投资1159.94亿元。", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    result = CliRunner().invoke(extract_command, [str(bad), str(good), "--format", "jsonl"])
    assert result.exit_code == 1
    assert "Error: bad.txt is binary, not text" in result.stderr
    assert '"value": "1159.94"' in result.stdout
