"""Relationship diagrams: the knowledge base's links drawn as SVG at build time.

A diagram is readable with JavaScript off, offline and in print. It reads left
to right: what refers to an entity stands left of it, what it refers to stands
right. On a page's neighbourhood diagram each link's label is a small node of
its own between the two ends, so labels get their own room and never overlap.
Every entity is an ``<a>`` link to its page; every text is XML-escaped.

A neighbourhood is a star, so it is laid out directly in five columns
(referrers, their labels, the entry, its labels, what it names), each label
beside the group of entries it joins: no crossings between groups, in time
linear in its size (grandalf's general layered layout draws the same picture
far more slowly). The whole-graph page is no star and keeps grandalf's
layered ("dot"-style) layout.

The same input gives the same drawing: nodes and edges are built in the
knowledge base's reading order, grandalf orders layers from that order, and
coordinates are rounded before they are written.
"""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass
from html import escape
from typing import Callable, Optional

from grandalf.graphs import Edge as LayoutEdge
from grandalf.graphs import Vertex, graph_core

from ..core import urls as paths
from ..core import vocab
from ..core.urls import Urls
from ..link import KnowledgeBase
from ..model import Entity
from ..model.entities import field_names

NODE_WIDTH = 190
LINE_HEIGHT = 15
CHARS_PER_LINE = 26
MAX_LINES = 3
LABEL_CHAR_WIDTH = 6.5  # 12 px sans-serif, on average
GAP = 24  # between columns and around the drawing
DRAWN_TYPES = ("actor", "event", "recommendation")  # sources are evidence, shown as notes, not as nodes
# Layout time grows about with the square of the drawing's size, and a drawing past these sizes
# is no longer readable: a page draws at most this many links (its lists name them all) and the
# whole-graph page is drawn up to this many entities.
MAX_PAGE_LINKS = 40
MAX_WHOLE_ENTITIES = 300
MAX_WHOLE_LINKS = 1_000
"""The whole-site drawing's layout (crossing reduction) costs more than linear time in its links,
not only its boxes: 300 entries could carry 90,000 links. Above either limit the page says why it
draws nothing (the repository's knowledge base has a few hundred links)."""


@dataclass(frozen=True)
class Node:
    entity: Entity

    @property
    def key(self) -> tuple[str, str]:
        return (self.entity.type, self.entity.id)


@dataclass(frozen=True)
class Edge:
    """An arrow from one drawn entity to another, with how the link reads from its source."""

    source: tuple[str, str]
    target: tuple[str, str]
    label: str
    uncertain: bool = False  # qualified by a certainty word short of "confirmed", or disputed: drawn dashed


def _qualifier(entity: Entity, loc: tuple) -> Optional[str]:
    """The word an uncertain link is drawn with: its certainty (short of confirmed), or "disputed"."""
    if loc == ("part_of",):
        word = getattr(entity, "part_of_certainty", None)
        return vocab.CERTAINTY_LABELS[word] if word and word != "confirmed" else None
    if len(loc) != 3 or loc[0] not in ("participants", "relations"):
        return None
    link = getattr(entity, loc[0])[loc[1]]
    fields = field_names(type(link))  # a participant has role claims, a relation holds claims
    if (link.role_claims if "role_claims" in fields else None) or (link.holds_claims if "holds_claims" in fields else None):
        return "disputed"
    word = link.certainty
    return vocab.CERTAINTY_LABELS[word] if word and word != "confirmed" else None


def _edge(entity: Entity, ref) -> Edge:
    word = _qualifier(entity, ref.loc)
    if word is None:
        return Edge((entity.type, entity.id), (ref.target_type, ref.target_id), ref.label)
    return Edge((entity.type, entity.id), (ref.target_type, ref.target_id), f"{ref.label} ({word})", True)


def _links_from(entity: Entity, kb: KnowledgeBase) -> list[Edge]:
    """The entity's own references to drawn entities, each once, labelled as they read from it."""
    links = (_edge(entity, ref)
             for ref in kb.references(entity)
             if ref.target_type in DRAWN_TYPES and ref.target_id in kb.entities[ref.target_type])
    return list(dict.fromkeys(links))


