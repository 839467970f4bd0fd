"""The official Python a2a-sdk 1.x client against an A2A agent: card, send, stream, get task,
cancel, once per mode (1.0 JSON-RPC, 1.0 HTTP+JSON, 0.3 JSON-RPC through the SDK's compat
transport). Prints one JSON object of observations; the jest test asserts on it.

Usage: python a2a_client_check.py <agent base url>
"""
import asyncio
import json
import sys

from a2a.client import ClientConfig, ClientFactory
from a2a.client.card_resolver import A2ACardResolver
from a2a.types import (AgentCard, AgentInterface, CancelTaskRequest, GetTaskRequest, Message, Part,
                       Role, SendMessageConfiguration, SendMessageRequest, TaskState)
from google.protobuf.json_format import MessageToDict
from google.protobuf.struct_pb2 import Struct
import httpx


def message(text, skill, data=None):
    meta = Struct()
    meta.update({"skillId": skill})
    parts = [Part(text=text)] if data is None else [Part(data=_struct(data))]
    return Message(role=Role.ROLE_USER, message_id=f"py-{skill}-{text}-{id(parts)}", parts=parts, metadata=meta)


def _struct(d):
    s = Struct()
    s.update(d)
    from google.protobuf.struct_pb2 import Value
    v = Value()
    v.struct_value.CopyFrom(s)
    return v


def state_name(s):
    return TaskState.Name(s)


async def run_mode(base, card, binding, version):
    ifaces = [i for i in card.supported_interfaces if i.protocol_binding == binding and i.protocol_version == version]
    one = AgentCard()
    one.CopyFrom(card)
    del one.supported_interfaces[:]
    one.supported_interfaces.extend(ifaces)
    out = {"interface": MessageToDict(ifaces[0]) if ifaces else None}
    async with httpx.AsyncClient(timeout=30) as http:
        factory = ClientFactory(ClientConfig(httpx_client=http, supported_protocol_bindings=[binding], streaming=False))
        client = factory.create(one)
        # send: a message skill answers with one message
        got = [ev async for ev in client.send_message(SendMessageRequest(message=message("hello", "echo")))]
        out["send"] = [MessageToDict(g) for g in got]
        # send of a streaming skill (non-streaming client): the finished task; get task reads it back
        got = [ev async for ev in client.send_message(SendMessageRequest(message=message("2", "count")))]
        task = got[-1].task
        out["sendTaskState"] = state_name(task.status.state)
        again = await client.get_task(GetTaskRequest(id=task.id))
        out["getTask"] = {"state": state_name(again.status.state), "artifacts": [p.text for a in again.artifacts for p in a.parts]}
        await client.close()
        # stream
        streamer = ClientFactory(ClientConfig(httpx_client=http, supported_protocol_bindings=[binding], streaming=True)).create(one)
        events = [ev async for ev in streamer.send_message(SendMessageRequest(message=message("3", "count")))]
        out["stream"] = [ev.WhichOneof("payload") for ev in events]
        out["streamLastState"] = state_name(events[-1].status_update.status.state) if events[-1].HasField("status_update") else None
        out["streamTexts"] = [p.text for ev in events if ev.HasField("artifact_update") for p in ev.artifact_update.artifact.parts]
        # cancel a running task
        it = streamer.send_message(SendMessageRequest(message=message("", "count", {"n": 100, "intervalMs": 50})))
        first = await it.__anext__()
        tid = first.task.id
        canceled = await streamer.cancel_task(CancelTaskRequest(id=tid))
        out["cancel"] = state_name(canceled.status.state)
        rest = [ev async for ev in it]
        out["cancelStreamLast"] = state_name(rest[-1].status_update.status.state) if rest and rest[-1].HasField("status_update") else None
        out["cancelGetTask"] = state_name((await streamer.get_task(GetTaskRequest(id=tid))).status.state)
        await streamer.close()
    return out


async def main(base):
    async with httpx.AsyncClient(timeout=30) as http:
        card = await A2ACardResolver(http, base).get_agent_card()
    result = {"card": MessageToDict(card), "modes": {}}
    for binding, version in [("JSONRPC", "1.0"), ("HTTP+JSON", "1.0"), ("JSONRPC", "0.3")]:
        try:
            result["modes"][f"{binding} {version}"] = await run_mode(base, card, binding, version)
        except Exception as e:  # reported, asserted on by the test
            result["modes"][f"{binding} {version}"] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
