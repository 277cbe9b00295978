"""Runs the Python SDK's `requires_access_token` against the local Identity service, unchanged.

Usage: sdk_access_token.py FLOW PROVIDER WORKLOAD_ACCESS_TOKEN [RETURN_URL]

The endpoints come from the standard `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE` variables. The
workload access token is put into the SDK's request context, as AgentCore Runtime would. For
USER_FEDERATION the authorization URL is printed as one JSON line for the test to follow, and
the SDK's own poller waits for the consent. The result is printed as a final JSON line.
"""

import asyncio
import json
import sys

from bedrock_agentcore.identity.auth import requires_access_token
from bedrock_agentcore.runtime import BedrockAgentCoreContext

flow, provider, workload_access_token = sys.argv[1:4]
return_url = sys.argv[4] if len(sys.argv) > 4 else None


def emit(event):
    print(json.dumps(event), flush=True)


def show_url(url):
    emit({"event": "authorization_url", "url": url})


@requires_access_token(
    provider_name=provider,
    scopes=["openid", "profile"],
    auth_flow=flow,
    on_auth_url=show_url,
    callback_url=return_url,
)
async def call_service(*, access_token):
    return access_token


async def main():
    BedrockAgentCoreContext.set_workload_access_token(workload_access_token)
    token = await call_service()
    emit({"event": "token", "access_token": token})


asyncio.run(main())
