"""Webhooks: signed, retried, logged deliveries with one rotating secret per workspace.

For receivers: `framelane.webhooks.verify(payload, header, secret, tolerance=300)` checks a
`Framelane-Signature` header against the raw request body (see docs/webhooks.md).
For processes: the feature (`framelane.webhooks.feature`) subscribes the outbox to domain
events and runs the dispatcher in `framelane serve` and `framelane worker` processes.
"""

from framelane.webhooks.signing import SIGNATURE_HEADER, sign, verify

__all__ = ["SIGNATURE_HEADER", "sign", "verify"]
