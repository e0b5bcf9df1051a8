from django.urls import path

from occupations.views import editing, figures, history, invitations, members, pages, proposals

urlpatterns = [
    path("", pages.home, name="home"),
    path("proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", pages.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/live/", pages.proposal_live, name="proposal_live"),
    path("proposals/<int:pk>/settings/", proposals.proposal_settings, name="proposal_settings"),
    # Members
    path("proposals/<int:pk>/members/", members.member_list, name="member_list"),
    path("proposals/<int:pk>/members/<int:membership_id>/role/", members.member_update,
         name="member_update"),
    path("proposals/<int:pk>/members/<int:membership_id>/remove/", members.member_remove,
         name="member_remove"),
    path("proposals/<int:pk>/invitations/<int:invitation_id>/resend/", members.invitation_resend,
         name="invitation_resend"),
    path("proposals/<int:pk>/invitations/<int:invitation_id>/withdraw/", members.invitation_withdraw,
         name="invitation_withdraw"),
    path("invitations/<str:token>/", invitations.invitation_open, name="invitation_open"),
    path("invitations/<int:invitation_id>/<str:choice>/", invitations.invitation_answer,
         name="invitation_answer"),
    # Writing
    path("proposals/<int:pk>/text/<str:field>/edit/", editing.proposal_text_edit,
         name="proposal_text_edit"),
    path("proposals/<int:pk>/narratives/<str:item>/edit/", editing.narrative_edit,
         name="narrative_edit"),
    path("proposals/<int:pk>/entries/<str:kind>/add/", editing.entry_add, name="entry_add"),
    path("proposals/<int:pk>/bls-figure/", figures.bls_figure_add, name="bls_figure_add"),
    path("proposals/<int:pk>/entries/<str:kind>/<int:entry_id>/edit/", editing.entry_edit,
         name="entry_edit"),
    path("proposals/<int:pk>/entries/<str:kind>/<int:entry_id>/delete/", editing.entry_delete,
         name="entry_delete"),
    path("proposals/<int:pk>/entries/<str:kind>/<int:entry_id>/move/", editing.entry_move,
         name="entry_move"),
    path("proposals/<int:pk>/groups/add/", editing.group_add, name="group_add"),
    path("proposals/<int:pk>/groups/<int:group_id>/edit/", editing.group_edit, name="group_edit"),
    path("proposals/<int:pk>/groups/<int:group_id>/delete/", editing.group_delete,
         name="group_delete"),
    path("proposals/<int:pk>/groups/<int:group_id>/move/", editing.group_move, name="group_move"),
    path("proposals/<int:pk>/undo/", editing.deletion_undo, name="deletion_undo"),
    # History
    path("proposals/<int:pk>/history/", history.proposal_history, name="proposal_history"),
    path("proposals/<int:pk>/history/<str:path>/", history.object_history, name="object_history"),
    path("proposals/<int:pk>/history/<str:path>/restore/<int:history_id>/", history.object_restore,
         name="object_restore"),
]
