"""The worker process of a service: same code as the service, another entry point."""

from unison_worker.runtime import WorkerSettings, build_worker_app, run_worker

__all__ = ["WorkerSettings", "build_worker_app", "run_worker"]
