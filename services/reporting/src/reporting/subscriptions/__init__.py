"""Scheduled reports: subscriptions to a dashboard, sent daily or weekly by e-mail."""
