"""Writing a briefing: briefing.html, and briefing.pdf printed from it where chromium is found;
as files in a folder (the command line) or as a zip (the Forces page's button)."""

import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from oversight.briefing.content import Briefing
from oversight.briefing.pdf import GET_PDF, HOW_TO_PDF, PdfError, find_chromium, print_pdf
from oversight.briefing.render import render

HTML_NAME = "briefing.html"
PDF_NAME = "briefing.pdf"
# A file in the zip where there is no PDF, saying how to get one
NO_PDF_NAME = "NO_PDF.txt"


@dataclass(frozen=True)
class Written:
    """What was written: the HTML, the PDF (None where none was made) and why not."""

    html: Path
    pdf: Path | None
    pdf_problem: str = ""  # how to get the PDF where none was made ("" when it was)


def _replace(path: Path, data: bytes) -> None:
    """Write data to path whole or not at all: a reader never sees half a file."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as f:
        f.write(data)
        temporary = Path(f.name)
    try:
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def write_briefing(briefing: Briefing, out: Path, chromium: str | None = None) -> Written:
    """Write briefing.html into out (made if need be; an earlier briefing there is replaced),
    then print briefing.pdf from it with chromium (found if not given). Where chromium is
    missing or fails, the HTML stays and pdf_problem says how to get the PDF."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    html = out / HTML_NAME
    _replace(html, render(briefing).encode("utf-8"))
    pdf = out / PDF_NAME
    chromium = chromium or find_chromium()
    if chromium is None:
        pdf.unlink(missing_ok=True)  # an older briefing's PDF must not sit beside this HTML
        return Written(html, None, HOW_TO_PDF)
    with tempfile.TemporaryDirectory(dir=out, prefix=".printing-") as folder:
        printed = Path(folder) / PDF_NAME
        try:
            print_pdf(html, printed, chromium)
        except PdfError as error:
            pdf.unlink(missing_ok=True)
            return Written(html, None, f"No PDF was made: {error}. {GET_PDF}")
        os.replace(printed, pdf)
    return Written(html, pdf)


def briefing_zip(briefing: Briefing, folder: str) -> bytes:
    """The briefing's files in a zip, under folder/: briefing.html, and briefing.pdf or a note
    saying how to get it."""
    with tempfile.TemporaryDirectory(prefix="oversight-briefing-") as work:
        written = write_briefing(briefing, Path(work))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{folder}/{HTML_NAME}", written.html.read_bytes())
            if written.pdf is not None:
                archive.writestr(f"{folder}/{PDF_NAME}", written.pdf.read_bytes())
            else:
                archive.writestr(f"{folder}/{NO_PDF_NAME}", written.pdf_problem + "\n")
    return buffer.getvalue()


def briefing_name(force: str, first, last, public: bool = False) -> str:
    """The name of a briefing's folder or zip: oversight_briefing_kent_2025-04-01_2026-03-31."""
    return f"oversight_briefing_{force}_{first}_{last}{'_public' if public else ''}"
