"""A PDF of scanned pages (no text layer) is refused with a message that says so, never read as empty."""
from __future__ import annotations

from typer.testing import CliRunner

from qa_service.cli import app


def drawing_only_pdf() -> bytes:
    """One page holding a filled rectangle and no text: what a scanner's PDF looks like to a text extractor."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"]
    stream = b"0 0 1 rg 100 100 200 200 re f"
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_a_scanned_pdf_is_named_as_such(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(drawing_only_pdf())
    r = CliRunner().invoke(app, ["check", str(scan)])
    assert r.exit_code == 2
    assert "scan.pdf: the PDF has no text layer (scanned pages?)" in " ".join(r.output.split())
