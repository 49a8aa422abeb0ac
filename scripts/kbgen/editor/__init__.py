"""Tools for editors: ``kbgen new`` writes a commented skeleton of an entity file, pointing at
the JSON Schema that gives their editor completion and inline errors."""
