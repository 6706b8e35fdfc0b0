"""The `python` target: a runnable FastStream (+ FastAPI) project, one package per service.

Which files exist and what each is rendered from lives here; what is in them lives in
`templates/python/`. Broker-specific source fragments (a queue declaration, a publish
call) come from python_fragments.py, so one template serves every broker.
"""

from __future__ import annotations

import json
from typing import Any

from designer.core.broker_registry import broker_named
from designer.core.channels import DELIVERY_ATTEMPTS
from designer.core.model import Design

from .context import GenerationContext
from .context_builder import build_context
from .environment import make_environment, render
from .identifiers import pascal
from .manifest import IDENTIFIERS_PATH
from .python_fragments import (
    Fragments,
    app_imports,
    handler_imports,
    service_imports,
    stub_imports,
    wiring_test_entries,
    wiring_test_imports,
)
from .targets import IDENTIFIERS_KEY, TargetOptions, register
from .user_code import stale_python_file

# Written once, then the user's: handlers, their own dependencies, their .gitignore.
USER_FILES = ("*/handlers.py", "requirements.txt", ".gitignore", "tests/handlers/*.py")

# The FastStream releases generated projects pass on (ruff, strict mypy, their own tests):
# measured per release, see tests/cli/test_generate_versions.py, which checks the lowest,
# while the rest of the suite runs the highest. On 0.6.0-0.7.5 strict mypy rejects the
# NATS and Redis subscriber decorators (`untyped-decorator`); 0.5 has no
# `FastStream(specification=AsyncAPI(...))`.
FASTSTREAM_LOWEST = "0.7.6"
FASTSTREAM_RANGE = f">={FASTSTREAM_LOWEST},<0.8"


@register(
    "python",
    help="runnable FastStream/FastAPI service skeletons (one package per service)",
    user_files=USER_FILES,
    stale_check=stale_python_file,
)
def python_project(design: Design, options: TargetOptions) -> dict[str, str]:
    previous = options.extra.get(IDENTIFIERS_KEY) or {}
    context = build_context(design, options.broker, previous)
    files = render_project(context, options)
    # Kept beside the manifest so the next run gives every item the same identifier.
    mapping = {**previous, **context.identifiers}
    files[IDENTIFIERS_PATH] = (
        json.dumps(dict(sorted(mapping.items())), indent=2, ensure_ascii=False) + "\n"
    )
    return files


def render_project(context: GenerationContext, options: TargetOptions) -> dict[str, str]:
    env = make_environment(options.templates)
    helpers = Fragments(context)
    flavour = helpers.flavour
    common: dict[str, Any] = {
        "context_version": context.context_version,
        "generator": context.generator,
        "design_name": context.design_name,
        "design_description": context.design_description,
        "project": context.project,
        "broker": context.broker,
        "records": context.records,
        "models": context.models,
        "messages": context.messages,
        "services": context.services,
        "uses_http": context.uses_http,
        "contract_imports": context.contract_imports,
        "type_aliases": context.type_aliases,
        "contracts_init_imports": [
            "contracts.envelope:Accepted",
            "contracts.envelope:Contract",
            *(f"contracts.messages:{m.class_name}" for m in context.models),
        ],
        "first_party": context.first_party,
        "broker_class": flavour.broker_class,
        "broker_module": flavour.module,
        "delivery_attempts": DELIVERY_ATTEMPTS,
        "test_broker": flavour.test_broker,
        "broker_extra": broker_named(options.broker).faststream_extra,
        "default_broker_url": flavour.default_url,
        "ports_by_package": {s.package: s.port for s in context.services},
        "stream_subjects": helpers.stream_subjects,
        "exchange_expr": helpers.exchange_expr,
        "queue_expr": helpers.queue_expr,
        "channel_text": helpers.channel_text,
        "channels_text": lambda channels: ", ".join(helpers.channel_text(c) for c in channels),
        "stream_expr": helpers.stream_expr,
        "example": helpers.example,
        "spy_decorator": helpers.spy_decorator,
        "publish_call": helpers.publish_call,
        "outbound_arguments": helpers.outbound_arguments,
        "publish_address": helpers.publish_address,
        "publish_metadata": helpers.publish_metadata,
        "delivered_channel": helpers.delivered_channel,
        "faststream_range": FASTSTREAM_RANGE,
    }
    files: dict[str, str] = {}
    files[".gitignore"] = render(env, "python/gitignore.j2", **common)
    for name in (
        "pyproject.toml",
        "requirements.txt",
        "requirements-msgflow.txt",
        "README.md",
        "msgflow_runtime.py",
        "contracts/__init__.py",
        "contracts/envelope.py",
        "contracts/messages.py",
    ):
        files[name] = render(env, f"python/{name}.j2", **common)
    for service in context.services:
        handlers_class = pascal(service.package) + "Handlers"
        outbound_by_method = {o.method: o for o in service.outbound}
        per_service = dict(common)
        per_service.update(
            service=service,
            handlers_class=handlers_class,
            service_imports=service_imports(context, service, flavour),
            handler_imports=handler_imports(service),
            stub_imports=stub_imports(service),
            default_imports=handler_imports(service),
            user_test_name=f"handlers/test_{service.package}_handlers.py",
            app_imports=app_imports(service, handlers_class),
            test_imports=wiring_test_imports(helpers, service),
            entries_of=lambda h, s=service: wiring_test_entries(s, h),
            outbound_of=lambda a, m=outbound_by_method: m[a.method],
            http_methods=[o.method for o in service.outbound if o.transport == "http"],
            reply_subscriber=lambda reply, s=service: (
                "receive_answer"
                if s.reply_channels.index(reply) == 0
                else f"receive_answer_{s.reply_channels.index(reply) + 1}"
            ),
        )
        for name in (
            "__init__.py",
            "_generated.py",
            "handlers_stubs.py",
            "defaults.py",
            "handlers.py",
            "app.py",
            "__main__.py",
        ):
            files[f"{service.package}/{name}"] = render(
                env, f"python/service/{name}.j2", **per_service
            )
        files[f"tests/test_{service.package}.py"] = render(
            env, "python/tests/test_service.py.j2", **per_service
        )
        files[f"tests/{per_service['user_test_name']}"] = render(
            env, "python/tests/test_handlers.py.j2", **per_service
        )
    return files
