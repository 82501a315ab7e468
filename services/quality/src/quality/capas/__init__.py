"""Corrective and preventive actions: root cause as structured data (5 Why, Ishikawa),
actions with owners and due dates, an effectiveness check; linked to NCRs; overdue ones
flagged daily."""
