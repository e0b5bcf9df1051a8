from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and what guards it: throttled sign-in (django-axes, per account and, much
    higher, per address) and a throttled password reset."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from socproposal.middleware import session_moved

        # Signing in writes the session anyway: the idle clock starts there, at no cost.
        user_logged_in.connect(lambda sender, request, user, **kwargs: session_moved(request),
                               dispatch_uid="accounts_session_moved", weak=False)
