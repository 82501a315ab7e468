"""Work-order and lot labels as PDF, for label sheets or thermal printers.

Pure: labels in, PDF bytes out; no database, no I/O. ``render_labels`` raises ValueError
for a batch it will not print (empty, over 5,000 labels, or a label whose barcode cannot
be printed); the API layer answers those with 422.
"""

from production.labels.model import MAX_LABELS, LabelFormat, LotLabel, WorkOrderLabel
from production.labels.render import render_labels

__all__ = ["MAX_LABELS", "LabelFormat", "LotLabel", "WorkOrderLabel", "render_labels"]
