"""Events on pgmq topics, background jobs and live updates, the same way in every service.

Events are published inside the business transaction and handled exactly once by the
consumer; jobs are rows a client follows plus messages on the service's job queue.
"""

from unison_bus.announce import LiveData, announce, announce_many
from unison_bus.consumer import Consumer, ConsumerSettings, Handler
from unison_bus.event import Event, EventTypes, uuid7
from unison_bus.jobs import JobCancelled, JobContext, JobHandler, JobRunner, enqueue
from unison_bus.live import LiveUpdate, notify_live
from unison_bus.publisher import publish, publish_many
from unison_bus.queue_loop import LoopSettings

__all__ = [
    "Consumer",
    "ConsumerSettings",
    "Event",
    "EventTypes",
    "Handler",
    "JobCancelled",
    "JobContext",
    "JobHandler",
    "JobRunner",
    "LiveData",
    "LiveUpdate",
    "LoopSettings",
    "announce",
    "announce_many",
    "enqueue",
    "notify_live",
    "publish",
    "publish_many",
    "uuid7",
]
