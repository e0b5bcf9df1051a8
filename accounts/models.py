from django.db import models


class ResetRequest(models.Model):
    """A password reset asked for: counted per address and per e-mail address typed, so
    the reset (which mails whatever address is typed) is throttled across server
    processes. The address typed is kept only as a SHA-256 of its lower-case form."""

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    email_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "password reset request"
        verbose_name_plural = "password reset requests"
        indexes = [models.Index(fields=["ip_address", "created_at"], name="resetrequest_address_time"),
                   models.Index(fields=["email_digest", "created_at"], name="resetrequest_email_time")]

    def __str__(self):
        return f"Password reset from {self.ip_address or 'an unknown address'} at {self.created_at:%Y-%m-%d %H:%M}"
