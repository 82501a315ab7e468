"""Where things go: the label stock of each format and the regions inside one label.

Units are PDF points (1/72 inch), origin at the page's bottom left, as reportlab draws.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from production.labels.model import FormatName, LabelFormat


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True, slots=True)
class Sheet:
    """One preset's label stock and how a label is divided up."""

    page: tuple[float, float]
    columns: int
    rows: int
    label: tuple[float, float]
    # Offset of the first label from the page's top left corner.
    offset: tuple[float, float]
    # Blank border inside a label: office printers cannot print to the sheet's edge, and a
    # die-cut label may sit a little off.
    padding: tuple[float, float]
    barcode_height: float
    gap: float
    # Narrowest Code 128 bar scanners read reliably on this stock: 2 dots of a 203 dpi
    # thermal head, or 7.5 mil (the usual lower bound) on a laser printer.
    min_module: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def label_box(self, slot: int) -> Box:
        """The ``slot``-th label of a page, row by row from the top left."""
        row, column = divmod(slot, self.columns)
        width, height = self.label
        x = self.offset[0] + column * width
        y = self.page[1] - self.offset[1] - (row + 1) * height
        return Box(x, y, width, height)


@dataclass(frozen=True, slots=True)
class Regions:
    text: Box
    qr: Box
    barcode: Box


# Above this, bars only get longer and the code no easier to read.
MAX_MODULE = 0.5 * mm

SHEETS: dict[FormatName, Sheet] = {
    "100x50": Sheet(
        page=(100 * mm, 50 * mm),
        columns=1,
        rows=1,
        label=(100 * mm, 50 * mm),
        offset=(0, 0),
        padding=(3 * mm, 3 * mm),
        barcode_height=12 * mm,
        gap=1.5 * mm,
        min_module=0.25 * mm,
    ),
    "A4_3x8": Sheet(
        page=A4,
        columns=3,
        rows=8,
        label=(70 * mm, 37 * mm),
        # 8 x 37 mm = 296 mm: the sheet's spare millimetre is split above and below.
        offset=(0, 0.5 * mm),
        padding=(4 * mm, 2 * mm),
        barcode_height=9 * mm,
        gap=1 * mm,
        min_module=0.19 * mm,
    ),
}


def sheet_for(fmt: LabelFormat) -> Sheet:
    try:
        return SHEETS[fmt.preset]
    except KeyError:
        known = ", ".join(sorted(SHEETS))
        raise ValueError(f"unknown label format {fmt.preset!r}; known: {known}") from None


def regions(sheet: Sheet, label: Box) -> Regions:
    """Barcode across the bottom, QR code square at the top right, text to its left."""
    pad_x, pad_y = sheet.padding
    inner = Box(label.x + pad_x, label.y + pad_y, label.width - 2 * pad_x, label.height - 2 * pad_y)
    barcode = Box(inner.x, inner.y, inner.width, sheet.barcode_height)
    side = inner.height - sheet.barcode_height - sheet.gap
    qr = Box(inner.right - side, inner.top - side, side, side)
    text = Box(inner.x, qr.y, qr.x - sheet.gap - inner.x, side)
    return Regions(text=text, qr=qr, barcode=barcode)
