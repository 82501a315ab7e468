"""Drawing a batch of labels into one PDF."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCode
from reportlab.pdfgen.canvas import Canvas

from production.labels.layout import MAX_MODULE, Box, Regions, Sheet, regions, sheet_for
from production.labels.model import MAX_LABELS, Label, LabelFormat, LotLabel, WorkOrderLabel
from production.labels.text import BOLD, FONT, fit_line, printable, wrap

Progress = Callable[[int, int], None]

# A job's progress is stored per report; every label would be chatter.
PROGRESS_EVERY = 50
# Code 128 needs 10 modules of blank space on each side to find where the code starts.
QUIET_MODULES = 10
# QR quiet zone (4 modules, as the standard asks) and error correction M (15 %): enough for
# a scuffed label without making the modules much smaller than level L.
QR_BORDER = 4
QR_LEVEL = "M"
MAX_LINK_BYTES = 256
LEADING = 1.2
# Baseline below a line's top, in font sizes: Helvetica's accented capitals (Ä, Ø) reach
# 0.93 above it and descenders 0.21 below, which keeps both inside the line's 1.2.
BASELINE = 0.95
MAX_FONT_SIZE = 10.0


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    font: str = FONT
    scale: float = 1.0
    # Lines of the text box this text may wrap onto.
    slots: int = 1


@dataclass(frozen=True, slots=True)
class Planned:
    label: Label
    barcode: str
    module: float


def render_labels(
    labels: Sequence[WorkOrderLabel | LotLabel],
    fmt: LabelFormat,
    on_progress: Progress | None = None,
) -> bytes:
    """One PDF with every label of ``labels`` on ``fmt``'s stock, in order.

    Each label has its texts, a Code 128 barcode (a work order's number exactly, or a lot's
    ``material|lot``) and a QR code of its ``link``. Every label is checked before the
    first is drawn, so a bad one fails the whole batch with a ValueError naming it.
    ``on_progress(done, total)`` is called every 50 labels and once at the end.
    """
    sheet = sheet_for(fmt)
    _check_batch_size(len(labels))
    sample = regions(sheet, sheet.label_box(0))
    planned = [_plan(i, label, sample.barcode, sheet) for i, label in enumerate(labels)]
    return _draw(planned, sheet, on_progress)


def _check_batch_size(count: int) -> None:
    if count == 0:
        raise ValueError("no labels to render: the batch is empty")
    if count > MAX_LABELS:
        raise ValueError(
            f"too many labels: {count} in one batch, at most {MAX_LABELS}; split the batch"
        )


def _plan(index: int, label: Label, barcode: Box, sheet: Sheet) -> Planned:
    try:
        value = barcode_value(label)
        _check_link(label.link)
        module = module_width(value, barcode.width, sheet)
    except ValueError as e:
        raise ValueError(f"label {index + 1}: {e}") from None
    return Planned(label=label, barcode=value, module=module)


def barcode_value(label: Label) -> str:
    """What the Code 128 barcode of ``label`` carries."""
    if isinstance(label, WorkOrderLabel):
        value = label.order_number
    elif isinstance(label, LotLabel):
        if "|" in label.material_number or "|" in label.lot_number:
            raise ValueError("material and lot number may not contain '|' (it separates them)")
        value = f"{label.material_number}|{label.lot_number}"
    else:
        raise TypeError(f"not a label: {type(label).__name__}")
    if not value or not all(" " <= ch <= "~" for ch in value):
        # reportlab would silently drop the rest and print a code that scans differently.
        raise ValueError(f"barcode content {value!r} must be printable ASCII and not empty")
    return value


def _check_link(link: str) -> None:
    size = len(link.encode())
    if not 0 < size <= MAX_LINK_BYTES:
        raise ValueError(f"link must have 1 to {MAX_LINK_BYTES} bytes, has {size}")


def module_width(value: str, width: float, sheet: Sheet) -> float:
    """The bar width that fits ``value``'s Code 128 and its quiet zones into ``width``."""
    modules = Code128(value, barWidth=1, quiet=0).width + 2 * QUIET_MODULES
    module = min(MAX_MODULE, width / modules)
    if module < sheet.min_module:
        raise ValueError(
            f"barcode content {value!r} is too long for this label format: its bars would "
            f"be {module / sheet.min_module:.0%} of the narrowest width scanners read"
        )
    return float(module)


def _draw(planned: Sequence[Planned], sheet: Sheet, on_progress: Progress | None) -> bytes:
    out = io.BytesIO()
    # invariant: a fixed creation date and document id, so the same batch gives the same
    # bytes (reprints can be compared, tests can compare).
    canvas = Canvas(out, pagesize=sheet.page, invariant=1)
    canvas.setTitle("Labels")
    canvas.setCreator("Unison production")
    total = len(planned)
    for done, item in enumerate(planned, start=1):
        slot = (done - 1) % sheet.per_page
        if slot == 0 and done > 1:
            canvas.showPage()
        draw_label(canvas, item, regions(sheet, sheet.label_box(slot)))
        if on_progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            on_progress(done, total)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def draw_label(canvas: Canvas, item: Planned, where: Regions) -> None:
    _draw_text(canvas, lines_of(item.label), where.text)
    qr = QrCode(
        item.label.link,
        width=where.qr.width,
        height=where.qr.height,
        qrLevel=QR_LEVEL,
        qrBorder=QR_BORDER,
    )
    qr.drawOn(canvas, where.qr.x, where.qr.y)
    quiet = QUIET_MODULES * item.module
    bars = Code128(
        item.barcode,
        barWidth=item.module,
        barHeight=where.barcode.height,
        lquiet=quiet,
        rquiet=quiet,
    )
    bars.drawOn(canvas, where.barcode.x, where.barcode.y)


def lines_of(label: Label) -> list[Line]:
    """The texts of a label, top to bottom; the description wraps onto two lines."""
    quantity = f"Qty {label.quantity:f} {label.unit}"
    description = Line(label.material_description, slots=2)
    material = Line(f"Material {label.material_number}", BOLD)
    if isinstance(label, WorkOrderLabel):
        center = f" · WC {label.work_center_code}" if label.work_center_code else ""
        return [
            Line(f"WO {label.order_number}", BOLD, 1.4),
            material,
            Line(quantity),
            Line(f"Due {label.due_date.isoformat()}"),
            Line(f"Plant {label.plant_code}{center}"),
            description,
        ]
    expires = f" · Exp {label.expires_on.isoformat()}" if label.expires_on else ""
    order = f" · WO {label.order_number}" if label.order_number else ""
    return [
        Line(f"Lot {label.lot_number}", BOLD, 1.4),
        material,
        Line(quantity),
        Line(f"Mfd {label.manufactured_on.isoformat()}{expires}"),
        Line(f"Status {label.status}{order}"),
        description,
    ]


def _draw_text(canvas: Canvas, lines: Sequence[Line], box: Box) -> None:
    """Every line inside ``box``: sizes shrink to fit its height, then each line its width."""
    units = sum(line.scale * line.slots for line in lines) * LEADING
    base = min(MAX_FONT_SIZE, box.height / units)
    top = box.top
    for line in lines:
        size = base * line.scale
        text = printable(line.text)
        parts = wrap(text, line.font, size, box.width, line.slots) if line.slots > 1 else [text]
        for part in parts:
            fitted, fitted_size = fit_line(part, line.font, size, box.width)
            canvas.setFont(line.font, fitted_size)
            canvas.drawString(box.x, top - BASELINE * size, fitted)
            top -= LEADING * size
