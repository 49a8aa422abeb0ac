"""Stage 4, the site: the linked knowledge base -> every page and data file, planned by path
(:mod:`.plan`) and rendered through Jinja templates (:mod:`.pages`) into Markdown that any site
generator can build: entity pages, section indexes split as they grow, timelines, tag pages,
neighbourhood graphs drawn as SVG, "Cite this page", with the exports beside them."""
