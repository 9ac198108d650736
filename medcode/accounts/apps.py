from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "medcode.accounts"
    label = "accounts"
    verbose_name = "Accounts, plans and metering"

    def ready(self) -> None:
        from medcode.accounts import signals  # noqa: F401  (connects the log-in merge)
