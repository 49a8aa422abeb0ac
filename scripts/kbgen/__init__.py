"""kbgen: YAML knowledge base -> validated, linked model -> cross-linked MkDocs pages.

Stages, each a module with one job, in one direction:
``load`` -> ``model`` -> ``graph`` -> ``render`` -> ``plugin`` (MkDocs adapter).
"""

__version__ = "0.1.0"
