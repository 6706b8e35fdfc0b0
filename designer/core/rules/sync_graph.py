"""The synchronous call graph: cycles between services and causal chains of http hops.

Small and deterministic on purpose (the incremental validator compares its results with a
full run): nodes and successors are visited in file order, so the same design always
reports the same cycle and the same chain, whatever order the edits came in.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..model import Flow
from .facts import Facts


def _edges(facts: Facts) -> dict[str, dict[str, Flow]]:
    """node -> successor -> first http flow (in file order) between two services.

    Built without sorting everything: only parallel flows are compared by file order.
    """
    edges: dict[str, dict[str, Flow]] = defaultdict(dict)
    key_of = facts.order["flows"].key_of
    nodes = facts.nodes
    for flow in facts.http_flows.values():
        source, target = nodes.get(flow.source), nodes.get(flow.target)
        if source is None or target is None or not (source.is_service and target.is_service):
            continue
        known = edges[flow.source].get(flow.target)
        if known is None or key_of[flow.id] < key_of[known.id]:
            edges[flow.source][flow.target] = flow
    return edges


def sync_cycles(facts: Facts) -> list[tuple[list[str], list[Flow]]]:
    """One concrete cycle per strongly connected component: (nodes, flows), in file order."""
    edges = _edges(facts)
    cycles: list[tuple[list[str], list[Flow]]] = []
    # Components do not depend on visiting order; only the cycle shown for one does, so
    # only the (few) nodes on cycles get their successors sorted into file order.
    graph = nx.DiGraph(
        [(source, target) for source, targets in edges.items() for target in targets]
    )
    for members in nx.strongly_connected_components(graph):
        lone = next(iter(members))
        if len(members) == 1 and not graph.has_edge(lone, lone):
            continue  # a service on no cycle (it does not even call itself)
        for node in members:
            edges[node] = {n: edges[node][n] for n in facts.sorted_node_ids(edges[node])}
        start = facts.sorted_node_ids(members)[0]
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


def longest_chains(facts: Facts, min_length: int = 1) -> list[list[Flow]]:
    """For each http flow that continues no other, the longest causal http chain it starts
    (only chains of at least `min_length` hops), in file order.

    Flow g continues flow f when g leaves f's target, over http, caused by f's message.
    """
    by_cause: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in facts.http_flows.values():
        if flow.caused_by is not None:
            by_cause[(flow.source, flow.caused_by)].append(flow)
    for group in by_cause.values():
        group[:] = facts.sorted_flows(group)
    if min_length > 1:  # a chain of two hops or more starts with a flow that has followers
        http = facts.sorted_flows(
            f for f in facts.http_flows.values() if (f.target, f.message) in by_cause
        )
    else:
        http = facts.sorted_flows(facts.http_flows.values())
    continued = {
        g.id
        for f in facts.http_flows.values()
        for g in by_cause.get((f.target, f.message), ())
        if g.id != f.id
    }
    # Longest tail from each flow, by an explicit-stack depth-first search (a design may
    # hold chains longer than Python's recursion limit). Followers are tried in file order
    # and only a strictly longer tail replaces the best, so ties resolve the same way
    # every time.
    length: dict[str, int] = {}
    best_next: dict[str, Flow | None] = {}

    def followers(flow: Flow) -> list[Flow]:
        return by_cause.get((flow.target, flow.message), [])

    def solve(start: Flow) -> None:
        if start.id in length:
            return
        best: dict[str, tuple[int, Flow | None]] = {start.id: (0, None)}
        stack = [(start, iter(followers(start)))]
        on_path = {start.id}
        while stack:
            flow, successors = stack[-1]
            descended = False
            for nxt in successors:
                if nxt.id in on_path:
                    continue
                if nxt.id not in length:
                    best[nxt.id] = (0, None)
                    stack.append((nxt, iter(followers(nxt))))
                    on_path.add(nxt.id)
                    descended = True
                    break
                if length[nxt.id] > best[flow.id][0]:
                    best[flow.id] = (length[nxt.id], nxt)
            if descended:
                continue
            stack.pop()
            on_path.discard(flow.id)
            tail, chosen = best[flow.id]
            length[flow.id], best_next[flow.id] = tail + 1, chosen
            if stack:
                parent = stack[-1][0]
                if length[flow.id] > best[parent.id][0]:
                    best[parent.id] = (length[flow.id], flow)

    def chain_from(start: Flow) -> list[Flow]:
        solve(start)
        chain: list[Flow] = []
        seen: set[str] = set()
        step: Flow | None = start
        while step is not None and step.id not in seen:
            seen.add(step.id)
            chain.append(step)
            step = best_next.get(step.id)
        return chain

    chains = [chain_from(f) for f in http if f.id not in continued]
    return [chain for chain in chains if len(chain) >= min_length]
