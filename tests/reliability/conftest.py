"""One reliability stack for the package, and the figures its tests measured.

The tests print nothing themselves: each adds figures with ``record``, and they are
printed once at the end of the run (``./dev reliability`` shows them; so does CI's log).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability import harness
from tests.reliability.figures import FIGURES
from unison_stack.stack import Stack
from unison_stack.supervisor import Supervisor


@pytest.fixture(scope="package")
def reliable_stack() -> Iterator[Supervisor]:
    stack: Stack = harness.reliability_stack()
    supervisor = harness.start(stack)
    try:
        yield supervisor
    finally:
        harness.stop(stack, supervisor)


@pytest.fixture(scope="package")
def gateway(reliable_stack: Supervisor) -> str:
    return harness.gateway_url(reliable_stack)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    form = "full" if harness.full() else "quick"
    terminalreporter.section(f"reliability figures ({form} form)")
    width = max(len(name) for name, _ in FIGURES)
    for name, value in FIGURES:
        terminalreporter.write_line(f"{name:<{width}}  {value}")
