"""Every `msgflow` command abused as a user would: bad files, hostile names, bad outputs.

Each case runs the real command in a subprocess and checks what the user sees: the exit
code of docs/file-format.md (2 for bad input), a message naming the file (and the JSON path or
template line), never a traceback; and what the user keeps: every file in the scratch
folder byte-identical, nothing written outside the output folder.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from designer.core import io
from designer.resources import examples_dir
from tests.core.codegen.hostile import hostile_dict
from tests.support.requirements import require_nats, require_rabbitmq

# Dozens of `msgflow` subprocesses, some opening the window: minutes, so `make test` only.
pytestmark = [pytest.mark.xdist_group("hostile"), pytest.mark.slow]

SHOP = examples_dir() / "shop.msgflow.json"
SPEC = Path(__file__).parents[1] / "data" / "asyncapi" / "orders-3.0.yaml"


def msgflow(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "designer", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for folders, the target for links)."""
    result: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            result[key] = os.readlink(path).encode()
        elif path.is_dir():
            result[key] = None
        else:
            result[key] = path.read_bytes()
    return result


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int = 2) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


# ------------------------------------------------------------------ bad design files

# name -> (bytes, what the message must say)
BAD_FILES: dict[str, tuple[bytes | None, str]] = {
    "missing.msgflow.json": (None, "$: no such file"),
    "folder.msgflow.json": (b"", "$: is a folder, not a design file"),
    "empty.msgflow.json": (b"", "$: file is empty"),
    "garbage.msgflow.json": (bytes(range(256)) * 4, "$: not UTF-8 text"),
    "picture.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "$: not UTF-8 text"),
    "config.yaml": (b"format: msgflow\nnodes: [a, b]\n", "$: not valid JSON"),
    "truncated.msgflow.json": (b'{"format": "msgflow", "nodes": [', "$: not valid JSON"),
    "nan.msgflow.json": (b"", "NaN is not a JSON number at line"),
    "bigint.msgflow.json": (b"", "$: not valid JSON: a number exceeds the limit"),
    "dangling.msgflow.json": (b"", "$.flows[0].to: unknown node 'shiping'"),
    "newer.msgflow.json": (b"", "$.version: written by a newer msgflow"),
}


def _variant(change: str) -> bytes:
    design = json.loads(SHOP.read_text(encoding="utf-8"))
    if change == "dangling":
        design["flows"][0]["to"] = "shiping"
    elif change == "newer":
        design["version"] = 99
    elif change in ("nan", "bigint"):
        design["layout"]["nodes"]["web"]["x"] = "<number>"
    number = "NaN" if change == "nan" else "9" * 5000  # both accepted by Python's json
    return json.dumps(design, indent=2).replace('"<number>"', number).encode()


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    for name, (data, _) in BAD_FILES.items():
        path = tmp_path / name
        if data is None:
            continue
        if name.startswith("folder"):
            path.mkdir()
        elif data:
            path.write_bytes(data)
        elif name.startswith("empty"):
            path.write_bytes(b"")
        else:
            path.write_bytes(_variant(name.split(".")[0]))
    (tmp_path / "good.msgflow.json").write_bytes(SHOP.read_bytes())
    return tmp_path


def _assert_each_named(stderr: str, names: list[str]) -> None:
    for name in names:
        expected = BAD_FILES[name][1]
        lines = [line for line in stderr.splitlines() if line.startswith(f"{name}: ")]
        assert any(expected in line for line in lines), (name, expected, stderr)


@pytest.mark.parametrize("command", [["validate"], ["fmt"]])
def test_bad_files_at_once_are_each_located(bad_files: Path, command: list[str]) -> None:
    before = snapshot(bad_files)
    result = msgflow(bad_files, *command, *BAD_FILES, "good.msgflow.json")
    assert_clean_failure(result)
    _assert_each_named(result.stderr, list(BAD_FILES))
    assert snapshot(bad_files) == before


