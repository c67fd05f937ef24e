"""Sends one email through SES (v2 raw when asked, else v1 simple)."""

import json
import os
from email.message import EmailMessage

import boto3


def handler(event, context):
    body = json.loads(event["body"]) if "body" in event else event
    sender = os.environ["SENDER_EMAIL"]
    if body.get("raw"):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, body["to"], body["subject"]
        msg.set_content("text part")
        msg.add_alternative("<p>html part</p>", subtype="html")
        boto3.client("sesv2").send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [body["to"]]},
            Content={"Raw": {"Data": msg.as_bytes()}},
        )
    else:
        boto3.client("ses").send_email(
            Source=sender,
            Destination={"ToAddresses": [body["to"]]},
            Message={"Subject": {"Data": body["subject"]}, "Body": {"Text": {"Data": "hello"}}},
        )
    return {"statusCode": 202, "body": json.dumps({"sent": True})}