def neighbourhood(kb: KnowledgeBase, entity: Entity,
                  links_from: Optional[Callable[[Entity], list[Edge]]] = None) -> tuple[list[Node], list[Edge]]:
    """One hop around ``entity``: everything it names and everything that names it. ``links_from``
    gives an entity's own links (:meth:`Neighbourhoods.links_from`, worked out once a build)."""
    links_from = links_from or (lambda other: _links_from(other, kb))
    key = (entity.type, entity.id)
    links = dict.fromkeys(links_from(entity))  # ordered and a set: a hub has thousands
    referrers = dict.fromkeys((b.entity.type, b.entity.id) for b in kb.referenced_by.get(key, [])
                              if b.entity.type in DRAWN_TYPES)
    for other in referrers:
        links.update(dict.fromkeys(link for link in links_from(kb.get(*other)) if link.target == key))
    # Retired entries stay out of other entries' neighbourhoods (their own page still draws theirs).
    links = {link: None for link in links
             if getattr(kb.get(*(link.target if link.source == key else link.source)), "retired", None) is None}
    keys = [key] + [link.target for link in links] + [link.source for link in links]
    nodes = [Node(kb.get(*k)) for k in dict.fromkeys(keys)]
    return nodes, list(links)


class Neighbourhoods:
    """The neighbourhood drawings of one knowledge base's pages. An entry's own links are drawn on its
    page and on the page of each entry it names: each entry's are worked out once."""

    def __init__(self, kb: KnowledgeBase, urls: Urls = Urls()):
        self.kb, self.urls = kb, urls
        self._links: dict[tuple[str, str], list[Edge]] = {}

    def links_from(self, entity: Entity) -> list[Edge]:
        key = (entity.type, entity.id)
        links = self._links.get(key)
        if links is None:
            links = self._links[key] = _links_from(entity, self.kb)
        return links

    def figure(self, entity: Entity, page: str) -> str:
        """:func:`neighbourhood_figure` of ``entity`` on ``page``."""
        return neighbourhood_figure(self.kb, entity, page, self.urls, links_from=self.links_from)


def whole_graph(kb: KnowledgeBase) -> tuple[list[Node], list[Edge]]:
    """Every drawn entity and every link between them."""
    nodes = [Node(e) for t in DRAWN_TYPES for e in kb.all(t)]
    links = [link for node in nodes for link in _links_from(node.entity, kb)]
    return nodes, links


@functools.lru_cache(maxsize=65_536)
def _wrap(text: str) -> tuple[str, ...]:
    """A title in at most three lines. Cached: a hub is drawn on every neighbour's page."""
    lines = textwrap.wrap(text, CHARS_PER_LINE, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: CHARS_PER_LINE - 1].rstrip() + "…"
    return tuple(lines)


class _Box:
    """A vertex's size and, after layout, its centre (grandalf's view protocol)."""

    def __init__(self, width: float, height: float):
        # The layout runs top to bottom; drawing left to right swaps the axes.
        self.w, self.h = height, width
        self.xy = (0.0, 0.0)


class _Route:
    def __init__(self):
        self.points: list[tuple[float, float]] = []

    def setpath(self, points):
        self.points = list(points)


def _parts(vertices: list[Vertex], edges: list[LayoutEdge]) -> list[graph_core]:
    """The connected parts, vertices and edges in input order.

    grandalf's ``Graph`` collects each part's edges in a set of objects hashed
    by address, so its order (and the drawing) would change from run to run.
    """
    part_of = {id(v): i for i, v in enumerate(vertices)}

    def find(i: int) -> int:
        while part_of[id(vertices[i])] != i:
            i = part_of[id(vertices[i])]
        return i

    for edge in edges:
        a, b = (find(part_of[id(v)]) for v in edge.v)
        if a != b:
            part_of[id(vertices[max(a, b)])] = min(a, b)
    groups: dict[int, tuple[list[Vertex], list[LayoutEdge]]] = {}
    for index, vertex in enumerate(vertices):
        groups.setdefault(find(index), ([], []))[0].append(vertex)
    for edge in edges:
        groups[find(part_of[id(edge.v[0])])][1].append(edge)
    return [graph_core(vs, es) for vs, es in groups.values()]


