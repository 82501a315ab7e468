"""Non-conformance reports: open -> investigation -> disposition -> verification -> closed,
each step with who and when; the disposition carried out in inventory; files and photos."""
