"""What every page's navigation needs from the review layer."""

from django.utils.functional import SimpleLazyObject

from comments.mentions import inbox_unread_for


def inbox(request) -> dict:
    """inbox_unread: how many inbox items came since the user's last visit. Counted (one
    query) only if the page shows it: fragments that replace part of a page cost nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: inbox_unread_for(request))}
