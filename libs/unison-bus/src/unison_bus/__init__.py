"""Events on pgmq topics: contracts' base, publishing inside the business transaction,
and the consumer that hands each event to a handler exactly once."""

from unison_bus.consumer import Consumer, ConsumerSettings, Handler
from unison_bus.event import Event, EventTypes, uuid7
from unison_bus.publisher import publish, publish_many

__all__ = [
    "Consumer",
    "ConsumerSettings",
    "Event",
    "EventTypes",
    "Handler",
    "publish",
    "publish_many",
    "uuid7",
]
