"""Addresses that differ in one segment, folded into one parameterised channel.

Traffic names an instance in its address (`lights.1.measured`, `lights.2.measured`,
`lights.3.measured`); a design names the channel once, with a parameter in that place
(`lights.{lightsId}.measured`, docs/file-format.md "Channel parameters"). Addresses fold
when they carry the same kind of message (the caller's `group`: declared type, sender,
receiver) and differ in exactly one dot-separated segment, with at least
`MIN_DISTINCT_VALUES` values seen there: two values are as likely two channels as one
parameter, and a design with one channel too many is easier to fix than a wrong merge.
Without a declared message type the address is the only name a message has, so the
values must also look like identifiers (hold a digit): `orders.created` and
`orders.cancelled` stay two messages.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..model import ChannelParameter
from ..unique_names import unique_name

MIN_DISTINCT_VALUES = 3

K = TypeVar("K", bound=Hashable)  # the caller's key of an address

_INTEGER = re.compile(r"^(0|-?[1-9][0-9]*)$")
_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True)
class Addressed:
    """One address of the traffic, as the folding sees it."""

    channel: str
    group: Hashable  # addresses fold only within one group
    typed: bool  # its messages declare their type


@dataclass(frozen=True)
class Fold(Generic[K]):
    """Addresses (`members`, the caller's keys) that become one parameterised channel."""

    channel: str  # with `{name}` in place of the segment that differed
    parameter: ChannelParameter
    values: tuple[str, ...]  # the values seen in that place, in natural order
    members: tuple[K, ...]


def find_folds(items: Mapping[K, Addressed]) -> list[Fold[K]]:
    """One round of folds: each item joins at most one. Call again on the folded
    addresses to fold a second segment (`a.{x}.b.1`, `a.{x}.b.2`, ...)."""
    by_shape: dict[tuple[Hashable, int, int, tuple[str, ...]], list[K]] = {}
    for key, item in items.items():
        segments = item.channel.split(".")
        for position, segment in enumerate(segments):
            if _is_parameter(segment):
                continue
            rest = tuple(segments[:position] + segments[position + 1 :])
            shape = (item.group, len(segments), position, rest)
            by_shape.setdefault(shape, []).append(key)
    folds: list[Fold[K]] = []
    taken: set[K] = set()
    # The largest folds first: a segment shared by more addresses is the likelier parameter.
    for (_group, _length, position, _rest), keys in sorted(
        by_shape.items(), key=lambda entry: (-len(entry[1]), entry[0][2], entry[0][3])
    ):
        members = [k for k in keys if k not in taken]
        split = [items[k].channel.split(".") for k in members]
        values = sorted({s[position] for s in split}, key=_natural)
        if len(values) < MIN_DISTINCT_VALUES:
            continue
        if not all(items[k].typed for k in members) and not all(
            any(c.isdigit() for c in v) for v in values
        ):
            continue
        template = split[0]
        name = _parameter_name(template, position)
        channel = ".".join([*template[:position], f"{{{name}}}", *template[position + 1 :]])
        kind = "integer" if all(_INTEGER.match(v) for v in values) else "string"
        folds.append(
            Fold(
                channel,
                ChannelParameter(name=name, type=kind),
                tuple(values),
                tuple(members),
            )
        )
        taken.update(members)
    return folds


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _parameter_name(segments: list[str], position: int) -> str:
    """`lightsId` for the segment after `lights`; `id` at the start; numbered when the
    channel has a parameter of that name already."""
    before = segments[position - 1] if position > 0 else ""
    words = [w for w in _NOT_NAME.split(before) if w] if not _is_parameter(before) else []
    stem = words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:]) if words else ""
    wish = f"{stem}Id" if stem else "id"
    taken = {s[1:-1] for s in segments if _is_parameter(s)}
    return unique_name(wish, taken, sep="")


def _natural(value: str) -> tuple[int, int | str]:
    return (0, int(value)) if _INTEGER.match(value) else (1, value)
