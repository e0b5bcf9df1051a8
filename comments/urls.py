from django.urls import path

from comments.views import review, threads

urlpatterns = [
    # The whole review of one proposal, and what is addressed to me across proposals
    path("proposals/<int:pk>/review/", review.review_list, name="review_list"),
    path("inbox/", review.inbox, name="inbox"),
    # Threads and their comments
    path("proposals/<int:pk>/threads/new/", threads.thread_new, name="thread_new"),
    path("proposals/<int:pk>/threads/<int:thread_id>/reply/", threads.comment_reply, name="comment_reply"),
    path("proposals/<int:pk>/threads/<int:thread_id>/resolve/", threads.thread_resolve, name="thread_resolve"),
    path("proposals/<int:pk>/threads/<int:thread_id>/reopen/", threads.thread_reopen, name="thread_reopen"),
    path("proposals/<int:pk>/threads/<int:thread_id>/action/", threads.thread_action, name="thread_action"),
    path("proposals/<int:pk>/comments/<int:comment_id>/edit/", threads.comment_edit, name="comment_edit"),
    path("proposals/<int:pk>/comments/<int:comment_id>/delete/", threads.comment_delete, name="comment_delete"),
    # Suggestions
    path("proposals/<int:pk>/suggest/text/", threads.suggest_text, name="suggest_text"),
    path("proposals/<int:pk>/suggest/span/", threads.suggest_span, name="suggest_span"),
    path("proposals/<int:pk>/suggest/entries/<str:kind>/add/", threads.suggest_entry_add, name="suggest_entry_add"),
    path("proposals/<int:pk>/suggest/remove/", threads.suggest_entry_remove, name="suggest_entry_remove"),
    path("proposals/<int:pk>/suggestions/<int:suggestion_id>/discuss/", threads.suggestion_discuss,
         name="suggestion_discuss"),
    path("proposals/<int:pk>/suggestions/<int:suggestion_id>/<str:decision>/", threads.suggestion_decide,
         name="suggestion_decide"),
    path("proposals/<int:pk>/suggestions/decide/", threads.suggestions_decide, name="suggestions_decide"),
]
