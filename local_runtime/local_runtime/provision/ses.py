"""SES identities, created in both SES APIs and marked verified (locally nobody clicks the link).

Receipt rule sets and rules get ids in ``model_only``; ``mail/inbound.py`` reads them from the stack.
"""

from __future__ import annotations

from typing import Any

from local_runtime.template import Resource

from .records import Context, Handler


def email_identity(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    identity = p["EmailIdentity"]
    ctx.client("sesv2").create_email_identity(EmailIdentity=identity)
    if "@" in identity:
        ctx.client("ses").verify_email_identity(EmailAddress=identity)
    else:
        ctx.client("ses").verify_domain_identity(Domain=identity)
    # moto keeps the identity unverified: flip it under the AWS-call lock.
    from moto.ses.models import ses_backends

    from local_runtime import atomic

    with atomic.GATE:
        found = ses_backends[ctx.stack.account_id][ctx.stack.region].email_identities.get(identity)
        if found is not None:
            found.verified_for_sending_status = True
    res.physical_id = identity


HANDLERS: dict[str, Handler] = {"AWS::SES::EmailIdentity": email_identity}
