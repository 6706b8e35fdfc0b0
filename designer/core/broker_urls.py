"""Broker URLs as users type them: which broker a scheme names, and a password-free form.

Shared by `msgflow broker apply` (designer.provision) and `msgflow observe`
(designer.taps), which accept different brokers but must read and echo URLs alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

_PASSWORD = re.compile(r"(//[^/@]*?:)[^/@]*@")


class BrokerUrlError(ValueError):
    """A URL that names no usable broker; the message is one line for the user."""


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and reports."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # malformed (e.g. an unclosed '[' host): hide by pattern instead
        return _PASSWORD.sub(r"\1***@", url)
    if password is None:
        return url
    netloc = f"{parts.username}:***@{parts.netloc.rpartition('@')[2]}"  # host as written
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def broker_of(url: str, schemes: Mapping[str, str], usage: str) -> str:
    """The broker `schemes` maps the URL's scheme to; BrokerUrlError (ending in `usage`)
    for a malformed URL, an unknown scheme or a URL without a host."""
    shown = redact(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a port that is not 0..65535
    except ValueError as error:
        raise BrokerUrlError(f"malformed broker URL '{shown}': {error}; {usage}") from None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise BrokerUrlError(f"unsupported broker URL '{shown}': {usage}")
    if not parts.hostname:
        raise BrokerUrlError(f"broker URL '{shown}' names no host: {usage}")
    return schemes[scheme]
