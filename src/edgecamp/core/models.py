"""Columns many records share, defined once.

- `Timestamped`: when a record was created and last changed.
- `PublicId`: a random UUID for every record that will ever leave the machine (an export, a
  partner's copy, a sync, a backup restored elsewhere): database ids are local and reused
  after a restore, a UUID names the same record everywhere. It is never reused and never
  changes. Existing tables get theirs with `core.dbguards.add_public_id`.
- `AppendOnly`: a history that is only ever added to (the stock ledger, life events): saving
  an existing row, deleting, bulk update and delete are refused with PermissionDenied before
  the database, whose triggers refuse them too (`core.dbguards.append_only`, in a migration).
- `by_user(...)`: the "by whom" column of a recorded act (registered by, opened by, served
  by): the staff user, kept as empty when the account is deleted, never a reverse relation.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicId(models.Model):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionDenied(self.model.append_only_message)

    def delete(self) -> NoReturn:
        raise PermissionDenied(self.model.append_only_message)


class AppendOnly(models.Model):
    # Says what to do instead, e.g. "record a correcting movement".
    append_only_message: ClassVar[str] = "This history is append-only."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionDenied(self.append_only_message)


def by_user(verbose_name: Any = None) -> models.ForeignKey[Any, Any]:
    """The staff user who did something to the record."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
