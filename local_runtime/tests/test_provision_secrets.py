"""Secrets Manager secrets: a given SecretString, or one generated as GenerateSecretString says; Ref is the ARN."""

from __future__ import annotations

import json
from pathlib import Path

from local_runtime import LocalRuntime

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Initial: {Type: String, Default: ""}
Conditions:
  HasInitial: !Not [!Equals [!Ref Initial, ""]]
Resources:
  Given:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: app/given
      SecretString: !If [HasInitial, !Sub '{"current":"${Initial}"}', !Ref AWS::NoValue]
      GenerateSecretString: !If
        - HasInitial
        - !Ref AWS::NoValue
        - SecretStringTemplate: '{"previous":""}'
          GenerateStringKey: current
          PasswordLength: 40
          ExcludePunctuation: true
  Plain:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: {PasswordLength: 20, ExcludeCharacters: "abc"}
Outputs:
  GivenArn:
    Value: !Ref Given
"""


def _value(rt: LocalRuntime, logical_id: str) -> str:
    return str(rt.client("secretsmanager").get_secret_value(SecretId=rt.physical_id(logical_id))["SecretString"])


def test_a_given_secret_string_is_stored_and_ref_is_the_arn(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    with LocalRuntime(template, serve_http=False, parameters={"Initial": "whsec_known"}) as rt:
        arn = rt.physical_id("Given")
        assert arn.startswith("arn:aws:secretsmanager:") and ":secret:app/given" in arn
        assert rt.stack.outputs["GivenArn"] == arn
        assert json.loads(_value(rt, "Given")) == {"current": "whsec_known"}


def test_a_generated_secret_follows_its_template_length_and_exclusions(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    with LocalRuntime(template, serve_http=False) as rt:
        given = json.loads(_value(rt, "Given"))
        assert given["previous"] == "" and len(given["current"]) == 40 and given["current"].isalnum()
        plain = _value(rt, "Plain")
        assert len(plain) == 20 and not set(plain) & set("abc")
        assert rt.stack.resources["Plain"].emulated