def _layout(vertices: list[Vertex], edges: list[LayoutEdge]) -> None:
    """Lay out every connected part, then stack the parts top to bottom."""
    # Imported here: only the whole-graph page uses it, and it imports numpy, which is slow to import.
    from grandalf.layouts import DummyVertex, SugiyamaLayout

    offset = 0.0
    for part in _parts(vertices, edges):
        layout = SugiyamaLayout(part)
        layout.xspace, layout.yspace = 12, GAP * 2
        roots = [v for v in part.sV if not v.e_in()]
        layout.init_all(roots=roots or [next(iter(part.sV))], optimize=True)
        for vertex in layout.grx:
            if isinstance(vertex, DummyVertex):
                # A long edge's bend points: grandalf sizes them like a median node; a thin line needs little room.
                vertex.view.w, vertex.view.h = 6, 6
        layout.draw()
        top = min(v.view.xy[0] - v.view.w / 2 for v in part.sV)
        for v in part.sV:
            x, y = v.view.xy
            v.view.xy = (x - top + offset, y)
        for e in part.sE:
            e.view.points = [(x - top + offset, y) for x, y in e.view.points]
        offset = max(v.view.xy[0] + v.view.w / 2 for v in part.sV) + GAP


def _star_layout(centre: Vertex, edges: list[LayoutEdge]) -> None:
    """Place a neighbourhood in columns: referrers, their labels, the centre, its labels, its targets.

    Positions are written as grandalf would (``view.xy`` in layout axes: across, then
    along the reading direction). Every edge joins the centre or an entity to a label.
    An entity both referring to the centre and named by it stands once, on the right.
    """
    into: dict[Vertex, list[Vertex]] = {}  # in-label -> the entities joined to it, in link order
    out_of: dict[Vertex, list[Vertex]] = {}
    for edge in edges:
        a, b = edge.v
        if b is centre:
            into.setdefault(a, [])
        elif a is centre:
            out_of.setdefault(b, [])
        elif isinstance(b.data, Edge):  # entity -> in-label
            into.setdefault(b, []).append(a)
        else:  # out-label -> entity
            out_of.setdefault(a, []).append(b)
    right = {v for targets in out_of.values() for v in targets}
    placed: set[Vertex] = set()
    for label, entities in into.items():  # each entity once, in its first group
        into[label] = [v for v in dict.fromkeys(entities) if v not in right and v not in placed]
        placed.update(into[label])
    placed = set()
    for label, entities in out_of.items():
        out_of[label] = [v for v in dict.fromkeys(entities) if v not in placed]
        placed.update(out_of[label])

    def stack(groups: dict[Vertex, list[Vertex]]) -> tuple[dict[Vertex, float], dict[Vertex, float], float]:
        """Vertical centres of the entities (stacked group after group) and of each group's label."""
        entity_y, label_y, y = {}, {}, 0.0
        for label, entities in groups.items():
            top = y
            for vertex in entities:
                entity_y[vertex] = y + vertex.view.w / 2
                y += vertex.view.w + 12
            if not entities:  # every entity of this label already stands in another group
                y += label.view.w + 12
            label_y[label] = (top + y - 12) / 2
        return entity_y, label_y, max(y - 12, 0.0)

    left_y, in_label_y, left_height = stack(into)
    right_y, out_label_y, right_height = stack(out_of)
    height = max(left_height, right_height, centre.view.w)
    # Each column's centres, and how far down it starts so that every column is centred on the drawing.
    left_shift, right_shift = (height - left_height) / 2, (height - right_height) / 2
    columns = [(left_y, left_shift), (in_label_y, left_shift), ({centre: centre.view.w / 2}, (height - centre.view.w) / 2),
               (out_label_y, right_shift), (right_y, right_shift)]
    x = 0.0
    for ys, shift in columns:
        if not ys:
            continue
        width = max(v.view.h for v in ys)
        for vertex, y in ys.items():
            vertex.view.xy = (y + shift, x + width / 2)
        x += width + GAP * 2


def _entity_height(node: Node) -> float:
    return (len(_wrap(node.entity.title)) + 1) * LINE_HEIGHT + 10


