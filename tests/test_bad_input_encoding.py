"""Encodings through the real build: BOM and CRLF work; invalid UTF-8 names its file."""

from helpers import VALID_ACTION, dump_front, make_content, run_pelican


def _write_raw(content, data: bytes):
    (content / "actions" / "egypte-chercheur.md").write_bytes(data)


def test_bom_and_crlf_build(tmp_path):
    content = make_content(tmp_path)
    text = dump_front(VALID_ACTION).replace("\n", "\r\n")
    _write_raw(content, b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = run_pelican(tmp_path, content, tmp_path / "output")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "actions" / "egypte-chercheur" / "index.html").is_file()


def test_invalid_utf8_names_its_file_without_traceback(tmp_path):
    content = make_content(tmp_path)
    _write_raw(content, dump_front(VALID_ACTION).encode("utf-8") + b"\xff\xfe caf\xe9\n")
    result = run_pelican(tmp_path, content, tmp_path / "output")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "egypte-chercheur.md" in result.stderr + result.stdout
