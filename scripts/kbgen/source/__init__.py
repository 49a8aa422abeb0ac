"""Stage 1, reading files: ``entities/`` on disk -> documents, the data of each YAML file with the
line and column of every value, and the sources' archived texts; files that are not entity files,
or cannot be read or parsed safely, become located problems."""

from pathlib import Path

from .documents import Documents, LoadedFiles, RawDocument, ReadFile, SourceText, read_file
from .files import EntityFile, FoundFiles, find_files, read_archives
from .placeholders import PLACEHOLDER, placeholder_problems

__all__ = ["Documents", "EntityFile", "FoundFiles", "LoadedFiles", "PLACEHOLDER", "RawDocument", "ReadFile",
           "SourceText", "find_files", "placeholder_problems", "read_archives", "read_documents", "read_file"]


def read_documents(root: Path) -> Documents:
    """Every file under ``root/entities`` found, read and parsed in a stable order, every problem collected."""
    found = find_files(Path(root))
    archives, problems = read_archives(found)
    documents, tags = [], None
    problems = list(found.problems) + problems
    for entry in found.yaml:
        read = read_file(entry)
        problems += read.problems
        if entry.type == "tags":
            tags = read.document
        elif read.document is not None:
            documents.append(read.document)
    return Documents(documents, tags, archives, problems)
