from django.contrib import admin

from consensus.models import Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("proposal", "number", "scope_label", "status", "anonymous", "opened_at", "closes_at")
    list_filter = ("status", "anonymous")
    raw_id_fields = ("proposal", "group", "opened_by", "closed_by")
