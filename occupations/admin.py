"""The admin covers every model: the coordinator's escape hatch for fixing data by hand.
Entry kinds are registered from the registry, so a new kind appears here by itself."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from occupations.kinds import ENTRY_KINDS
from occupations.models import (DraftNote, Invitation, Membership, Narrative, OccupationGroup, Proposal,
                                ProposalChange)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "revision_cycle", "status", "updated_at", "version"]
    list_filter = ["status", "revision_cycle"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MembershipInline]


@admin.register(ProposalChange)
class ProposalChangeAdmin(admin.ModelAdmin):
    """What open pages are told changed (the last ones only): to look at, while tracing
    why a page did or did not follow a change."""

    list_display = ["proposal", "number", "paths", "created_at"]
    list_filter = ["proposal"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "proposal", "role", "status", "invited_by", "created_at", "sent_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "proposal__title"]
    # The link's token is never shown (only its digest is kept); an invitation is answered by its addressee.
    readonly_fields = ["token_digest", "user", "decided_at", "sent_at", "send_error"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "proposal", "role", "created_at"]
    list_filter = ["role", "proposal"]
    search_fields = ["user__username", "user__email", "proposal__title"]
    autocomplete_fields = ["user", "proposal"]


@admin.register(OccupationGroup)
class OccupationGroupAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "level", "proposal", "parent", "position"]
    list_filter = ["level", "proposal"]
    search_fields = ["code", "title"]
    list_select_related = ["proposal", "parent"]


@admin.register(Narrative)
class NarrativeAdmin(SimpleHistoryAdmin):
    list_display = ["item", "group", "proposal", "updated_at"]
    list_filter = ["item", "proposal"]
    search_fields = ["text"]
    list_select_related = ["proposal", "group"]


@admin.register(DraftNote)
class DraftNoteAdmin(admin.ModelAdmin):
    list_display = ["kind", "path", "author_name", "text", "proposal"]
    list_filter = ["kind", "proposal"]
    search_fields = ["text", "quote", "author_name", "path"]


def _entry_admin(kind):
    return type(
        f"{kind.model.__name__}Admin",
        (SimpleHistoryAdmin,),
        {
            "list_display": [kind.text_fields[0], "group", "proposal", "position"],
            "list_filter": ["proposal"],
            "search_fields": list(kind.text_fields),
            "list_select_related": ["proposal", "group"],
        },
    )


for _kind in ENTRY_KINDS:
    admin.site.register(_kind.model, _entry_admin(_kind))
