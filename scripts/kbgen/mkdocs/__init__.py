"""The MkDocs adapter: the ``kbgen`` plugin (options declared as a typed MkDocs ``Config``) that
hands the generated pages to MkDocs (or ProperDocs, which runs MkDocs plugins), and search by
Pagefind for large sites."""
