"""The password reset, throttled: it sends mail to whatever address is typed, so requests
are counted per address and per e-mail address typed, from the database."""

import hashlib
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils import timezone

from accounts.models import ResetRequest

LIMITED = ("Too many password reset requests from here or for this address. Wait an hour, then ask again; "
           "an e-mail already sent is still good.")


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class PasswordResetView(auth_views.PasswordResetView):
    def post(self, request, *args, **kwargs):
        address, digest = get_client_ip_address(request), _digest(request.POST.get("email", ""))
        hour_ago = timezone.now() - timedelta(hours=1)
        recent = ResetRequest.objects.filter(created_at__gte=hour_ago)
        if (recent.filter(ip_address=address).count() >= settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR
                or recent.filter(email_digest=digest).count() >= settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR):
            form = self.get_form()
            form.is_valid()  # the address typed stays in the box
            form.add_error(None, LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        ResetRequest.objects.create(ip_address=address, email_digest=digest)
        return super().post(request, *args, **kwargs)
