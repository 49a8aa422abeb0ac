"""Typed entities: what a valid knowledge base is made of.

Models are strict (no coercion: ``2011`` is not text unless the loader kept it
as text, ``yes`` is not a boolean) and closed (unknown fields are errors). A
field that names another entity is annotated with :class:`Ref`, which is all
the ``graph`` stage needs to resolve it and to build the inverse link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from . import vocab
from .dates import EXAMPLES as DATE_EXAMPLES, DateError, EdtfDate
from .prose import prose_problems


@dataclass(frozen=True)
class Ref:
    """Marks a field as a reference to an entity of ``target`` type.

    ``label`` reads from the referring entity ("addressed to"), ``inverse``
    from the target's "Referenced by" list ("recommendations addressed to it").
    Models holding a typed link (a relation, a participant) override both with
    the link's own type through :meth:`Link.link_labels`.
    """

    target: str
    label: str = ""
    inverse: str = ""


def _non_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty or only spaces")
    return text


def _prose(text: str) -> str:
    problems = prose_problems(text)
    if problems:
        raise ValueError("; ".join(problems))
    return text


# http(s) only, and none of the characters that end a URL in HTML attributes,
# Markdown or YAML (quotes, angle brackets, braces, backslash, spaces), so the
# address can be shown or linked anywhere without a way to break out.
WEB_ADDRESS_PATTERN = r"^https?://[^\s\"<>\\^`{|}]+$"


_WEB_ADDRESS = re.compile(WEB_ADDRESS_PATTERN)


def _web_address(text: str) -> str:
    if not _WEB_ADDRESS.fullmatch(text):
        raise ValueError(f"'{text}' is not a web address: it must start with http:// or https:// and contain "
                         "no spaces, quotes, angle brackets, braces or backslashes (percent-encode them)")
    return text


def _slug(text: str) -> str:
    if not vocab.is_id(text):
        raise ValueError(f"'{text}' is not a valid id: {vocab.ID_RULE}")
    return text


def _edtf(value: Any) -> EdtfDate:
    if isinstance(value, EdtfDate):
        return value
    if not isinstance(value, str):
        raise ValueError(f"a date must be text in EDTF form, e.g. 2025-06-22; got {type(value).__name__}")
    try:
        return EdtfDate.parse(value)
    except DateError as error:
        raise ValueError(str(error)) from None


def _vocabulary(name: str, values: dict) -> Any:
    """A closed vocabulary as a Literal, so errors and schemas list the allowed values."""
    return Annotated[Literal[tuple(values)], Field(description=f"One of the {name} values.")]


_POINT = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?"
EDTF_PATTERN = rf"^({_POINT}|({_POINT}|\.\.)?/({_POINT}|\.\.)?)$"
"""The EDTF forms kbgen accepts, as a pattern for JSON Schema (the calendar check is kbgen's alone)."""

Text = Annotated[str, AfterValidator(_non_blank), Field(json_schema_extra={"pattern": r"\S"})]
"""Plain text: shown escaped, never interpreted as Markdown or HTML."""

Prose = Annotated[str, AfterValidator(_non_blank), AfterValidator(_prose), Field(json_schema_extra={"format": "markdown", "pattern": r"\S"})]
"""Markdown limited to text formatting and links: anything else is an error (:mod:`kbgen.prose`), and it is sanitised when rendered."""

WebAddress = Annotated[str, AfterValidator(_web_address), Field(json_schema_extra={"pattern": WEB_ADDRESS_PATTERN, "format": "uri"})]

Slug = Annotated[str, AfterValidator(_slug), Field(max_length=vocab.ID_MAX_LENGTH, json_schema_extra={"pattern": vocab.ID_PATTERN})]

Date = Annotated[
    EdtfDate,
    BeforeValidator(_edtf),
    PlainSerializer(lambda d: d.text, return_type=str),
    WithJsonSchema({
        # An unquoted year (2011) is text to kbgen's loader but a number to editors' YAML language servers.
        "type": ["string", "integer"],
        "pattern": EDTF_PATTERN,
        "description": "EDTF date: " + DATE_EXAMPLES,
        "examples": ["2025-06-22", "2024-03", "2011", "2024-03~", "2011?", "2025-06-13/2025-06-24", "2025-06/.."],
    }),
]

ActorKind = _vocabulary("actor kind", vocab.ACTOR_KINDS)
EventKind = _vocabulary("event kind", vocab.EVENT_KINDS)
Role = _vocabulary("participant role", vocab.PARTICIPANT_ROLES)
ActorRelationType = _vocabulary("actor relation", vocab.ACTOR_RELATIONS)
EventRelationType = _vocabulary("event relation", vocab.EVENT_RELATIONS)
Instrument = _vocabulary("instrument", vocab.INSTRUMENTS)
Status = _vocabulary("recommendation status", vocab.RECOMMENDATION_STATUSES)


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Citation(Strict):
    """Evidence for an entity: a source, and optionally the exact words and where they are."""

    source: Annotated[Slug, Ref("source", "cites", "cited by")]
    quote: Optional[Text] = Field(None, description="Verbatim text from the source.")
    locator: Optional[Text] = Field(None, description="Where in the source: page, paragraph, section.")

    @property
    def key(self) -> tuple:
        """What makes two citations the same note (compared by value: model == is slow, pages ask often)."""
        return (self.source, self.quote, self.locator)


Citations = Annotated[list[Citation], Field(default_factory=list)]
Tags = Annotated[list[Slug], Field(default_factory=list, description="Theme tags declared in entities/tags.yml.")]


class Link(Strict):
    """A typed link to another entity whose labels come from its vocabulary."""

    def link_labels(self) -> tuple[str, str]:  # pragma: no cover - overridden
        raise NotImplementedError


class ActorRelation(Link):
    type: ActorRelationType
    actor: Annotated[Slug, Ref("actor")]
    date: Optional[Date] = None
    note: Optional[Text] = None
    citations: Citations

    def link_labels(self) -> tuple[str, str]:
        relation = vocab.ACTOR_RELATIONS[self.type]
        return relation.label, relation.inverse


class EventRelation(Link):
    type: EventRelationType
    event: Annotated[Slug, Ref("event")]
    note: Optional[Text] = None
    citations: Citations

    def link_labels(self) -> tuple[str, str]:
        relation = vocab.EVENT_RELATIONS[self.type]
        return relation.label, relation.inverse


class Participant(Link):
    actor: Annotated[Slug, Ref("actor")]
    role: Role
    note: Optional[Text] = None

    def link_labels(self) -> tuple[str, str]:
        return vocab.ROLE_LABELS[self.role], "took part as " + vocab.ROLE_LABELS[self.role]


class Entity(Strict):
    """Fields every entity has. ``id`` and ``type`` come from the file's path."""

    id: Slug
    type: str
    tags: Tags
    citations: Citations
    former_ids: Annotated[list[Slug], Field(default_factory=list, description=(
        "Ids this entity had before it was renamed: their old pages redirect here, "
        "and a reference to one is an error naming the new id."))]

    @property
    def title(self) -> str:
        raise NotImplementedError

    def all_citations(self) -> list[Citation]:
        """Every distinct citation, in the order it first appears: the entity's own, then its links'."""
        notes: list[Citation] = []
        seen: set[tuple] = set()
        for citation in list(self.citations) + [c for link in getattr(self, "relations", []) for c in link.citations]:
            if citation.key not in seen:
                seen.add(citation.key)
                notes.append(citation)
        return notes


class Actor(Entity):
    type: Literal["actor"] = "actor"
    name: Text
    kind: ActorKind
    summary: Prose
    aliases: Annotated[list[Text], Field(default_factory=list, description="Other names, spellings, abbreviations and native-script names.")]
    relations: Annotated[list[ActorRelation], Field(default_factory=list)]

    @property
    def title(self) -> str:
        return self.name


class Event(Entity):
    type: Literal["event"] = "event"
    title_: Text = Field(alias="title")
    date: Date
    kind: EventKind
    summary: Prose
    participants: Annotated[list[Participant], Field(min_length=1)]
    location: Optional[Text] = None
    part_of: Annotated[Optional[Slug], Ref("event", "part of", "includes")] = None
    relations: Annotated[list[EventRelation], Field(default_factory=list)]

    @property
    def title(self) -> str:
        return self.title_


class Recommendation(Entity):
    type: Literal["recommendation"] = "recommendation"
    title_: Text = Field(alias="title")
    addressee: Annotated[Slug, Ref("actor", "addressed to", "recommendations addressed to it")]
    summary: Prose
    concerns: Annotated[list[Annotated[Slug, Ref("actor", "concerns", "concerned by")]], Field(default_factory=list)]
    motivated_by: Annotated[list[Annotated[Slug, Ref("event", "motivated by", "motivates")]], Field(default_factory=list)]
    instruments: Annotated[list[Instrument], Field(default_factory=list)]
    rationale: Optional[Prose] = None
    risks: Optional[Prose] = Field(None, description="What the source says may happen if the recommendation is not followed.")
    status: Status = "proposed"

    @property
    def title(self) -> str:
        return self.title_


class Source(Entity):
    type: Literal["source"] = "source"
    title_: Text = Field(alias="title")
    published: Date
    author: Optional[Text] = None
    publisher: Optional[Text] = None
    url: Optional[WebAddress] = None
    notes: Optional[Prose] = None

    @property
    def title(self) -> str:
        return self.title_


MODELS: dict[str, type[Entity]] = {
    "actor": Actor,
    "event": Event,
    "recommendation": Recommendation,
    "source": Source,
}

AnyEntity = Union[Actor, Event, Recommendation, Source]


# -- stage: raw documents -> typed entities ---------------------------------

from pydantic import ValidationError  # noqa: E402

from .problems import Problem, did_you_mean  # noqa: E402


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items() if name not in ("id", "type")]


