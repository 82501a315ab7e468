"""What a label says: the label Structs, the format presets and the batch limit.

Meta constraints apply when the API layer decodes a request; ``render_labels`` checks what
it relies on again, because a Struct built in code is not validated.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

# A background job renders a batch in one go: 5,000 labels is about 200 A4 sheets, which
# bounds both the memory of one PDF and how long a job holds a worker.
MAX_LABELS = 5_000

# Code 128 encodes ASCII only (reportlab silently drops anything else), so what goes into
# the barcode is restricted to printable ASCII. ``|`` separates material and lot in a lot
# barcode, so it may not occur inside either.
BarcodeText = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[ -{}~]+$")]
Text = Annotated[str, Meta(min_length=1, max_length=200)]
Code = Annotated[str, Meta(min_length=1, max_length=40)]
Unit = Annotated[str, Meta(min_length=1, max_length=10)]
# The QR code carries the link; 256 bytes keeps its modules large enough to scan on the
# smallest label (see layout.py).
Link = Annotated[str, Meta(min_length=1, max_length=256)]
FormatName = Literal["A4_3x8", "100x50"]


class WorkOrderLabel(msgspec.Struct, frozen=True, kw_only=True):
    """Travels with a work order: Code 128 = the order number exactly, QR = ``link``."""

    order_number: BarcodeText
    material_number: Code
    material_description: Text
    quantity: Decimal
    unit: Unit
    due_date: date
    plant_code: Code
    link: Link
    work_center_code: Code | None = None


class LotLabel(msgspec.Struct, frozen=True, kw_only=True):
    """Sticks on a lot's container: Code 128 = ``material|lot``, QR = ``link``."""

    material_number: BarcodeText
    material_description: Text
    lot_number: BarcodeText
    quantity: Decimal
    unit: Unit
    manufactured_on: date
    status: Code
    link: Link
    expires_on: date | None = None
    order_number: Code | None = None


Label = WorkOrderLabel | LotLabel


class LabelFormat(msgspec.Struct, frozen=True, kw_only=True):
    """Which label stock to print on.

    ``"100x50"`` (default): one 100 x 50 mm label per page, for thermal label printers.
    ``"A4_3x8"``: A4 sheets of 3 columns x 8 rows of 70 x 37 mm labels (office label sheets).
    """

    preset: FormatName = "100x50"
