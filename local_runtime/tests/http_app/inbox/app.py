"""Receives SES receipt events; keeps them in memory so tests can look."""

RECEIVED = []


def handler(event, context):
    RECEIVED.append(event)
    return {"disposition": "CONTINUE"}
