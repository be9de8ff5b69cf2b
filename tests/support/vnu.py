"""The Nu Html Checker (vnu.jar from the npm package vnu-jar, run by the system's Java)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class VnuError(NamedTuple):
    file: str
    line: int | None
    message: str


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise RuntimeError(
            "java not found: the Nu Html Checker needs a Java runtime (apt-get install default-jre-headless)"
        )
    return java


def _jar() -> Path:
    if not VNU_JAR.is_file():
        raise RuntimeError(f"{VNU_JAR} not found: install the Node packages of package-lock.json (npm ci)")
    return VNU_JAR


def _file_of(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.path) if parts.scheme == "file" else url


def vnu_errors(paths) -> list[VnuError]:
    """Check HTML files with one run of the Nu Html Checker; return its errors.

    ``paths`` is an iterable of files (or directories, checked recursively). Each error is
    ``(file, line, message)``, ``file`` being the absolute path of the checked file and
    ``line`` ``None`` when the checker gives none (e.g. an unreadable file).
    Raises RuntimeError when Java or vnu.jar is missing or the checker fails.
    """
    files = [Path(p).resolve() for p in paths]
    if not files:
        return []
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise FileNotFoundError(f"nothing to check at: {', '.join(missing)}")
    command = [
        _java(),
        # A short run: the quick JIT only (half the CPU of C1 and C2 for the same
        # report), with the deeper stack its frames need (1 MiB overflows).
        "-XX:TieredStopAtLevel=1",
        "-Xss4m",
        "-jar",
        str(_jar()),
        "--format",
        "json",
        "--errors-only",
        "--exit-zero-always",
        *map(str, files),
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "LC_ALL": "C.UTF-8"},
        check=False,
    )
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError:
        report = None
    if result.returncode != 0 or not isinstance(report, dict):
        raise RuntimeError(
            f"the Nu Html Checker failed (exit {result.returncode}):\n{result.stderr.strip()}\n{result.stdout.strip()}"
        )
    errors = []
    for message in report.get("messages", []):
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        line = message.get("lastLine", message.get("firstLine"))
        errors.append(VnuError(_file_of(message.get("url", "")), line, message.get("message", "")))
    return errors


def format_vnu_errors(errors: list[VnuError], root: str | os.PathLike[str] | None = None) -> str:
    """One ``file:line: message`` line per error, paths relative to ``root`` when given."""
    if not errors:
        return "no HTML error"
    lines = [f"{len(errors)} HTML error(s):"]
    for error in errors:
        name = error.file
        if root is not None:
            try:
                name = str(Path(error.file).relative_to(Path(root).resolve()))
            except ValueError:
                pass
        lines.append(f"{name}:{error.line if error.line is not None else '?'}: {error.message}")
    return "\n".join(lines)
