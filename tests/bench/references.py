"""The reference servers, started by the benchmark for the benchmark only, on loopback,
with their data under ``.data/bench`` (never a dependency of Unison itself)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def redis_server(base: Path, port: int = 26379) -> Iterator[int]:
    """Redis as commonly deployed as a cache: no persistence. Yields its pid."""
    workdir = base / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--protected-mode",
            "yes",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port, 20)
        yield proc.pid
    finally:
        _stop(proc)


@contextmanager
def rabbitmq_server(base: Path, port: int = 25672) -> Iterator[int]:
    """RabbitMQ with its defaults (durable queues are declared by the benchmark); yields
    the pid of its Erlang VM (the server itself, for its memory)."""
    workdir = base / "rabbitmq"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    os.chmod(workdir, 0o777)  # noqa: S103 - the server may drop to the rabbitmq user
    env = {
        **os.environ,
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_DIST_PORT": str(port + 1),
        "ERL_EPMD_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODENAME": "unisonbench@localhost",
        "RABBITMQ_MNESIA_BASE": str(workdir / "mnesia"),
        "RABBITMQ_LOG_BASE": str(workdir / "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(workdir / "plugins"),
        "RABBITMQ_PID_FILE": str(workdir / "pid"),
    }
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        ["rabbitmq-server"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait_port(port, 120)
        asyncio.run(_wait_amqp(port))
        # The Erlang VM runs detached from the wrapper script; it writes its pid here.
        pid_file = workdir / "pid"
        yield int(pid_file.read_text().strip()) if pid_file.exists() else proc.pid
    finally:
        subprocess.run(
            ["rabbitmqctl", "-n", "unisonbench@localhost", "stop"],
            env=env,
            capture_output=True,
            check=False,
            timeout=60,
        )
        _stop(proc)
        subprocess.run(["pkill", "-f", "epmd"], check=False)
        log.close()


async def _wait_amqp(port: int) -> None:
    import aio_pika

    deadline = time.monotonic() + 60
    while True:
        try:
            connection = await aio_pika.connect(f"amqp://guest:guest@127.0.0.1:{port}/")
            await connection.close()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def rss_mb(pid: int, *, session: bool = False) -> float:
    """Resident memory of a process, or of its whole session (RabbitMQ runs beam.smp and
    epmd under a wrapper script that started a session of its own)."""
    selector = ["--sid", str(pid)] if session else ["-p", str(pid)]
    out = subprocess.run(
        ["ps", "-o", "rss=", *selector], capture_output=True, text=True, check=False
    ).stdout
    return sum(int(v) for v in out.split()) / 1024