# All of BAD_FILES go through the one loader (above); each command is tried with a few.
SOME_BAD_FILES = ["missing.msgflow.json", "picture.png", "nan.msgflow.json"]
SINGLE_FILE_COMMANDS = {
    "generate": ["generate", "{}", "-o", "out"],
    "export": ["export", "{}", "--to", "mermaid", "-o", "out"],
    "diff": ["diff", "good.msgflow.json", "{}"],
    "broker apply": ["broker", "apply", "{}", "--url", "amqp://guest:guest@127.0.0.1:1/"],
}


@pytest.mark.parametrize("command", SINGLE_FILE_COMMANDS.values(), ids=SINGLE_FILE_COMMANDS)
def test_bad_file_is_exit_2_with_a_located_message(bad_files: Path, command: list[str]) -> None:
    before = snapshot(bad_files)
    for name in SOME_BAD_FILES:
        result = msgflow(bad_files, *(name if a == "{}" else a for a in command))
        assert_clean_failure(result)
        _assert_each_named(result.stderr, [name])
    assert snapshot(bad_files) == before  # no output folder either


def test_import_refuses_what_is_not_an_asyncapi_document(bad_files: Path) -> None:
    before = snapshot(bad_files)
    for name in SOME_BAD_FILES:
        result = msgflow(bad_files, "import", "asyncapi", name, "-o", "imported.msgflow.json")
        assert_clean_failure(result)
        assert result.stderr.startswith(f"{name}: "), result.stderr
    design = msgflow(bad_files, "import", "asyncapi", "good.msgflow.json", "-o", "x.json")
    assert_clean_failure(design)
    assert "good.msgflow.json: $.format: a msgflow design, not an AsyncAPI" in design.stderr
    assert snapshot(bad_files) == before


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused_not_read_forever(tmp_path: Path) -> None:
    for command in (["validate"], ["fmt"], ["import", "asyncapi"]):
        result = msgflow(tmp_path, *command, "/dev/zero", *(["-o", "x.json"] * (len(command) - 1)))
        assert_clean_failure(result)
        assert result.stderr.startswith("/dev/zero: $: ") and "too large" in result.stderr
    assert not any(tmp_path.iterdir())


def test_a_mistyped_command_is_not_opened_as_a_file(bad_files: Path) -> None:
    result = msgflow(bad_files, "valdate", "good.msgflow.json")
    assert_clean_failure(result)
    assert result.stderr == "msgflow: unknown command 'valdate' (did you mean 'validate'?)\n"


def test_gui_smoke_with_bad_files_opens_the_window(bad_files: Path) -> None:
    # The window shows the load error over an empty design (exit 0, by design).
    before = snapshot(bad_files)
    result = msgflow(bad_files, "gui", "--smoke", "nan.msgflow.json")  # NaN broke drawing
    assert_clean_failure(result, 0)
    assert snapshot(bad_files) == before


# ------------------------------------------------------------------ hostile names


