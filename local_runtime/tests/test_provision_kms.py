"""KMS keys and aliases: a key with the template's description and spec; Ref is the KeyId, GetAtt Arn/KeyId."""

from __future__ import annotations

from pathlib import Path

from local_runtime import LocalRuntime

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  SealingKey:
    Type: AWS::KMS::Key
    Properties:
      Description: Seals something
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: kms:*
            Resource: "*"
  SealingKeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/sealing
      TargetKeyId: !Ref SealingKey
Outputs:
  KeyId:
    Value: !Ref SealingKey
  KeyArn:
    Value: !GetAtt SealingKey.Arn
"""


def test_a_key_is_created_and_encrypts_with_its_context(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    with LocalRuntime(template, serve_http=False) as rt:
        kms = rt.client("kms")
        key_id = rt.physical_id("SealingKey")
        assert rt.stack.outputs["KeyId"] == key_id
        assert rt.stack.outputs["KeyArn"].endswith(f":key/{key_id}")
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "Seals something"
        context = {"purpose": "test"}
        sealed = kms.encrypt(KeyId=key_id, Plaintext=b"secret", EncryptionContext=context)["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=sealed, EncryptionContext=context)["Plaintext"] == b"secret"
        aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
        assert aliases["alias/sealing"] == key_id
