"""Labels render into a well-formed PDF whose barcodes scan back to what they carry.

The barcode and text checks read the PDF the way a printer and a scanner would: poppler
rasterizes it at 300 dpi and zbar decodes the image. Without those tools (Debian packages
poppler-utils and zbar-tools) those tests skip; CI installs them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from production.labels import (
    MAX_LABELS,
    LabelFormat,
    LotLabel,
    WorkOrderLabel,
    render_labels,
)
from production.labels.layout import SHEETS, regions
from production.labels.model import Label
from production.labels.render import module_width
from production.labels.text import ELLIPSIS, fit_line, printable, truncate

THERMAL = LabelFormat()
SHEET = LabelFormat(preset="A4_3x8")
DESCRIPTION = "Kugellager Ø 20 mm für Pumpe"
PACKAGES = {"pdftoppm": "poppler-utils", "pdftotext": "poppler-utils", "zbarimg": "zbar-tools"}


def work_order(n: int, **changes: object) -> WorkOrderLabel:
    label = WorkOrderLabel(
        order_number=f"WO-{1_000_000 + n}",
        material_number="MAT-100200",
        material_description=DESCRIPTION,
        quantity=Decimal("250"),
        unit="pcs",
        due_date=date(2025, 3, 14),
        plant_code="1000",
        work_center_code="ASSY-01",
        link=f"https://erp.example.com/production/work-orders/WO-{1_000_000 + n}",
    )
    return msgspec.structs.replace(label, **changes)


def lot(n: int, **changes: object) -> LotLabel:
    label = LotLabel(
        material_number="MAT-100200",
        material_description="Edelstahlblech 2 mm, geölt",
        lot_number=f"L-2025-{n:04d}",
        quantity=Decimal("12.500"),
        unit="kg",
        manufactured_on=date(2025, 1, 10),
        expires_on=date(2026, 1, 10),
        status="quarantine",
        order_number="WO-1000001",
        link=f"https://erp.example.com/inventory/lots/L-2025-{n:04d}",
    )
    return msgspec.structs.replace(label, **changes)


def mixed(count: int) -> list[Label]:
    return [work_order(i) if i % 2 else lot(i) for i in range(count)]


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {PACKAGES[name]}); CI installs it")
    return path


def write(pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    return path


def scan(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(symbology, content) of every barcode on every page, as zbar reads them."""
    pdftoppm, zbarimg = tool("pdftoppm"), tool("zbarimg")
    subprocess.run(
        [pdftoppm, "-r", "300", "-png", write(pdf, tmp_path), tmp_path / "page"], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    # Only the two symbologies printed: others could misread text or bars as a code.
    only = ["-Sdisable", "-Scode128.enable", "-Sqrcode.enable"]
    done = subprocess.run(
        [zbarimg, "--nodbus", "-q", *only, *pages], capture_output=True, text=True, check=False
    )
    # zbar exits 4 when it found nothing: that is a failed assertion below, not an error.
    assert done.returncode in (0, 4), done.stderr
    return [symbol(line) for line in done.stdout.splitlines()]


def symbol(line: str) -> tuple[str, str]:
    kind, _, data = line.partition(":")
    return kind, data


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    done = subprocess.run(
        [tool("pdftotext"), write(pdf, tmp_path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


def page_count(pdf: bytes) -> int:
    """Pages of a structurally sound PDF: the cross-reference table points at every object."""
    assert pdf.startswith(b"%PDF-1.")
    tail = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf)
    assert tail, "no startxref trailer"
    xref = int(tail.group(1))
    table = re.match(rb"xref\s+0 (\d+)\s+((?:\d{10} \d{5} [nf]\s+)+)", pdf[xref:])
    assert table, "startxref does not point at a cross-reference table"
    entries = re.findall(rb"(\d{10}) \d{5} n", table.group(2))
    assert len(entries) == int(table.group(1)) - 1
    for number, offset in enumerate(entries, start=1):
        assert pdf[int(offset) :].startswith(b"%d 0 obj" % number), f"object {number} misplaced"
    return len(re.findall(rb"/Type /Page\b", pdf))


@pytest.mark.parametrize(
    ("fmt", "count", "pages"),
    [
        (THERMAL, 1, 1),
        (THERMAL, 3, 3),
        (SHEET, 1, 1),
        (SHEET, 24, 1),
        (SHEET, 25, 2),
        (SHEET, 49, 3),
    ],
)
def test_a_batch_is_one_well_formed_pdf_with_a_page_per_label_or_sheet(
    fmt: LabelFormat, count: int, pages: int
) -> None:
    assert page_count(render_labels(mixed(count), fmt)) == pages


def test_pdfinfo_agrees_on_the_pages(tmp_path: Path) -> None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo is not installed (Debian package poppler-utils); CI installs it")
    path = write(render_labels(mixed(30), SHEET), tmp_path)
    info = subprocess.run([pdfinfo, path], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE), info
    assert re.search(r"^Page size:\s+595.276 x 841.89 pts \(A4\)$", info, re.MULTILINE), info


@pytest.mark.parametrize(("fmt", "count"), [(THERMAL, 4), (SHEET, 26)])
def test_every_barcode_scans_back_to_its_content(
    fmt: LabelFormat, count: int, tmp_path: Path
) -> None:
    labels = mixed(count)
    found = scan(render_labels(labels, fmt), tmp_path)
    bars = sorted(data for kind, data in found if kind == "CODE-128")
    qrs = sorted(data for kind, data in found if kind == "QR-Code")
    expected = [
        x.order_number if isinstance(x, WorkOrderLabel) else f"{x.material_number}|{x.lot_number}"
        for x in labels
    ]
    assert bars == sorted(expected)
    assert qrs == sorted(x.link for x in labels)


@pytest.mark.parametrize("fmt", [THERMAL, SHEET])
def test_the_longest_barcode_a_format_takes_still_scans(fmt: LabelFormat, tmp_path: Path) -> None:
    label = longest_lot(fmt)
    assert sorted(scan(render_labels([label], fmt), tmp_path)) == [
        ("CODE-128", f"{label.material_number}|{label.lot_number}"),
        ("QR-Code", label.link),
    ]


def longest_lot(fmt: LabelFormat) -> LotLabel:
    """A lot whose barcode has the narrowest bars the format allows (or nearly)."""
    sheet = SHEETS[fmt.preset]
    width = regions(sheet, sheet.label_box(0)).barcode.width
    material = "MAT-100200-A"
    for extra in range(1, 40):
        longer = f"{material}{chr(ord('A') + extra % 26)}"
        try:
            module_width(f"{longer}|L-2025-0001", width, sheet)
        except ValueError:
            break
        material = longer
    else:
        pytest.fail("no barcode content was too long for the format")
    assert module_width(f"{material}|L-2025-0001", width, sheet) < 1.1 * sheet.min_module
    return lot(1, material_number=material, link="https://erp.example.com/l/" + "x" * 200)


def test_the_texts_are_in_the_pdf_including_umlauts(tmp_path: Path) -> None:
    text = pdf_text(render_labels([work_order(1), lot(2)], THERMAL), tmp_path)
    for expected in [
        "WO WO-1000001",
        "Material MAT-100200",
        "Qty 250 pcs",
        "Due 2025-03-14",
        "Plant 1000 · WC ASSY-01",
        DESCRIPTION,
        "Lot L-2025-0002",
        "Qty 12.500 kg",
        "Mfd 2025-01-10 · Exp 2026-01-10",
        "Status quarantine · WO WO-1000001",
        "Edelstahlblech 2 mm, geölt",
    ]:
        assert expected in text


def test_optional_fields_leave_no_trace(tmp_path: Path) -> None:
    labels: list[Label] = [
        work_order(1, work_center_code=None),
        lot(2, expires_on=None, order_number=None),
    ]
    text = pdf_text(render_labels(labels, THERMAL), tmp_path)
    assert "Plant 1000 Kugellager" in text
    assert "Mfd 2025-01-10 Status quarantine Edelstahlblech" in text
    assert "WC" not in text
    assert "Exp" not in text


@pytest.mark.parametrize("fmt", [THERMAL, SHEET])
def test_long_texts_are_cut_inside_their_box(fmt: LabelFormat, tmp_path: Path) -> None:
    long = work_order(
        1,
        material_number="MATERIAL-" + "9" * 31,
        material_description=" ".join(["Hochdruck-Zahnradpumpe für Hydrauliköl"] * 8),
        plant_code="WERK-NORD-" + "X" * 30,
    )
    pdf = render_labels([long], fmt)
    sheet = SHEETS[fmt.preset]
    box = regions(sheet, sheet.label_box(0)).text
    words = text_boxes(pdf, tmp_path)
    assert any(word.endswith(ELLIPSIS) for word, *_ in words)
    page_height = sheet.page[1]
    for word, x_min, y_min, x_max, y_max in words:
        # pdftotext measures from the top of the page, reportlab from the bottom.
        assert box.x - 0.01 <= x_min and x_max <= box.right + 0.01, word
        assert page_height - box.top - 0.5 <= y_min and y_max <= page_height - box.y + 0.5, word


def text_boxes(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word of the first label's page with its box, in points from the top left."""
    done = subprocess.run(
        [tool("pdftotext"), "-bbox", "-l", "1", write(pdf, tmp_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [
        (w, float(a), float(b), float(c), float(d))
        for a, b, c, d, w in re.findall(pattern, done.stdout)
    ]


def test_characters_beyond_winansi_are_replaced_not_boxed() -> None:
    assert printable(DESCRIPTION) == DESCRIPTION
    # Windows-1252 has € and typographic quotes and dashes, which Latin-1 lacks.
    assert printable("Łódź Ωmega 中 € „x“ \u2013") == "?ódz ?mega ? € „x“ \u2013"
    assert printable("zwei\n  Zeilen\t") == "zwei Zeilen"


def test_fit_line_shrinks_then_cuts() -> None:
    assert fit_line("kurz", "Helvetica", 10, 100) == ("kurz", 10)
    text = "Kugellager"
    natural = stringWidth(text, "Helvetica", 10)
    shrunk, size = fit_line(text, "Helvetica", 10, natural * 0.9)
    assert shrunk == text
    assert size == pytest.approx(9)
    cut, size = fit_line(DESCRIPTION * 3, "Helvetica", 10, 100)
    assert size == 8
    assert cut.endswith(ELLIPSIS)
    assert cut[:-1] in DESCRIPTION * 3
    assert stringWidth(cut, "Helvetica", size) <= 100


def test_truncate_keeps_the_longest_prefix_that_fits() -> None:
    width = stringWidth("Kugel" + ELLIPSIS, "Helvetica", 10)
    assert truncate("Kugellager", "Helvetica", 10, width) == "Kugel" + ELLIPSIS
    assert truncate("Kugellager", "Helvetica", 10, width - 0.1) == "Kuge" + ELLIPSIS
    assert truncate("Kugellager", "Helvetica", 10, 1) == ""


def test_progress_is_reported_every_50_labels_and_at_the_end() -> None:
    calls: list[tuple[int, int]] = []
    render_labels(mixed(120), SHEET, lambda done, total: calls.append((done, total)))
    assert calls == [(50, 120), (100, 120), (120, 120)]


@pytest.mark.parametrize(("count", "expected"), [(1, [(1, 1)]), (100, [(50, 100), (100, 100)])])
def test_progress_ends_with_total_once(count: int, expected: list[tuple[int, int]]) -> None:
    calls: list[tuple[int, int]] = []
    render_labels(mixed(count), THERMAL, lambda done, total: calls.append((done, total)))
    assert calls == expected


def test_the_same_batch_gives_the_same_bytes() -> None:
    assert render_labels(mixed(5), SHEET) == render_labels(mixed(5), SHEET)
    assert render_labels(mixed(5), SHEET) != render_labels(mixed(6)[1:], SHEET)


def test_an_empty_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="batch is empty"):
        render_labels([], THERMAL)


def test_more_than_5000_labels_are_refused_before_drawing() -> None:
    calls: list[tuple[int, int]] = []
    assert MAX_LABELS == 5_000
    with pytest.raises(ValueError, match="too many labels: 5001 in one batch, at most 5000"):
        render_labels([work_order(1)] * 5_001, SHEET, lambda d, t: calls.append((d, t)))
    assert calls == []


@pytest.mark.parametrize(
    ("label", "message"),
    [
        (work_order(1, order_number="WO-Ä1"), "label 2: barcode content 'WO-Ä1' must be printable"),
        (lot(1, lot_number="L|1"), r"label 2: material and lot number may not contain '\|'"),
        (lot(1, lot_number="L-" + "7A" * 30), "label 2: barcode content .* is too long"),
        (work_order(1, link="https://x/" + "y" * 250), "label 2: link must have 1 to 256 bytes"),
    ],
)
def test_a_label_that_cannot_be_printed_fails_the_batch(label: Label, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_labels([work_order(0), label], SHEET)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="Invalid enum value 'A5'"):
        msgspec.convert({"preset": "A5"}, LabelFormat)
    with pytest.raises(ValueError, match="unknown label format 'A5'; known: 100x50, A4_3x8"):
        render_labels([work_order(1)], LabelFormat(preset="A5"))  # type: ignore[arg-type]


def test_labels_decode_from_an_api_request() -> None:
    body = {
        "order_number": "WO-1000001",
        "material_number": "MAT-100200",
        "material_description": DESCRIPTION,
        "quantity": "250",
        "unit": "pcs",
        "due_date": "2025-03-14",
        "plant_code": "1000",
        "work_center_code": "ASSY-01",
        "link": "https://erp.example.com/production/work-orders/WO-1000001",
    }
    assert msgspec.json.decode(msgspec.json.encode(body), type=WorkOrderLabel) == work_order(1)
    with pytest.raises(msgspec.ValidationError, match="order_number"):
        msgspec.convert({**body, "order_number": "WO|1"}, WorkOrderLabel)
