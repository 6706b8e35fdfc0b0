"""Python identifiers for design items: valid, unsurprising, distinct and stable.

Design names are free text (`Order Service`, `2fast`, `class`, `ünïcode`, `名前`,
`../../etc`); generated code needs identifiers. Sanitising folds to ASCII, splits words,
avoids keywords and names the generated code itself uses, and gives a numeric suffix to
names that collide after sanitising. The mapping is stable across runs: an `IdentifierMap`
starts from the assignments of the previous generation (kept in the manifest), so adding
an item never renames an existing one.
"""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping

from designer.core.unique_names import unique_name

MAX_LENGTH = 40

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Names a module or class body of the generated code binds itself: a field or class of
# the same name would shadow them (a field `date: date | None = None` breaks pydantic).
TYPE_NAMES = frozenset(
    {
        "Any",
        "UUID",
        "Decimal",
        "date",
        "datetime",
        "Field",
        "BaseModel",
        "ConfigDict",
        "Envelope",
        "Contract",
        "Accepted",
        "MessageContext",
        "Generic",
        "TypeVar",
        "Annotated",
    }
)
# Names the generated modules define or import next to the contract classes: a message
# class called `Service` or `SERVICE` would shadow them.
GENERATED_NAMES = frozenset(
    {
        "Handlers",
        "Outbound",
        "Service",
        "Replies",
        "QueryTimeoutError",
        "FastAPI",
        "FastStream",
        "Header",
        "AsyncIterator",
        "ASGITransport",
        "AsyncClient",
        "JStream",
        "PullSub",
        "StreamSub",
        "RabbitQueue",
        "RabbitExchange",
        "ExchangeType",
        "QueueType",
        "RabbitBroker",
        "NatsBroker",
        "KafkaBroker",
        "RedisBroker",
        "TestRabbitBroker",
        "TestNatsBroker",
        "TestKafkaBroker",
        "TestRedisBroker",
        "UTC",
        "P",
        "M",
        "SERVICE",
        "HTTP_PORT",
        "REPLY_TO",
        "STREAMS",
        "ANSWERS",
        "LOG_FORMAT",
        "BROKER",
        "DEFAULT_BROKER_URL",
    }
)
BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))
# pydantic's BaseModel attributes and methods a field must not shadow.
MODEL_ATTRIBUTES = frozenset(
    {
        "copy",
        "dict",
        "json",
        "schema",
        "schema_json",
        "construct",
        "validate",
        "fields",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "update_forward_refs",
    }
)
# Top-level packages a service package must not shadow in the generated project.
PACKAGE_NAMES = frozenset(sys.stdlib_module_names) | frozenset(
    {
        "contracts",
        "msgflow_runtime",
        "tests",
        "conftest",
        "setup",
        "faststream",
        "fastapi",
        "pydantic",
        "pydantic_core",
        "uvicorn",
        "httpx",
        "pytest",
        "anyio",
        "starlette",
        "aio_pika",
        "aiormq",
        "nats",
        "redis",
        "aiokafka",
        "typing_extensions",
        "fast_depends",
    }
)
# Folders Windows cannot create (device names): a service `con` gets the package `con_service`.
PACKAGE_NAMES |= {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"{p}{n}" for p in ("com", "lpt") for n in range(10)),
}


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(folded)


def _fallback(text: str) -> str:
    # Nothing ASCII survives (e.g. CJK): a short stable hash keeps names distinct.
    return "x" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _shorten(name: str, text: str) -> str:
    if len(name) <= MAX_LENGTH:
        return name
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{name[: MAX_LENGTH - 7].rstrip('_')}_{digest}"


def snake(text: str) -> str:
    """`Order Service` -> `order_service`; `SubmitOrder` -> `submit_order`; `2fast` -> `x2fast`."""
    words = _ascii_words(text)
    name = "_".join(w.lower() for w in words) if words else _fallback(text)
    if name[0].isdigit():
        name = "x" + name
    return _shorten(name, text)


def pascal(text: str) -> str:
    """`submit-order` -> `SubmitOrder`; `SubmitOrder` stays; `2fast` -> `X2fast`."""
    words = _ascii_words(text)
    name = "".join(w[0].upper() + w[1:] for w in words) if words else _fallback(text).upper()
    if name[0].isdigit():
        name = "X" + name
    return _shorten(name, text)


def is_identifier(name: str) -> bool:
    return bool(_IDENTIFIER.match(name)) and not keyword.iskeyword(name)


class IdentifierMap:
    """Assigns identifiers per namespace; remembers them as `namespace:key -> identifier`."""

    def __init__(self, previous: Mapping[str, str] | None = None) -> None:
        self._previous = dict(previous or {})
        self._assigned: dict[str, str] = {}
        self._taken: dict[str, set[str]] = {}

    def assign_all(
        self,
        namespace: str,
        wanted: Mapping[str, str],
        *,
        reserved: Iterable[str] = (),
        reserved_suffix: str = "_",
    ) -> dict[str, str]:
        """Identifiers for `wanted` (key -> sanitised wish) in one namespace.

        Keys that had an identifier last time keep it (when still free); the others get
        theirs in key order. A wish equal to a reserved name or a keyword gets
        `reserved_suffix`; a wish already taken gets `_2`, `_3`, ...
        """
        taken = self._taken.setdefault(namespace, set())
        blocked = set(reserved)
        result: dict[str, str] = {}
        for key in sorted(wanted):
            old = self._previous.get(f"{namespace}:{key}")
            if old and is_identifier(old) and old not in taken and old not in blocked:
                result[key] = old
                taken.add(old)
        for key in sorted(wanted):
            if key in result:
                continue
            base = wanted[key]
            if base in blocked or keyword.iskeyword(base) or keyword.issoftkeyword(base):
                base = base + reserved_suffix
            candidate = unique_name(base, taken, blocked, sep="_")
            result[key] = candidate
            taken.add(candidate)
        for key, name in result.items():
            self._assigned[f"{namespace}:{key}"] = name
        return result

    def mapping(self) -> dict[str, str]:
        """Every assignment of this run, for the manifest (sorted for a stable file)."""
        return dict(sorted(self._assigned.items()))