def _hostile() -> dict[str, object]:
    design = hostile_dict()
    design["name"] = '../../Hostile "design"\nwith a newline 😀'
    nodes = design["nodes"]
    assert isinstance(nodes, list)
    nodes.append({"id": 'q"\n😀', "name": 'line\nbreak "q" 😀', "kind": "service"})
    nodes.append({"id": "long" * 80, "name": "Long " * 80, "kind": "service"})  # > 255 bytes
    nodes.append({"id": "con", "name": "Con", "kind": "service"})  # a Windows device name
    return design


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "hostile.msgflow.json").write_text(
        json.dumps(_hostile(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return work


def _assert_only_output_changed(work: Path, before: dict[str, bytes | None], out: str) -> None:
    after = snapshot(work)
    assert {k: v for k, v in after.items() if not k.startswith(out)} == before
    assert all(not k.startswith("..") for k in after)  # rglob never leaves; belt and braces
    outside = {p.name for p in work.parent.iterdir()}
    assert outside == {"work"}, outside  # nothing written next to the scratch folder


@pytest.mark.parametrize("fmt", ["mermaid", "html", "asyncapi", "eventcatalog", "png", "pdf"])
def test_hostile_names_export_inside_the_output(hostile: Path, fmt: str) -> None:
    before = snapshot(hostile)
    out = "out" if fmt not in ("html", "png", "pdf") else f"out.{fmt}"
    result = msgflow(hostile, "export", "hostile.msgflow.json", "--to", fmt, "-o", out)
    assert_clean_failure(result, 0)
    _assert_only_output_changed(hostile, before, "out")
    written = [p for p in hostile.rglob("*") if p.is_file() and p.name != "hostile.msgflow.json"]
    assert written
    for path in written:  # plain names: no newline, quote or `..` chose where a file went
        relative = str(path.relative_to(hostile))
        assert "\n" not in relative and '"' not in relative and ".." not in relative, relative
        parts = path.relative_to(hostile).parts
        assert not any(part.split(".")[0].upper() in ("CON", "AUX", "NUL") for part in parts)
    # Distinct on file systems that ignore case (macOS, Windows): nothing overwritten there.
    assert len({str(p).casefold() for p in written}) == len(written)


def test_hostile_names_generate_inside_the_output(hostile: Path) -> None:
    design = json.dumps(_with_channels(_hostile()), ensure_ascii=False)
    (hostile / "hostile.msgflow.json").write_text(design, encoding="utf-8")
    before = snapshot(hostile)
    result = msgflow(
        hostile, "generate", "hostile.msgflow.json", "-o", "out", "--target", "all",
        "--allow-errors",
    )  # fmt: skip
    assert_clean_failure(result, 0)
    _assert_only_output_changed(hostile, before, "out")
    for path in (hostile / "out").rglob("*"):  # channels like `a/b c` or `*.>` name no file
        relative = str(path.relative_to(hostile / "out"))
        assert not set(relative) & set('\n"*>'), relative
        assert path.name.split(".")[0].upper() not in ("CON", "AUX", "NUL"), relative  # Windows


def test_hostile_names_validate_diff_fmt_keep_one_line_per_item(hostile: Path) -> None:
    (hostile / "good.msgflow.json").write_bytes(SHOP.read_bytes())
    validate = msgflow(hostile, "validate", "hostile.msgflow.json")
    assert_clean_failure(validate, 1)
    assert 'line\\nbreak "q" 😀' in validate.stdout
    assert not any(line.startswith('break "q"') for line in validate.stdout.splitlines())
    diff = msgflow(hostile, "diff", "good.msgflow.json", "hostile.msgflow.json")
    assert_clean_failure(diff, 1)
    assert '+ q"\\n😀' in diff.stdout
    original = io.dumps(io.load(hostile / "hostile.msgflow.json"))
    assert_clean_failure(msgflow(hostile, "fmt", "--check", "hostile.msgflow.json"), 1)
    assert_clean_failure(msgflow(hostile, "fmt", "hostile.msgflow.json"), 0)
    assert (hostile / "hostile.msgflow.json").read_text(encoding="utf-8") == original  # all kept


HOSTILE_SPEC = """\
asyncapi: 3.0.0
info: {title: "../../Evil \\"spec\\"\\n名前", version: 1.0.0}
channels:
  ../../etc:
    address: ../../etc
    messages:
      class: {name: class, payload: {type: object, properties: {class: {type: string}}}}
  名前:
    address: 名前.events
    messages:
      q: {name: "x\\"y\\n😀", payload: {type: string}}
operations:
  ../../op: {action: send, channel: {$ref: "#/channels/..~1..~1etc"}}
  recv 名前: {action: receive, channel: {$ref: "#/channels/名前"}}
"""


def test_hostile_spec_imports_into_a_design_that_generates(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(HOSTILE_SPEC, encoding="utf-8")
    imported = msgflow(tmp_path, "import", "asyncapi", "spec.yaml", "-o", "d.msgflow.json")
    assert_clean_failure(imported, 0)
    # Past the summary, every line is a heading ("N ...:") or one indented item: no name
    # in the spec can break a line of the report.
    lines = imported.stdout.splitlines()[1:]
    notes = [line for line in lines if not (line[:1].isdigit() and line.endswith(":"))]
    assert len(notes) == len(lines) - 2, imported.stdout
    assert notes and all(line.startswith("  ") for line in notes), imported.stdout
    assert (tmp_path / "spec.yaml").read_text(encoding="utf-8") == HOSTILE_SPEC
    generate = msgflow(tmp_path, "generate", "d.msgflow.json", "-o", "out", "--allow-errors")
    assert_clean_failure(generate, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.msgflow.json", "out", "spec.yaml"]


def test_hostile_names_gui_smoke(hostile: Path) -> None:
    before = snapshot(hostile)
    assert_clean_failure(msgflow(hostile, "gui", "--smoke", "hostile.msgflow.json"), 0)
    assert snapshot(hostile) == before


def _with_channels(design: dict[str, object]) -> dict[str, object]:
    flows = design["flows"]
    assert isinstance(flows, list)
    for index, flow in enumerate(f for f in flows if f["transport"] != "http"):
        flow["channel"] = ["a/b c", "名前.x", 'q"\nz', "*.>"][index % 4]
    return design


@pytest.mark.parametrize("broker", ["rabbitmq", "nats"])
def test_hostile_channels_on_a_live_broker_dry_run(tmp_path: Path, broker: str) -> None:
    if broker == "rabbitmq":
        require_rabbitmq()
        url = "amqp://guest:guest@127.0.0.1:5672/"
    else:
        require_nats()
        url = "nats://127.0.0.1:4222"
    design = tmp_path / "channels.msgflow.json"
    design.write_text(json.dumps(_with_channels(_hostile()), ensure_ascii=False))
    result = msgflow(tmp_path, "broker", "apply", design.name, "--url", url, "--dry-run")
    # Names the broker would refuse are bad input, found before connecting: one located line
    # per flow (a newline in a name escaped, so the report stays a line each), and nothing
    # is declared or claimed as "would create".
    assert_clean_failure(result, 2)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    located = [line for line in lines if line.startswith("channels.msgflow.json: $.flows[")]
    assert len(located) == 11, lines
    assert any("'a/b c'" in line and "contains a space" in line for line in located)
    assert any("'q\"\\nz'" in line and "control character" in line for line in located)
    assert not any(line.startswith("z") for line in lines)
    if broker == "rabbitmq":
        assert (
            lines[-1] == "msgflow: broker apply: nothing declared: 11 name(s) rabbitmq would refuse"
        )
    else:  # NATS takes '名前.x': refused for RabbitMQ's sake (rule channel-name-invalid), said so
        assert lines[-1] == (
            "msgflow: broker apply: nothing declared: 11 name(s) refused, 8 that nats would "
            "refuse and 3 that only other brokers refuse (rule channel-name-invalid)"
        )
        assert sum("(NATS takes it, RabbitMQ does not" in line for line in located) == 3


# ------------------------------------------------------------------ outputs that cannot be written


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    (tmp_path / "design.msgflow.json").write_bytes(SHOP.read_bytes())
    (tmp_path / "a-file").write_text("keep me\n")
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "spec.yaml").write_bytes(SPEC.read_bytes())
    return tmp_path


UNWRITABLE = {
    "export html under a file": (["export", "D", "--to", "html", "-o", "a-file/x/out.html"], "a-file/x"),
    "export html onto a folder": (["export", "D", "--to", "html", "-o", "a-folder"], "a-folder"),
    "export asyncapi onto a file": (["export", "D", "--to", "asyncapi", "-o", "a-file"], "a-file"),
    "export eventcatalog under a file": (["export", "D", "--to", "eventcatalog", "-o", "a-file/x"], "a-file/x"),
    "export png under a file": (["export", "D", "--to", "png", "-o", "a-file/x.png"], "a-file/x.png"),
    "export svg onto a folder": (["export", "D", "--to", "svg", "-o", "a-folder"], "a-folder"),
    "export html onto the design": (["export", "D", "--to", "html", "-o", "./design.msgflow.json"], "is the design itself"),
    "export png onto the design": (["export", "D", "--to", "png", "-o", "design.msgflow.json"], "is the design itself"),
    "generate onto a file": (["generate", "D", "-o", "a-file"], "a-file"),
    "generate under a file": (["generate", "D", "-o", "a-file/sub"], "a-file/sub"),
    "import under a file": (["import", "asyncapi", "spec.yaml", "-o", "a-file/x.json"], "a-file/x.json"),
    "import onto a folder": (["import", "asyncapi", "spec.yaml", "-o", "a-folder"], "a-folder"),
    "import onto its own spec": (["import", "asyncapi", "spec.yaml", "-o", "./spec.yaml"], "spec.yaml"),
}  # fmt: skip


EMPTY_PATHS = {
    "export": ["export", "D", "--to", "asyncapi", "-o", ""],
    "generate": ["generate", "D", "-o", ""],
    "generate --templates": ["generate", "D", "-o", "out", "--templates", ""],
    "import": ["import", "asyncapi", "spec.yaml", "-o", ""],
}
# `-o "$OUT"` with OUT unset must not mean "here".
UNWRITABLE.update(
    {f"{k} with an empty path": (v, "the path is empty") for k, v in EMPTY_PATHS.items()}
)


@pytest.mark.parametrize("case", UNWRITABLE.values(), ids=UNWRITABLE)
def test_unwritable_output_is_exit_2_and_damages_nothing(
    outputs: Path, case: tuple[list[str], str]
) -> None:
    command, named = case
    before = snapshot(outputs)
    result = msgflow(outputs, *("design.msgflow.json" if a == "D" else a for a in command))
    assert_clean_failure(result)
    assert named in result.stderr, result.stderr
    assert result.stderr.count("\n") <= 2, result.stderr  # a message, not Qt's chatter
    assert snapshot(outputs) == before


@pytest.mark.parametrize("scale", ["0", "-1", "nan", "inf"])
def test_export_scale_must_be_a_positive_number(outputs: Path, scale: str) -> None:
    before = snapshot(outputs)
    result = msgflow(
        outputs, "export", "design.msgflow.json", "--to", "png", "-o", "x.png", "--scale", scale
    )
    assert_clean_failure(result)
    assert f"--scale {float(scale)}: must be a positive number" in result.stderr
    assert snapshot(outputs) == before


def test_export_huge_scale_is_capped(outputs: Path) -> None:
    # One long row of services: the capped picture is wide but cheap to paint.
    row = {
        "format": "msgflow",
        "name": "Row",
        "nodes": [{"id": f"s{i}", "name": f"S{i}", "kind": "service"} for i in range(20)],
        "layout": {f"s{i}": {"x": 400 * i, "y": 0} for i in range(20)},
    }
    (outputs / "row.msgflow.json").write_text(json.dumps(row))
    result = msgflow(
        outputs, "export", "row.msgflow.json", "--to", "png", "-o", "x.png", "--scale", "1e6"
    )
    assert_clean_failure(result, 0)
    header = (outputs / "x.png").read_bytes()[16:24]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    assert max(width, height) == 16384 and min(width, height) > 0


def test_generate_keeps_files_it_did_not_write(outputs: Path) -> None:
    (outputs / "README.md").write_text("# my project\n")  # generating into an existing folder
    result = msgflow(outputs, "generate", "design.msgflow.json", "-o", ".")
    assert_clean_failure(result, 0)
    assert "kept       README.md  (not written by msgflow; --force replaces it)" in result.stdout
    again = msgflow(outputs, "generate", "design.msgflow.json", "-o", ".")
    assert "kept       README.md" in again.stdout
    assert (outputs / "README.md").read_text() == "# my project\n"
    assert (outputs / "a-file").read_text() == "keep me\n"


def test_fmt_through_a_symlink_keeps_the_link(outputs: Path) -> None:
    real = outputs / "real.msgflow.json"
    real.write_text(json.dumps(json.loads(SHOP.read_text())))  # valid, not canonical
    (outputs / "link.msgflow.json").symlink_to(real.name)
    assert_clean_failure(msgflow(outputs, "fmt", "link.msgflow.json"), 0)
    assert (outputs / "link.msgflow.json").is_symlink()
    assert real.read_bytes() == SHOP.read_bytes()


# ------------------------------------------------------------------ templates and settings


def _template_pack(root: Path, name: str, path: str, data: bytes) -> str:
    target = root / name / path
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    return name


def test_bad_templates_are_located(outputs: Path) -> None:
    broken = _template_pack(outputs, "broken", "python/README.md.j2", b"a\nb\n{% if x %}\n")
    binary = _template_pack(outputs, "binary", "python/README.md.j2", b"\xff\xfe{{ x }}")
    before = snapshot(outputs)
    cases = {
        "missing": "msgflow: --templates missing: not a folder",
        "a-file": "msgflow: --templates a-file: not a folder",
        broken: "broken/python/README.md.j2:3: Unexpected end of template",
        binary: "binary/python/README.md.j2: not UTF-8 text",
    }
    for folder, expected in cases.items():
        result = msgflow(
            outputs, "generate", "design.msgflow.json", "-o", "out", "--templates", folder
        )
        assert_clean_failure(result)
        assert expected in result.stderr.replace(os.sep, "/"), result.stderr
    assert snapshot(outputs) == before  # no output folder made


def test_unusable_generate_settings_are_located(outputs: Path) -> None:
    design = json.loads(SHOP.read_text())
    design["settings"] = {"generate": {"queue_type": {"x": 1}, "partitions": "six"}}
    (outputs / "settings.msgflow.json").write_text(json.dumps(design))
    before = snapshot(outputs)
    generate = msgflow(outputs, "generate", "settings.msgflow.json", "-o", "out", "--target", "all")
    assert_clean_failure(generate)
    assert (
        'settings.msgflow.json: $.settings.generate.partitions: must be a whole number, not "six"'
        in generate.stderr
    )
    broker = msgflow(outputs, "broker", "apply", "settings.msgflow.json", "--url", "amqp://h/")
    assert_clean_failure(broker)
    assert "settings.msgflow.json: $.settings.generate.queue_type: must be one of" in broker.stderr
    assert snapshot(outputs) == before  # fmt: skip


# ------------------------------------------------------------------ broker URLs and Ctrl-C

BAD_URLS = {
    "amqp://guest:secret@[::1": "malformed broker URL",
    "amqp://guest:secret@host:notaport/": "malformed broker URL",
    "nats://host:99999": "malformed broker URL",
    "amqp://": "names no host",
    "http://guest:secret@host/": "unsupported broker URL",
}


def test_malformed_broker_urls_are_exit_2_without_the_password(outputs: Path) -> None:
    for url, expected in BAD_URLS.items():
        result = msgflow(outputs, "broker", "apply", "design.msgflow.json", "--url", url)
        assert_clean_failure(result)
        assert expected in result.stderr and "secret" not in result.stderr, result.stderr


def test_unreachable_broker_is_exit_1_with_a_message(outputs: Path) -> None:
    url = "amqp://guest:guest@127.0.0.1:1/"
    result = msgflow(outputs, "broker", "apply", "design.msgflow.json", "--url", url)
    assert_clean_failure(result, 1)
    assert "cannot connect" in result.stdout


@pytest.fixture
def silent_server() -> Iterator[tuple[int, threading.Event]]:
    """A TCP port that accepts connections and never answers: a broker that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    connected = threading.Event()
    accepted: list[socket.socket] = []

    def serve() -> None:
        try:
            while True:
                accepted.append(server.accept()[0])
                connected.set()
        except OSError:
            return

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], connected
    server.close()
    for connection in accepted:
        connection.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_ctrl_c_during_broker_apply_is_exit_130(
    outputs: Path, silent_server: tuple[int, threading.Event]
) -> None:
    port, connected = silent_server
    child = subprocess.Popen(
        [sys.executable, "-m", "designer", "broker", "apply", "design.msgflow.json",
         "--url", f"amqp://guest:guest@127.0.0.1:{port}/"],
        cwd=outputs, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert connected.wait(30), "msgflow never connected"
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130, (stdout, stderr)
    assert stderr.strip() == "interrupted"
