"""kbgen: YAML knowledge base -> validated, linked model -> cross-linked pages for a static site.

One direction of flow, a subpackage per stage, each importing only those before it
(enforced by import-linter, ``[tool.importlinter]`` in pyproject.toml):

``core`` (the shared language) -> ``source`` (reading files) -> ``model`` (typed entities)
-> ``link`` (the linked knowledge base) -> ``exports`` and ``site`` (data files and pages)
-> ``editor`` (tools for editors); ``pipeline`` runs the stages, ``runtime`` decides how
(processes, memo, garbage collector), and the adapters sit on top: ``cli`` (the ``kbgen``
command), ``mkdocs`` (the MkDocs plugin) and ``passthrough`` (the Markdown extension).
"""

__version__ = "0.1.0"
