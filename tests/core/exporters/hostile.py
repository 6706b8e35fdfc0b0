"""A design whose names try to break every output format (quotes, markup, keywords)."""

from __future__ import annotations

from designer.core.model import Design


def hostile_design() -> Design:
    return Design.model_validate(
        {
            "name": 'Evil "Shop" <script>alert(1)</script>; end',
            "description": "names with ; # & < > \" ' and `end`",
            "nodes": [
                {
                    "id": "end",
                    "name": 'end "quoted"; #1',
                    "kind": "service",
                    "boundary": "graph <b>",
                },
                {
                    "id": "a.b",
                    "name": "Ünïcødé 名前 & <img src=x onerror=alert(1)>",
                    "kind": "service",
                },
                {"id": "user", "name": "style", "kind": "actor"},
            ],
            "messages": [
                {
                    "id": "do-it",
                    "name": "Do#It;now",
                    "kind": "command",
                    "fields": [{"name": "x", "type": "string", "description": "<b>bold</b>"}],
                },
                {
                    "id": "ask",
                    "name": 'Ask "why"',
                    "kind": "query",
                    "fields": [],
                    "response": [{"name": "y", "type": "integer"}],
                },
                {"id": "done", "name": "Done-->x", "kind": "event", "fields": []},
            ],
            "flows": [
                {"id": "f1", "message": "do-it", "from": "user", "to": "end", "transport": "http"},
                {
                    "id": "f2",
                    "message": "ask",
                    "from": "end",
                    "to": "a.b",
                    "transport": "queue",
                    "caused_by": "do-it",
                },
                {
                    "id": "f3",
                    "message": "done",
                    "from": "a.b",
                    "to": "end",
                    "transport": "topic",
                    "caused_by": "ask",
                },
            ],
        }
    )
