from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and what guards it: throttled sign-in (django-axes, per account and, much
    higher, per address) and a throttled password reset."""

    name = "accounts"
    verbose_name = "Accounts"
