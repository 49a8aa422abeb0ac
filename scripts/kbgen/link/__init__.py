"""Stage 3, linking: typed entities -> the linked knowledge base. Every reference resolved (an
unknown id names the closest ones), every inverse link built, renames, tags and cycles checked;
and each quote verified against its source's archived text."""

from .graph import Backlink, KnowledgeBase, link_entities
from .quotes import Archives, quote_in_text, quote_problems
from .references import Reference, iter_references

__all__ = ["Archives", "Backlink", "KnowledgeBase", "Reference", "iter_references", "link_entities",
           "quote_in_text", "quote_problems"]
