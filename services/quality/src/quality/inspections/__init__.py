"""Inspection lots: made from a receipt, an operation's completion, a final receipt, a
period, or by hand; sampled by their plan (ISO 2859-1 with switching, fixed, or 100%);
results per sample and characteristic; the plan's verdict with the rule that gave it;
the quality engineer's usage decision, which lifts the lot's hold in inventory."""
