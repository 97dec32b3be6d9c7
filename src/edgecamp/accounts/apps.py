from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "edgecamp.accounts"
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from edgecamp.accounts.scope import scope_from_profile
        from edgecamp.core import access

        access.provide_scopes(scope_from_profile)
