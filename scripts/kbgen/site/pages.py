"""The Jinja environment that renders pages: templates from ``templates/`` (or a folder of
same-named overrides), run with ``StrictUndefined``, every value escaped for Markdown
(:func:`~kbgen.site.markup.md_escape`), and the functions templates call to link, draw and cite.

Links go through :class:`~kbgen.core.urls.Urls`: Markdown links between page files
(``link_path``), which the site generator rewrites, and HTML links to built addresses
(``page_link``, ``tag_link``, ``file_url``, graph nodes), which it does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape

from ..core import urls as paths
from ..core import vocab
from ..core.prose import render_prose
from ..core.urls import Urls
from ..model import Entity
from . import claims, diagram
from .cite import cite_this
from .indexes import LATEST_DATE_ONLY, actor_timeline, known_only_by_latest_date, timeline
from .markup import UNINDEXED_END, UNINDEXED_START, Footnotes, front_matter_text, md_escape, passthrough
from .words import day_in_words, search_variants

TEMPLATES = Path(__file__).parent / "templates"


def make_environment(overrides: Optional[Path] = None, urls: Urls = Urls(), site_name: Optional[str] = None,
                     bytecode_cache: Optional[BytecodeCache] = None) -> Environment:
    """The Jinja environment; a folder of same-named templates overrides the built-in ones.
    ``bytecode_cache`` is Jinja's own: compiled templates kept from an earlier environment.

    Templates get the page being rendered as ``page`` (its path under the docs folder), from
    which every link on it is made."""
    search = ([str(overrides)] if overrides else []) + [str(TEMPLATES)]
    env = Environment(
        loader=FileSystemLoader(search),
        undefined=StrictUndefined,
        autoescape=False,  # output is Markdown, escaped by finalize for Markdown and HTML at once
        finalize=md_escape,
        # Templates do not change during a build (`mkdocs serve` makes a new environment for each
        # rebuild): no file-system check each time a page looks its template up.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache,
    )

    @pass_context
    def link(context, entity: Entity, text: Optional[str] = None) -> Markup:
        """A Markdown link to an entity's page (for templates that override the built-in ones)."""
        target = paths.relative(context["page"], paths.entity_page(entity.type, entity.id))
        return Markup(f"[{md_escape(text if text is not None else entity.title)}]({target})")

    @pass_context
    def page_link(context, entity: Entity) -> Markup:
        """A link to an entity's page as HTML, for blocks that Markdown does not parse (infoboxes, lists)."""
        url = urls.link(context["page"], paths.entity_page(entity.type, entity.id))
        return Markup(f'<a href="{escape(url)}">{md_escape(entity.title)}</a>')

    @pass_context
    def tag_link(context, tag: str) -> Markup:
        # HTML, so that the link keeps its class (no attribute lists in our Markdown).
        url = urls.link(context["page"], paths.tag_page(tag))
        return Markup(f'<a href="{escape(url)}" class="kb-tag">{md_escape(tag)}</a>')

    @pass_context
    def link_path(context, path: str) -> Markup:
        """A Markdown link target: ``path`` (a page file) relative to the page."""
        return Markup(paths.relative(context["page"], path))

    @pass_context
    def file_url(context, path: str) -> Markup:
        """The address of a data file relative to the page, for HTML links."""
        return Markup(escape(urls.link(context["page"], path)))

    drawings: list[diagram.Neighbourhoods] = []  # of the knowledge base the pages are rendered from

    @pass_context
    def neighbourhood_graph(context, entity: Entity) -> Markup:
        if not drawings or drawings[0].kb is not context["kb"]:
            drawings[:] = [diagram.Neighbourhoods(context["kb"], urls)]
        figure = drawings[0].figure(entity, context["page"])
        return passthrough(figure) if figure else Markup("")  # most of a page's HTML tags: never parsed

    @pass_context
    def whole_graph(context) -> Markup:
        return passthrough(diagram.whole_figure(context["kb"], context["page"], urls))

    # Pre-rendered HTML blocks on pages are framed so Python-Markdown passes them through unparsed.
    env.filters["prose"] = lambda text: passthrough(render_prose(text))
    env.filters["passthrough"] = passthrough
    env.filters["day_in_words"] = day_in_words
    env.filters["front_matter_text"] = front_matter_text
    env.filters["e_md"] = lambda value: Markup(md_escape(value))  # text escaped before it is joined to HTML with ~
    env.globals.update(
        link=link,
        page_link=page_link,
        link_path=link_path,
        file_url=file_url,
        tag_link=tag_link,
        tag_path=paths.tag_page,
        paths=paths,
        vocab=vocab,
        folders=vocab.FOLDERS,
        timeline=timeline,
        known_only_by_latest_date=known_only_by_latest_date,
        actor_timeline=actor_timeline,
        latest_date_only_heading=LATEST_DATE_ONLY,
        unindexed_start=Markup(UNINDEXED_START),
        unindexed_end=Markup(UNINDEXED_END),
        neighbourhood_graph=neighbourhood_graph,
        whole_graph=whole_graph,
        search_variants=search_variants,
        footnotes=Footnotes,
        cite_this=lambda entity, style: passthrough(cite_this(entity, style, urls, site_name)),
        disputes=claims.disputes,
        support=claims.support,
        dispute_title=claims.dispute_title,
        claim_value_words=claims.claim_value_words,
        source_claims=claims.source_claims,
    )
    return env
