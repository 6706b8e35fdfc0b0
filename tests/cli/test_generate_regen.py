"""Regeneration after the design grows: the user's code is untouched, the service still
starts, and the plan names what the user must add (the generation gap, completed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.core.model import Design, Flow, Message
from designer.resources import examples_dir
from tests.support.edits import edit, with_audit
from tests.support.generated_project import project_pytest, run_in

SHOP = examples_dir() / "shop.msgflow.json"
MY_CODE = "\n\n# my own code, which no regeneration may touch\n"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _plan_lines(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """path -> its whole plan line, from the last run's output."""
    lines = {}
    for line in capsys.readouterr().out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in {"create", "update", "unchanged", "kept", "orphaned"}:
            lines[parts[1]] = line
    return lines


def _generate(design: Design, tmp_path: Path, out: Path, *extra: str) -> None:
    path = tmp_path / "design.msgflow.json"
    io.save(design, path)
    assert main(["generate", str(path), "-o", str(out), "--allow-errors", *extra]) == 0


def _edit_every_handlers_file(out: Path) -> dict[Path, str]:
    edited = {}
    for handlers in sorted(out.glob("*/handlers.py")):
        text = handlers.read_text(encoding="utf-8") + MY_CODE
        handlers.write_text(text, encoding="utf-8")
        edited[handlers] = text
    return edited


