"""Stage 2, typed entities: documents -> strict pydantic models with closed vocabularies and EDTF
dates, every invalid value a located problem; and the JSON Schemas editors' tools read, derived
from the same models."""

from .build import build_entities, build_entity
from .entities import MODELS, Actor, Citation, Entity, Event, Recommendation, Ref, Source, TypedLink

__all__ = ["MODELS", "Actor", "Citation", "Entity", "Event", "Recommendation", "Ref", "Source", "TypedLink",
           "build_entities", "build_entity"]
