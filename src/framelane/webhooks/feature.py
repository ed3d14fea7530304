"""What the webhooks feature plugs in: endpoints and deliveries over HTTP, the outbox that
turns domain events into deliveries, the dispatcher (in `framelane serve` and every
`framelane worker`), and `framelane webhooks …`."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature
from framelane.webhooks import cli

COMMANDS: tuple[CommandRegistrar, ...] = (cli.register,)


def feature() -> Feature:
    from framelane.webhooks import dispatcher, endpoints, service

    return Feature(
        name="webhooks",
        routers=(endpoints.router,),
        event_subscribers=(service.record_event,),
        # several dispatchers share the database safely: each attempt is leased
        worker_services=(dispatcher.start_background,),
        commands=COMMANDS,
    )
