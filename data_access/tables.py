"""Table definitions for queries (SQLAlchemy Core + GeoAlchemy2). The migrations own the DDL."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import CHAR, Column, Date, DateTime, Integer, MetaData, Table, Text

from domain.registers import COUNTED_COLOURS, MANAGED_KINDS, STATUSES

metadata = MetaData()


def _code(name: str, length: int = 12, **kw) -> Column:
    return Column(name, CHAR(length), **kw)


district = Table(
    "district", metadata,
    _code("code", primary_key=True), Column("name", Text),
    Column("geom", Geometry("MULTIPOLYGON", 4326, spatial_index=False)), Column("geojson", Text),
)
street = Table(
    "street", metadata,
    _code("code", primary_key=True), Column("name", Text), _code("district_code"),
    Column("geom", Geometry("MULTIPOLYGON", 4326, spatial_index=False)), Column("geojson", Text),
)
community = Table(
    "community", metadata,
    _code("code", primary_key=True), Column("name", Text), _code("street_code"),
    Column("geom", Geometry("MULTIPOLYGON", 4326, spatial_index=False)), Column("geojson", Text),
)
person = Table(
    "person", metadata,
    _code("id_number", 18, primary_key=True), Column("name", Text), Column("phone", Text),
    Column("residence_type", Text), _code("community_code"), Column("address", Text),
)
enterprise = Table(
    "enterprise", metadata,
    _code("credit_code", 18, primary_key=True), Column("name", Text), Column("address", Text),
    Column("industry", Text), Column("location", Geometry("POINT", 4326, spatial_index=False)),
    _code("community_code"),
)
employment = Table(
    "employment", metadata,
    _code("credit_code", 18, primary_key=True), _code("id_number", 18, primary_key=True),
    Column("since", Date),
)
health_code = Table(
    "health_code", metadata,
    _code("id_number", 18, primary_key=True), Column("colour", Text),
    Column("changed_at", DateTime(timezone=True)), Column("source", Text),
)
health_code_history = Table(
    "health_code_history", metadata,
    Column("id", Integer, primary_key=True), _code("id_number", 18), Column("colour", Text),
    Column("previous_colour", Text), Column("changed_at", DateTime(timezone=True)),
    Column("source", Text), Column("recorded_at", DateTime(timezone=True)),
)
managed_person = Table(
    "managed_person", metadata,
    Column("id", Integer, primary_key=True), _code("id_number", 18), Column("kind", Text),
    _code("community_code"), Column("start_date", Date), Column("end_date", Date),
)

COLOURS = COUNTED_COLOURS  # the aggregates count people without a record as "none"

enterprise_stats = Table(
    "enterprise_stats", metadata,
    _code("credit_code", 18, primary_key=True), _code("community_code"),
    *[Column(f"employees_{c}", Integer) for c in COLOURS],
    Column("employees_total", Integer), Column("status", Text),
)
community_stats = Table(
    "community_stats", metadata,
    _code("community_code", primary_key=True),
    Column("residents_permanent", Integer), Column("residents_temporary", Integer),
    *[Column(f"residents_{c}", Integer) for c in COLOURS],
    *[Column(f"employees_{c}", Integer) for c in COLOURS],
    *[Column(f"enterprises_{s}", Integer) for s in STATUSES],
    Column("updated_at", DateTime(timezone=True)),
)
managed_counts = Table(  # a view
    "managed_counts", metadata,
    _code("community_code", primary_key=True), Column("managed_total", Integer),
    *[Column(f"managed_{k}", Integer) for k in MANAGED_KINDS],
)
