"""Drives the local Identity service with boto3 through the standard endpoint variables.

Creates a workload identity and an API-key credential provider, then fetches the key back
through a workload access token, and prints what it saw as one JSON line.
"""

import json
import sys

import boto3

control = boto3.client("bedrock-agentcore-control")
data = boto3.client("bedrock-agentcore")

provider_name, api_key, workload_name, user_id = sys.argv[1:5]

workload = control.create_workload_identity(name=workload_name, allowedResourceOauth2ReturnUrls=[])
provider = control.create_api_key_credential_provider(name=provider_name, apiKey=api_key)
token = data.get_workload_access_token_for_user_id(workloadName=workload_name, userId=user_id)
fetched = data.get_resource_api_key(
    workloadIdentityToken=token["workloadAccessToken"],
    resourceCredentialProviderName=provider_name,
)

try:
    data.get_resource_api_key(
        workloadIdentityToken=token["workloadAccessToken"],
        resourceCredentialProviderName="no-such-provider",
    )
    missing_error = None
except data.exceptions.ResourceNotFoundException as error:
    missing_error = error.response["Error"]["Code"]

print(
    json.dumps(
        {
            "workload_arn": workload["workloadIdentityArn"],
            "provider_arn": provider["credentialProviderArn"],
            "api_key_matches": fetched["apiKey"] == api_key,
            "missing_provider_error": missing_error,
        }
    )
)