@functools.lru_cache(maxsize=65_536)
def _node_texts(type_: str, title: str) -> tuple[str, str, tuple[str, ...]]:
    """A node's shape, its tooltip and the lines of its title, escaped. Cached, as :func:`_wrap` is."""
    shape = 'rx="14"' if type_ == "actor" else 'rx="2"'
    return shape, f"<title>{escape(type_)}: {escape(title)}</title>", tuple(escape(line) for line in _wrap(title))


@functools.lru_cache(maxsize=65_536)
def _f(value: float) -> str:
    """A coordinate to a tenth of a pixel, without trailing zeros or exponents (stable text, small files)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def render_svg(nodes: list[Node], links: list[Edge], page: str, urls: Urls = Urls(), *, title: str,
               centre: Optional[tuple[str, str]] = None, labels_as_nodes: bool = True) -> str:
    """The diagram as one SVG element on one line per part (no blank lines: it stays one raw HTML block)."""
    vertices = {n.key: Vertex(n) for n in nodes}
    for node in nodes:
        vertices[node.key].view = _Box(NODE_WIDTH, _entity_height(node))
    layout_edges: list[LayoutEdge] = []
    label_vertices: dict[tuple, Vertex] = {}
    seen_pairs: set[tuple[int, int]] = set()
    for link in links:
        if labels_as_nodes:
            # Links that read the same into or out of the centre share one label: "part of" is
            # written once, with every event that is part of the centre fanning into it.
            key = (link.label, link.source if link.source == centre else None, link.target if link.target == centre else None)
            if key not in label_vertices:
                label_vertices[key] = Vertex(link)
                label_vertices[key].view = _Box(len(link.label) * LABEL_CHAR_WIDTH + 12, LINE_HEIGHT + 4)
            label = label_vertices[key]
            pairs = [(vertices[link.source], label), (label, vertices[link.target])]
        else:
            pairs = [(vertices[link.source], vertices[link.target])]
        for a, b in pairs:
            if labels_as_nodes and (id(a), id(b)) in seen_pairs:  # a shared label is joined once
                continue
            seen_pairs.add((id(a), id(b)))
            edge = LayoutEdge(a, b, data=link)
            edge.view = _Route()
            layout_edges.append(edge)
    label_vertices = list(label_vertices.values())
    if labels_as_nodes and centre is not None:
        _star_layout(vertices[centre], layout_edges)
    else:
        _layout(list(vertices.values()) + label_vertices, layout_edges)

    # layout (x across layers' width, y down layers) -> drawing (x right, y down): centre x, centre y, width, height
    boxes = {vertex: (vertex.view.xy[1], vertex.view.xy[0], vertex.view.h, vertex.view.w)
             for vertex in [*vertices.values(), *label_vertices]}
    width = max(x + w / 2 for x, _, w, _ in boxes.values()) + GAP
    height = max(y + h / 2 for _, y, _, h in boxes.values()) + GAP
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kb-graph-svg" width="{_f(width + GAP)}" height="{_f(height + GAP)}"'
        f' viewBox="{_f(-GAP)} {_f(-GAP)} {_f(width + GAP)} {_f(height + GAP)}" role="group" aria-label="{escape(title)}">',
        '<defs><marker id="kb-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="kb-graph-arrowhead"/></marker></defs>',
    ]
    for edge in layout_edges:
        a, b = edge.v
        (ax, ay, aw, _), (bx, by, bw, _) = boxes[a], boxes[b]
        points = [(y, x) for x, y in edge.view.points] or [(ax, ay), (bx, by)]
        direction = 1 if bx >= ax else -1
        points[0] = (ax + direction * aw / 2, points[0][1])
        points[-1] = (bx - direction * bw / 2, points[-1][1])
        path = f"M{_f(points[0][0])},{_f(points[0][1])}"
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            middle = (x1 + x2) / 2
            path += f" C{_f(middle)},{_f(y1)} {_f(middle)},{_f(y2)} {_f(x2)},{_f(y2)}"
        arrow = ' marker-end="url(#kb-arrow)"' if not isinstance(b.data, Edge) else ""
        hover = "" if labels_as_nodes else f"<title>{escape(edge.data.label)}</title>"
        dashed = ' stroke-dasharray="6 4"' if edge.data.uncertain else ""  # an attribute: dashed offline, in print, without the stylesheet
        out.append(f'<path class="kb-graph-edge{" kb-graph-uncertain" if edge.data.uncertain else ""}" d="{path}"{arrow}{dashed}>{hover}</path>')
    for label in label_vertices:
        x, y, _, _ = boxes[label]
        out.append(f'<text class="kb-graph-label" x="{_f(x)}" y="{_f(y + 4)}" text-anchor="middle">{escape(label.data.label)}</text>')
    for node in nodes:
        x, y, w, h = boxes[vertices[node.key]]
        entity = node.entity
        shape, tooltip, lines = _node_texts(entity.type, entity.title)
        top = y - h / 2 + 5 + LINE_HEIGHT - 3
        across = _f(x)
        text = f'<text x="{across}" y="{_f(top)}" text-anchor="middle" class="kb-graph-type">{entity.type}</text>'
        for index, line in enumerate(lines, start=1):
            text += f'<text x="{across}" y="{_f(top + index * LINE_HEIGHT)}" text-anchor="middle">{line}</text>'
        classes = f"kb-graph-node kb-graph-{entity.type}" + (" kb-graph-centre" if node.key == centre else "")
        out.append(
            f'<a href="{escape(urls.link(page, paths.entity_page(entity.type, entity.id)))}" class="{classes}">{tooltip}'
            f'<rect x="{_f(x - w / 2)}" y="{_f(y - h / 2)}" width="{_f(w)}" height="{_f(h)}" {shape}/>{text}</a>'
        )
    out.append("</svg>")
    return "\n".join(out)


def figure(svg: str, caption: str, kind: str) -> str:
    """A raw-HTML block for a Markdown page: excluded from search (its names belong to other pages).
    ``kind`` ("neighbourhood" or "whole") lets the stylesheet fit the small drawings to the page."""
    return (
        f'<figure class="kb-graph kb-graph-{kind}" data-search-exclude>\n<div class="kb-graph-scroll">\n{svg}\n</div>\n'
        f"<figcaption>{escape(caption)}</figcaption>\n</figure>"
    )


def neighbourhood_figure(kb: KnowledgeBase, entity: Entity, page: str, urls: Urls = Urls(),
                         links_from: Optional[Callable[[Entity], list[Edge]]] = None) -> str:
    nodes, links = neighbourhood(kb, entity, links_from)
    if not links:
        return ""
    caption = "What refers to this entry (left) and what it refers to (right). Each box links to its page."
    if len(links) > MAX_PAGE_LINKS:
        caption += f" The first {MAX_PAGE_LINKS} of {len(links)} links are drawn; the lists on this page name them all."
        links = links[:MAX_PAGE_LINKS]
        kept = {k for link in links for k in (link.source, link.target)}
        nodes = [n for n in nodes if n.key in kept]
    svg = render_svg(nodes, links, page, urls, title=f"Links of {entity.title}", centre=(entity.type, entity.id))
    return figure(svg, caption, "neighbourhood")


def whole_figure(kb: KnowledgeBase, page: str, urls: Urls = Urls()) -> str:
    drawn = sum(len(kb.all(t)) for t in DRAWN_TYPES)
    if drawn > MAX_WHOLE_ENTITIES:  # told before any link is found: this message names none
        return (f'<p class="kb-graph-too-large">The knowledge base has {drawn} actors, events and recommendations, '
                f"too many to draw readably in one picture (the limit is {MAX_WHOLE_ENTITIES}). "
                "Each entry's page draws its own neighbourhood.</p>")
    nodes, links = whole_graph(kb)
    if len(links) > MAX_WHOLE_LINKS:
        return (f'<p class="kb-graph-too-large">The knowledge base has {len(links)} links between its actors, events and '
                f"recommendations, too many to draw readably in one picture (the limit is {MAX_WHOLE_LINKS}). "
                "Each entry's page draws its own neighbourhood.</p>")
    svg = render_svg(nodes, links, page, urls, title="Every actor, event and recommendation", labels_as_nodes=False)
    return figure(svg, "Every actor, event and recommendation, with arrows from each to what it names. "
                       "Hover an arrow for its relation. Scroll the drawing to see all of it.", "whole")


