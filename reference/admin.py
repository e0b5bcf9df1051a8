from django.contrib import admin

from reference.models import Occupation, Release


class ReadOnly(admin.ModelAdmin):
    """Loaded from the shipped files (load_reference), never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Release)
class ReleaseAdmin(ReadOnly):
    list_display = ("title", "key", "year", "loaded_at")


@admin.register(Occupation)
class OccupationAdmin(ReadOnly):
    list_display = ("code", "title", "level", "release")
    list_filter = ("release", "level")
    search_fields = ("code", "title")
