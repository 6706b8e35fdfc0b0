"""The synchronous call graph: cycles between services and causal chains of http hops.

Small and deterministic on purpose (the incremental validator compares its results with a
full run): nodes and successors are visited in file order, so the same design always
reports the same cycle and the same chain, whatever order the edits came in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..model import Flow
from .facts import Facts


def _edges(facts: Facts) -> dict[str, dict[str, Flow]]:
    """node -> successor -> first http flow (in file order) between two services."""
    edges: dict[str, dict[str, Flow]] = defaultdict(dict)
    for flow in facts.sorted_flows(facts.http_flows.values()):
        if facts.is_service(flow.source) and facts.is_service(flow.target):
            edges[flow.source].setdefault(flow.target, flow)
    return edges


def _components(nodes: list[str], edges: dict[str, dict[str, Flow]]) -> Iterator[list[str]]:
    """Strongly connected components (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(edges.get(root, {})))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(edges.get(succ, {}))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                yield component


def sync_cycles(facts: Facts) -> list[tuple[list[str], list[Flow]]]:
    """One concrete cycle per strongly connected component: (nodes, flows), in file order."""
    edges = _edges(facts)
    nodes = facts.sorted_node_ids(edges)
    for node in nodes:  # successors in file order too
        edges[node] = {n: edges[node][n] for n in facts.sorted_node_ids(edges[node])}
    cycles: list[tuple[list[str], list[Flow]]] = []
    for component in _components(nodes, edges):
        members = set(component)
        start = facts.sorted_node_ids(component)[0]
        if len(component) == 1 and start not in edges.get(start, {}):
            continue
        cycles.append(_cycle_through(start, members, edges))
    cycles.sort(key=lambda c: facts.key("nodes", c[0][0]))
    return cycles


def _cycle_through(
    start: str, members: set[str], edges: dict[str, dict[str, Flow]]
) -> tuple[list[str], list[Flow]]:
    """The shortest cycle from `start` back to itself inside its component (breadth first)."""
    parent: dict[str, tuple[str, Flow]] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for succ, flow in edges.get(node, {}).items():
                if succ not in members:
                    continue
                if succ == start:
                    nodes, flows = [node], [flow]
                    while node != start:
                        node, via = parent[node]
                        nodes.append(node)
                        flows.append(via)
                    return nodes[::-1], flows[::-1]
                if succ not in parent:
                    parent[succ] = (node, flow)
                    following.append(succ)
        frontier = following
    raise AssertionError("a strongly connected component always has a cycle")


def longest_chains(facts: Facts) -> list[list[Flow]]:
    """For each http flow that continues no other, the longest causal http chain it starts.

    Flow g continues flow f when g leaves f's target, over http, caused by f's message.
    """
    http = facts.sorted_flows(facts.http_flows.values())
    by_cause: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in http:
        if flow.caused_by is not None:
            by_cause[(flow.source, flow.caused_by)].append(flow)
    continued = {
        g.id for f in http for g in by_cause.get((f.target, f.message), ()) if g.id != f.id
    }
    memo: dict[str, list[Flow]] = {}

    def chain_from(flow: Flow, visiting: set[str]) -> list[Flow]:
        if flow.id in memo:
            return memo[flow.id]
        visiting.add(flow.id)
        best: list[Flow] = []
        for nxt in by_cause.get((flow.target, flow.message), ()):
            if nxt.id in visiting:
                continue
            candidate = chain_from(nxt, visiting)
            if len(candidate) > len(best):
                best = candidate
        visiting.discard(flow.id)
        memo[flow.id] = [flow, *best]
        return memo[flow.id]

    return [chain_from(f, set()) for f in http if f.id not in continued]