def _model_at(model: type[BaseModel], loc: tuple) -> Optional[type[BaseModel]]:
    """The model class that owns the last element of ``loc`` (for listing allowed fields)."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        annotation = fields[part].annotation if part in fields else None
        inner = nested_model(annotation)
        if inner is None:
            return None
        model = inner
    return model


def nested_model(annotation) -> Optional[type[BaseModel]]:
    """The model class an annotation holds (``list[Citation]``, ``Optional[Participant]``), or None."""
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = nested_model(arg)
        if found:
            return found
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


def _expected(model: type[BaseModel], loc: tuple) -> str:
    """What a missing field should hold: its allowed values, the date form, or its description."""
    from typing import get_args, get_origin

    from .schema import FIELD_HELP

    owner = _model_at(model, loc)
    fields = {f.alias or n: f for n, f in owner.model_fields.items()} if owner else {}
    info = fields.get(str(loc[-1]))
    if info is None:
        return ""
    if get_origin(info.annotation) is Literal:
        return "; allowed: " + ", ".join(get_args(info.annotation))
    if info.annotation is EdtfDate:
        return f"; an EDTF date, e.g. {DATE_EXAMPLES}"
    help_text = info.description or FIELD_HELP.get(str(loc[-1]))
    return f" ({help_text[0].lower() + help_text[1:].rstrip('.')})" if help_text else ""


def _message(error: dict, model: type[BaseModel], entity_type: str) -> tuple[str, bool]:
    """An editor-facing message for one pydantic error, and whether it points at the key."""
    loc, kind, value = error["loc"], error["type"], error.get("input")
    name = str(loc[-1]) if loc else entity_type
    where = ".".join(str(p) for p in loc)
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        allowed = _field_names(owner) if owner else []
        hint = did_you_mean(name, allowed)
        extra = "; the id is the file name" if loc == ("id",) else ""
        return f"unknown field '{name}'{hint}{extra}; allowed fields: {', '.join(allowed)}", True
    if kind == "missing":
        return f"missing required field '{where}'{_expected(model, loc)}", False
    if kind == "literal_error":
        allowed = [v.strip("'") for v in re.findall(r"'[^']*'", error["ctx"]["expected"])]
        hint = did_you_mean(str(value), allowed)
        return f"{_describe(value)} is not an allowed value for '{where}'{hint}; allowed: {', '.join(allowed)}", False
    if kind in ("string_type",):
        return f"'{where}' must be text, not {_describe(value)}; put the value in quotes", False
    if kind in ("list_type",):
        return f"'{where}' must be a list (lines starting with '- '), not {_describe(value)}", False
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{where}' must be a mapping of fields, not {_describe(value)}", False
    if kind == "too_short":
        return f"'{where}' needs at least {error['ctx'].get('min_length', 1)} item(s){_expected(model, loc)}", False
    if kind == "value_error":
        return f"'{where}': {error['msg'].removeprefix('Value error, ')}", False
    return f"'{where}': {error['msg']}", False


def build_entities(documents, cache=None) -> tuple[list[Entity], list[Problem]]:
    """Validate every raw document against its model; collect every problem from every file.

    With a :class:`~kbgen.load.ParseCache`, a document read from unchanged bytes
    reuses its earlier result (validation is a pure function of path and bytes)."""
    entities: list[Entity] = []
    problems: list[Problem] = []
    for doc in documents:
        key = (doc.path, doc.digest)
        if cache is not None and doc.digest and key in cache.validated:
            entity, doc_problems = cache.validated[key]
        else:
            entity, doc_problems = _build_entity(doc)
            if cache is not None and doc.digest:
                cache.validated[key] = (entity, doc_problems)
        if entity is not None:
            entities.append(entity)
        problems += doc_problems
    return entities, problems


def _build_entity(doc) -> tuple[Optional[Entity], list[Problem]]:
    model = MODELS[doc.type]
    problems: list[Problem] = []
    data = dict(doc.data)
    for reserved in ("id", "type"):
        if reserved in data:
            line, col = doc.locate((reserved,), key=True)
            problems.append(Problem(doc.path, line, col,
                f"'{reserved}' is not a field: an entity's {reserved} comes from its file path ({doc.path})"))
            del data[reserved]
    try:
        return model.model_validate({**data, "id": doc.id}), problems
    except ValidationError as invalid:
        for error in invalid.errors():
            message, at_key = _message(error, model, doc.type)
            line, col = doc.locate(error["loc"], key=at_key or error["type"] == "missing")
            problems.append(Problem(doc.path, line, col, message))
    return None, problems
