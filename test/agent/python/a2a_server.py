"""An A2A agent on the official Python a2a-sdk 1.x server (Starlette + uvicorn), for callSkill
tests. `--version 1.0`: its card offers JSON-RPC 1.0 only; `--version 0.3`: a 0.3 JSON-RPC
interface only, served by the SDK's v0.3 compatibility layer. Skill `draft` answers with a
message; a message whose text starts with "stream" is answered as a task with two artifact
updates. Prints "listening <url>" once up.

Usage: python a2a_server.py --version 1.0|0.3 --port N
"""
import argparse
import asyncio
import socket

import uvicorn
from starlette.applications import Starlette

from a2a.server.agent_execution import AgentExecutor
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill, Message, Part, Role, Task, TaskState, TaskStatus


class DraftExecutor(AgentExecutor):
    async def execute(self, context, event_queue):
        text = context.get_user_input()
        if not text.startswith("stream"):
            await event_queue.enqueue_event(Message(role=Role.ROLE_AGENT, message_id=f"a-{context.task_id}", context_id=context.context_id, task_id=context.task_id, parts=[Part(text=f"py draft: {text}")]))
            return
        await event_queue.enqueue_event(Task(id=context.task_id, context_id=context.context_id, status=TaskStatus(state=TaskState.TASK_STATE_WORKING), history=[context.message]))
        updater = TaskUpdater(event_queue, context.task_id, context.context_id)
        await updater.add_artifact([Part(text="one ")], artifact_id="r")
        await updater.add_artifact([Part(text="two")], artifact_id="r", append=True)
        await updater.complete()

    async def cancel(self, context, event_queue):
        await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", choices=["1.0", "0.3"], required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    sock = socket.socket()
    sock.bind(("127.0.0.1", args.port))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    card = AgentCard(
        name=f"py-writer-{args.version}", description="Python a2a-sdk agent", version="1.0.0",
        supported_interfaces=[AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version=args.version)],
        capabilities=AgentCapabilities(streaming=True), default_input_modes=["text/plain"], default_output_modes=["text/plain"],
        skills=[AgentSkill(id="draft", name="Draft", description="Drafts", tags=["example"])],
    )
    handler = DefaultRequestHandler(agent_executor=DraftExecutor(), task_store=InMemoryTaskStore(), agent_card=card)
    routes = create_agent_card_routes(card) + create_jsonrpc_routes(handler, "/", enable_v0_3_compat=(args.version == "0.3"))
    app = Starlette(routes=routes)
    print(f"listening {url}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    asyncio.run(server.serve(sockets=[sock]))


if __name__ == "__main__":
    main()
