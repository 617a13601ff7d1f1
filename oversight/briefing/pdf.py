"""Printing the briefing's HTML to PDF with headless chromium (Chrome's --print-to-pdf): the
same engine the browser tests use, so the PDF is what a reader would print from the HTML."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from oversight.settings import chromium_setting

# Where the browser may be: its names on PATH, then Debian's own (the tests' CHROMIUM).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
PRINT_SECONDS = 120
GET_PDF = (
    "To get the PDF, open briefing.html in a browser and print it to PDF (A4, background "
    "graphics on), or install chromium (Debian and Ubuntu: apt-get install chromium) and make "
    "the briefing again."
)
HOW_TO_PDF = (
    "No PDF was made: headless chromium was not found (OVERSIGHT_CHROMIUM, else "
    f"{', '.join(CHROMIUM_NAMES)} on PATH, else {DEBIAN_CHROMIUM}). {GET_PDF}"
)


class PdfError(Exception):
    """chromium was found but could not print the PDF (the message says why)."""


def find_chromium() -> str | None:
    """The chromium (or Chrome) to print with: OVERSIGHT_CHROMIUM where set (None if it names no
    program that can be run), else the first of CHROMIUM_NAMES on PATH, else Debian's; None
    where there is none."""
    chosen = chromium_setting()
    if chosen is not None:
        return shutil.which(chosen)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return str(DEBIAN_CHROMIUM) if os.access(DEBIAN_CHROMIUM, os.X_OK) else None


def print_pdf(html: Path, pdf: Path, chromium: str) -> None:
    """Print html (a file) to pdf with chromium; PdfError if no PDF comes of it.

    A fresh profile each time (two prints at once must not share one); chromium's sandbox is
    off only when run as root, where it cannot start otherwise. The page itself can fetch
    nothing: its Content-Security-Policy forbids any request.
    """
    with tempfile.TemporaryDirectory(prefix="oversight-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            *(["--no-sandbox"] if os.geteuid() == 0 else []),
            Path(html).resolve().as_uri(),
        ]
        try:
            subprocess.run(
                command, capture_output=True, timeout=PRINT_SECONDS, check=False,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise PdfError(f"chromium took more than {PRINT_SECONDS} seconds to print") from None
        except OSError as error:
            raise PdfError(f"chromium ({chromium}) could not be started: {error}") from None
    if not pdf.exists() or not pdf.read_bytes()[:5] == b"%PDF-":
        raise PdfError(f"chromium ({chromium}) did not write a PDF")
