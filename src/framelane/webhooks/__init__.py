"""Webhooks: signed, retried, logged deliveries with one rotating secret per workspace.

For receivers: `framelane.webhooks.verify(payload, header, secret, tolerance=300)` checks a
`Framelane-Signature` header against the raw request body (see docs/webhooks.md).
For processes: `framelane.webhooks.install()` subscribes the outbox to domain events (done at
import) and registers the dispatcher with `framelane serve`; `framelane worker` processes run
`framelane.webhooks.dispatcher.start_background(settings)`.
"""

from framelane.webhooks.signing import SIGNATURE_HEADER, sign, verify
from framelane.webhooks.wiring import install

install()

from framelane.webhooks.service import validate_webhook_url  # noqa: E402

__all__ = ["SIGNATURE_HEADER", "install", "sign", "validate_webhook_url", "verify"]
