class FlakyError(Exception):
    pass


CALLS = {"n": 0}


def lambda_handler(event, context):
    CALLS["n"] += 1
    if CALLS["n"] % 2 == 1:
        raise FlakyError("first try fails")
    return {"ok": True, "attempt": CALLS["n"], "input": event}
