"""Create every supported resource of the translated template in moto.

Why: handlers talk to AWS through boto3 as in production; moto must hold the same tables,
queues, buses and state machines, with the same names and ARNs CloudFormation would
produce. Resources are provisioned in dependency sequence and their properties resolved just
before, so Ref/GetAtt see real physical ids (e.g. the table's real stream ARN).

One module per service family, each exporting ``HANDLERS`` (type -> function); ``provisioner.HANDLERS``
merges them. Types the runtime serves from the stack model get ids in ``model_only``; any other type is
recorded as "not emulated". A resource that cannot be resolved or created is skipped with one line on
stderr saying why.
"""

from __future__ import annotations

from .model_only import MODEL_ONLY
from .provisioner import HANDLERS, Provisioner
from .records import Context, Provisioned, RuleInfo, ScheduleInfo, StreamMapping

__all__ = [
    "HANDLERS",
    "MODEL_ONLY",
    "Context",
    "Provisioned",
    "Provisioner",
    "RuleInfo",
    "ScheduleInfo",
    "StreamMapping",
]
