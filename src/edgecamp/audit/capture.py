"""Records every write to a model of an `edgecamp.*` app, whoever wrote it and however:
model signals catch save() and delete() (the UI, the API, the admin, services), and
`QuerySet.bulk_create` / `QuerySet.update` are wrapped, because they send no signals. Models
added later by any edgecamp app are covered without registering anything.

Not covered: raw SQL (the synthetic demo loader's bulk inserts: see `record_bulk_load`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models.query import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from edgecamp.audit.models import AuditEntry
from edgecamp.core import context

# Counters and bookkeeping, not records: their changes say nothing about anybody. Stock
# balances are derived from the movement ledger, which is audited and append-only; auditing
# the balance too would add queries inside the row lock every distribution desk waits on.
EXCLUDED = frozenset(
    {
        "audit.auditentry",
        "registry.householdnumbersequence",
        "accounts.loginthrottle",
        "stock.stockbalance",
    }
)
# Fields whose values are secrets even to auditors.
SECRET_FIELDS = frozenset({"key_hash", "password"})
# Above this many rows, a bulk write is logged as one summary entry.
BULK_ROW_LIMIT = 500
REDACTED = "[protection-sensitive]"
SECRET = "[secret]"  # noqa: S105 - the placeholder shown instead of a secret


# What the apps above tell the log, each from its AppConfig.ready() (the audit app knows none
# of them):
# model label -> predicate on a row's values: True if the row is protection-sensitive, in which
# case only the fact of the change is logged, never its values.
SENSITIVE_ROWS: dict[str, Callable[[dict[str, Any]], bool]] = {}
# Objects whose str() would be sensitive or meaningless, logged by this field only.
REPR_FIELDS: dict[str, str] = {}
# Models that are a site: an entry about one is of that site (records reach it through their
# household, individual, shelter or block).
SITE_MODELS: set[str] = set()


def audited(model: type[models.Model]) -> bool:
    meta = model._meta
    return (
        meta.app_config is not None
        and meta.app_config.name.startswith("edgecamp.")
        and meta.label_lower not in EXCLUDED
        and not meta.proxy
    )


def _values(instance: models.Model) -> dict[str, Any]:
    return {f.attname: f.value_from_object(instance) for f in instance._meta.concrete_fields}


def _site_id(instance: models.Model, depth: int = 0) -> int | None:
    """The site a record belongs to, following site/household/individual/shelter/block links,
    so the log can be scoped to sites like the registry."""
    if instance._meta.label_lower in SITE_MODELS:
        return instance.pk
    site_id = getattr(instance, "site_id", None)
    if isinstance(site_id, int):
        return site_id
    if depth >= 3:
        return None
    for name in ("household", "individual", "shelter", "block"):
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.many_to_one or getattr(instance, field.attname, None) is None:
            continue
        try:
            parent = getattr(instance, name)
        except ObjectDoesNotExist:  # the parent went in the same cascade
            continue
        found = _site_id(parent, depth + 1)
        if found is not None:
            return found
    return None


def _repr(instance: models.Model) -> str:
    field = REPR_FIELDS.get(instance._meta.label_lower)
    if field:
        return str(getattr(instance, field, ""))[:200]
    try:
        return str(instance)[:200]
    except ObjectDoesNotExist:  # a str() that needs a deleted relation
        return ""


def _entry(
    action: str,
    instance: models.Model,
    changes: dict[str, Any],
    *,
    sensitive: bool = False,
) -> AuditEntry:
    actor_id, actor_name, source = context.actor()
    label = instance._meta.label_lower
    return AuditEntry(
        actor_id=actor_id,
        actor_name=actor_name,
        source=source,
        action=action,
        model=label,
        object_id=str(instance.pk if instance.pk is not None else ""),
        object_repr="" if sensitive else _repr(instance),
        site_id=_site_id(instance),
        changes=changes,
        sensitive=sensitive,
    )


def _changes(
    label: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any], bool]:
    is_sensitive = SENSITIVE_ROWS.get(label, lambda _v: False)
    sensitive = bool(before and is_sensitive(before)) or bool(after and is_sensitive(after))
    fields = (before or after or {}).keys()
    changes: dict[str, Any] = {}
    for name in fields:
        old = before.get(name) if before is not None else None
        new = after.get(name) if after is not None else None
        if before is not None and after is not None and old == new:
            continue
        if name in SECRET_FIELDS:
            old, new = (SECRET if old is not None else None), (SECRET if new is not None else None)
        elif sensitive and name != "id":
            # Who the row is about is redacted too: that a person has a protection-sensitive
            # need or note is itself sensitive. The row id lets an investigator with database
            # access join it back.
            old, new = (
                (REDACTED if old is not None else None),
                (REDACTED if new is not None else None),
            )
        changes[name] = [old, new]
    return changes, sensitive


# --- Signals -----------------------------------------------------------------------------------


def _before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not audited(sender) or context.is_unrecorded() or kwargs.get("raw"):
        return
    if instance._state.adding or instance.pk is None:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    row = sender._base_manager.filter(pk=instance.pk).values(
        *(f.attname for f in sender._meta.concrete_fields)
    )
    instance._audit_before = row.first()  # type: ignore[attr-defined]


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if not audited(sender) or context.is_unrecorded() or kwargs.get("raw"):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    changes, sensitive = _changes(sender._meta.label_lower, before, _values(instance))
    if not created and not changes:
        return
    action = AuditEntry.Action.CREATE if created or before is None else AuditEntry.Action.UPDATE
    _entry(action, instance, changes, sensitive=sensitive).save()


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not audited(sender) or context.is_unrecorded():
        return
    changes, sensitive = _changes(sender._meta.label_lower, _values(instance), None)
    _entry(AuditEntry.Action.DELETE, instance, changes, sensitive=sensitive).save()


def _m2m(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not audited(type(instance)) or context.is_unrecorded():
        return
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), "m2m"
    )
    pks = sorted(kwargs.get("pk_set") or [])
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    _entry(AuditEntry.Action.UPDATE, instance, {field: {verb: pks}}).save()


# --- Bulk writes -------------------------------------------------------------------------------


def _bulk_create(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    @wraps(original)
    def bulk_create(self: QuerySet[Any], objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        created = original(self, objs, *args, **kwargs)
        if audited(self.model) and not context.is_unrecorded() and created:
            label = self.model._meta.label_lower
            if len(created) > BULK_ROW_LIMIT:
                _bulk_summary(label, "create", len(created))
            else:
                entries = []
                for obj in created:
                    changes, sensitive = _changes(label, None, _values(obj))
                    entries.append(
                        _entry(AuditEntry.Action.CREATE, obj, changes, sensitive=sensitive)
                    )
                AuditEntry.objects.bulk_create(entries)
        return created

    return bulk_create


def _update(original: Callable[..., int]) -> Callable[..., int]:
    @wraps(original)
    def update(self: QuerySet[Any], **kwargs: Any) -> int:
        if not audited(self.model) or context.is_unrecorded():
            return original(self, **kwargs)
        model = self.model
        fields = [f.attname for f in model._meta.concrete_fields]
        reading = self.values(*fields)
        reading.query.select_for_update = False  # reading the rows must not need a transaction
        before = list(reading[: BULK_ROW_LIMIT + 1])
        count = original(self, **kwargs)
        if len(before) > BULK_ROW_LIMIT:
            _bulk_summary(model._meta.label_lower, "update", count, sorted(kwargs))
            return count
        pk_name = model._meta.pk.attname
        by_pk = {row[pk_name]: row for row in before}
        label = model._meta.label_lower
        entries = []
        for instance in model._base_manager.filter(pk__in=list(by_pk)):
            old = by_pk[instance.pk]
            changes, sensitive = _changes(label, old, _values(instance))
            if changes:
                entries.append(
                    _entry(AuditEntry.Action.UPDATE, instance, changes, sensitive=sensitive)
                )
        AuditEntry.objects.bulk_create(entries)
        return count

    return update


def _bulk_summary(label: str, verb: str, count: int, fields: list[str] | None = None) -> None:
    actor_id, actor_name, source = context.actor()
    AuditEntry.objects.create(
        actor_id=actor_id,
        actor_name=actor_name,
        source=source,
        action=AuditEntry.Action.BULK,
        model=label,
        changes={"operation": verb, "rows": count, "fields": fields or []},
    )


def record_bulk_load(summary: str, counts: dict[str, int]) -> None:
    """One entry for a load that bypasses the ORM (the synthetic demo loader)."""
    actor_id, actor_name, source = context.actor()
    AuditEntry.objects.create(
        actor_id=actor_id,
        actor_name=actor_name,
        source=source,
        action=AuditEntry.Action.BULK,
        model="bulk-load",
        object_repr=summary[:200],
        changes={"operation": "load", "rows": counts},
    )


def record_export(what: str, scope: Any, counts: dict[str, int] | None = None) -> None:
    """A download of personal data: what was exported, for which sites, how many rows (never
    the data)."""
    actor_id, actor_name, source = context.actor()
    sites = "all" if getattr(scope, "all_sites", False) else sorted(getattr(scope, "site_ids", ()))
    changes: dict[str, Any] = {"exported": what, "sites": sites}
    if counts:
        changes["rows"] = counts
    AuditEntry.objects.create(
        actor_id=actor_id,
        actor_name=actor_name,
        source=source,
        action=AuditEntry.Action.EXPORT,
        model="export",
        object_repr=what[:200],
        changes=changes,
        sensitive=bool(getattr(scope, "protection", False)),
    )


def record_sensitive_read(instance: models.Model, what: str) -> None:
    """A read of protection-sensitive data (`what` names the kind, never the values)."""
    record_sensitive_reads([instance], what)


def record_sensitive_reads(instances: Iterable[models.Model], what: str) -> None:
    """Reads of many records at once (a list decided by protection-sensitive data), in one
    insert."""
    entries = []
    for instance in instances:
        entry = _entry(AuditEntry.Action.READ, instance, {"read": what}, sensitive=True)
        entry.object_repr = _repr(instance) if instance._meta.label_lower in REPR_FIELDS else ""
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=BULK_ROW_LIMIT)


_connected = False


def connect() -> None:
    # Patching QuerySet twice would log every bulk write twice.
    global _connected
    if _connected:
        return
    _connected = True
    pre_save.connect(_before_save, dispatch_uid="edgecamp-audit-pre-save")
    post_save.connect(_after_save, dispatch_uid="edgecamp-audit-post-save")
    post_delete.connect(_after_delete, dispatch_uid="edgecamp-audit-post-delete")
    m2m_changed.connect(_m2m, dispatch_uid="edgecamp-audit-m2m")
    QuerySet.bulk_create = _bulk_create(QuerySet.bulk_create)  # type: ignore[method-assign]
    QuerySet.update = _update(QuerySet.update)  # type: ignore[method-assign]
