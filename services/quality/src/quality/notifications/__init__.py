"""Who is told what by e-mail: subscriptions by address or role, the people of each role
(from identity's events), and every e-mail as a row written in the transaction of what it
tells and sent by a job, retried, and kept sent or failed: never lost.

Other quality modules call :func:`notify` inside their business transaction."""

from quality.notifications.service import JOB_KIND, KINDS, notify

__all__ = ["JOB_KIND", "KINDS", "notify"]