def _run_in(project: Path, code: str) -> str:
    """Run `code` with the project importable, as its own process would; its stdout+stderr."""
    result = run_in(project, [sys.executable, "-c", code], timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _started_in_memory(project: Path, package: str) -> str:
    """Start `package`'s FastStream app in memory (its startup hooks, its broker with every
    subscriber), as `faststream run` would without a broker; what it printed."""
    return _run_in(
        project,
        "import asyncio\n"
        "from faststream import TestApp\n"
        "from faststream.rabbit import TestRabbitBroker\n"
        f"from {package}.app import app, service\n"
        "async def start() -> None:\n"
        "    async with TestRabbitBroker(service.broker), TestApp(app):\n"
        "        print('started with', sorted(service.subscribers))\n"
        "asyncio.run(start())\n",
    )


def _with_order_shipped(design: Design) -> Design:
    design = design.model_copy(deep=True)
    design.messages.append(
        Message.model_validate(
            {
                "id": "order-shipped",
                "name": "OrderShipped",
                "kind": "event",
                "owner": "shipping",
                "fields": [{"name": "order_id", "type": "uuid"}],
            }
        )
    )
    design.flows.append(
        Flow.model_validate(
            {
                "id": "f8",
                "message": "order-shipped",
                "from": "shipping",
                "to": "orders",
                "transport": "topic",
                "caused_by": "order-created",
            }
        )
    )
    return design


def test_an_added_event_gets_a_stub_the_plan_names_and_the_service_still_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    _generate(io.load(SHOP), tmp_path, out)
    edited = _edit_every_handlers_file(out)
    grown = _with_order_shipped(io.load(SHOP))

    capsys.readouterr()
    before = _files(out)
    _generate(grown, tmp_path, out, "--dry-run")
    plan = _plan_lines(capsys)
    assert _files(out) == before
    assert "stale handlers.py: missing on_order_shipped(OrderShipped)" in plan["orders/handlers.py"]
    # Only the service that receives the new event has something to add.
    assert "stale" not in plan["shipping/handlers.py"]

    capsys.readouterr()
    _generate(grown, tmp_path, out)
    output = capsys.readouterr().out
    assert "stale handlers.py: missing on_order_shipped(OrderShipped)" in output
    assert "1 stale" in output
    assert {path: path.read_text(encoding="utf-8") for path in edited} == edited
    stubs = (out / "orders" / "handlers_stubs.py").read_text(encoding="utf-8")
    assert "async def on_order_shipped(" in stubs

    # The user's class (untouched) is still instantiable: the new method is the stub,
    # which says what to write where; the methods the user wrote are theirs.
    printed = _run_in(
        out,
        "import asyncio\n"
        "from contracts import OrderShipped\n"
        "from orders.app import create_service\n"
        "from orders.handlers_stubs import unwritten\n"
        "service = create_service()\n"
        "print('unwritten', unwritten(type(service.handlers)))\n"
        "message = OrderShipped.model_validate({'order_id': '6f1c2a52-0000-4000-8000-000000000000'})\n"
        "try:\n"
        "    asyncio.run(service.handlers.on_order_shipped(message, None))\n"
        "except NotImplementedError as error:\n"
        "    print('raised', error)\n"
        # And it starts (in memory): startup hooks, and the broker with the new subscriber.
        "from faststream import TestApp\n"
        "from faststream.rabbit import TestRabbitBroker\n"
        "from orders.app import app, service as running\n"
        "async def start() -> None:\n"
        "    async with TestRabbitBroker(running.broker), TestApp(app):\n"
        "        print('started with', sorted(running.subscribers))\n"
        "asyncio.run(start())\n",
    )
    assert "started with ['receive_answer', 'subscribe_order_shipped_1']" in printed
    assert "unwritten ['on_order_shipped']" in printed
    assert "raised OrdersHandlers.on_order_shipped is not written yet" in printed
    assert "orders/handlers.py" in printed

    # Once the user writes the method, the plan stops calling the file stale.
    handlers = out / "orders" / "handlers.py"
    handlers.write_text(
        handlers.read_text(encoding="utf-8")
        + "\n    async def on_order_shipped(self, message: object, context: object) -> None:\n"
        + "        pass\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    _generate(grown, tmp_path, out, "--dry-run")
    assert "stale" not in _plan_lines(capsys)["orders/handlers.py"]


def test_an_added_field_keeps_user_code_and_the_service_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    _generate(io.load(SHOP), tmp_path, out)
    edited = _edit_every_handlers_file(out)
    design = io.load(SHOP)
    command = design.message("add-loyalty-points")
    assert command is not None
    reason = command.fields[0].model_copy(update={"name": "reason", "type": "string"})
    edit(design, "messages", command.id, fields=[*command.fields, reason])
    capsys.readouterr()
    _generate(design, tmp_path, out)
    plan = _plan_lines(capsys)
    assert plan["contracts/messages.py"].startswith("update")
    assert not any("stale" in line for line in plan.values())
    assert {path: path.read_text(encoding="utf-8") for path in edited} == edited
    assert "started with ['subscribe_add_loyalty_points_1']" in _started_in_memory(out, "loyalty")


def test_an_added_service_is_created_and_the_others_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    _generate(io.load(SHOP), tmp_path, out)
    edited = _edit_every_handlers_file(out)
    # The user's own dependency and ignore rule, in the files msgflow never rewrites.
    requirements = out / "requirements.txt"
    mine = requirements.read_text(encoding="utf-8") + "asyncpg>=0.29\n"
    requirements.write_text(mine, encoding="utf-8")
    gitignore = out / ".gitignore"
    ignores = gitignore.read_text(encoding="utf-8") + "secrets/\n"
    gitignore.write_text(ignores, encoding="utf-8")
    msgflow_requirements = (out / "requirements-msgflow.txt").read_text(encoding="utf-8")
    design = with_audit(io.load(SHOP))
    capsys.readouterr()
    _generate(design, tmp_path, out)
    plan = _plan_lines(capsys)
    assert plan["audit/handlers.py"].startswith("create")
    assert plan["audit/handlers_stubs.py"].startswith("create")
    assert plan["orders/handlers.py"].startswith("kept")
    assert not any("stale" in line for line in plan.values())
    assert {path: path.read_text(encoding="utf-8") for path in edited} == edited
    assert plan["pyproject.toml"].startswith("update")  # the new package is in the wheel
    assert plan["requirements.txt"].startswith("kept") and plan[".gitignore"].startswith("kept")
    assert requirements.read_text(encoding="utf-8") == mine
    assert gitignore.read_text(encoding="utf-8") == ignores
    # Both files feed the project's dependencies; msgflow's own list is still complete.
    pyproject = (out / "pyproject.toml").read_text(encoding="utf-8")
    assert 'files = ["requirements-msgflow.txt", "requirements.txt"]' in pyproject
    assert (out / "requirements-msgflow.txt").read_text(encoding="utf-8") == msgflow_requirements
    assert "faststream[rabbit,cli]" in msgflow_requirements
    assert "started with ['subscribe_order_created_1']" in _started_in_memory(out, "audit")
    assert "started with ['receive_answer']" in _started_in_memory(out, "orders")


def test_an_unchanged_design_after_a_handler_edit_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    _generate(io.load(SHOP), tmp_path, out)
    _edit_every_handlers_file(out)
    manifest = out / ".msgflow" / "manifest.json"
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    recorded = manifest.read_bytes()
    capsys.readouterr()
    _generate(io.load(SHOP), tmp_path, out)
    assert "(0 file(s) written)" in capsys.readouterr().out
    assert manifest.read_bytes() == recorded
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    records = json.loads(recorded)["files"]
    assert records["orders/handlers.py"]["owner"] == "user"


@pytest.mark.slow  # runs the generated project's own test suite: `make test` only
def test_wiring_tests_run_the_generated_defaults_not_the_users_handlers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    _generate(io.load(SHOP), tmp_path, out)
    # A handler doing real work (here: a database that is not there) breaks nothing
    # msgflow generated: the wiring tests run orders/defaults.py.
    handlers = out / "orders" / "handlers.py"
    text = handlers.read_text(encoding="utf-8").replace(
        '        logger.info("SubmitOrder received: %s", message)\n',
        '        raise ConnectionRefusedError("no database here")\n',
    )
    handlers.write_text(text, encoding="utf-8")
    wiring = out / "tests" / "test_orders.py"
    assert "Service(DefaultHandlers)" in wiring.read_text(encoding="utf-8")
    yours = out / "tests" / "handlers" / "test_orders_handlers.py"
    assert "DO NOT EDIT" not in yours.read_text(encoding="utf-8")
    _run_in(out, "import pytest\nraise SystemExit(pytest.main(['-q', '-p', 'no:cacheprovider']))")

    # The user's test file is written once: their edits survive, and it names what the
    # design added that handlers.py still lacks.
    yours.write_text(yours.read_text(encoding="utf-8") + "\n# my test notes\n", encoding="utf-8")
    edited = yours.read_text(encoding="utf-8")
    capsys.readouterr()
    _generate(_with_order_shipped(io.load(SHOP)), tmp_path, out)
    plan = _plan_lines(capsys)
    assert plan["tests/handlers/test_orders_handlers.py"].startswith("kept")
    assert plan["tests/test_orders.py"].startswith("update")
    assert yours.read_text(encoding="utf-8") == edited
    result = run_in(out, project_pytest("tests/handlers"), timeout=120)
    assert result.returncode == 1 and "on_order_shipped" in result.stdout, result.stdout


def test_handlers_open_and_close_their_resources_around_the_service(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(io.load(SHOP), tmp_path, out)
    handlers = out / "loyalty" / "handlers.py"
    # The user's resource: opened before the first message, used by a handler, closed after.
    hooks = (
        "    pool: list[str]\n\n"
        "    async def startup(self) -> None:\n"
        "        self.pool = ['open']\n\n"
        "    async def shutdown(self) -> None:\n"
        "        self.pool.append('closed')\n"
        "        print('pool', self.pool)\n\n"
    )
    text = handlers.read_text(encoding="utf-8")
    marker = "class LoyaltyHandlers(HandlerStubs):\n"
    assert marker in text
    handlers.write_text(text.replace(marker, marker + hooks), encoding="utf-8")
    printed = _run_in(
        out,
        "import asyncio\n"
        "from faststream import TestApp\n"
        "from faststream.rabbit import TestRabbitBroker\n"
        "from loyalty.app import app, service\n"
        "async def main() -> None:\n"
        "    async with TestRabbitBroker(service.broker), TestApp(app):\n"
        "        print('inside', service.handlers.pool)\n"
        "asyncio.run(main())\n",
    )
    assert "inside ['open']" in printed
    assert "pool ['open', 'closed']" in printed
