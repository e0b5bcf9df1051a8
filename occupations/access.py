"""Who may do what with a proposal. Non-members see nothing (404, as if the proposal
did not exist); members may do what their role allows, and get 403 for the rest."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from occupations.models import Membership

READ = "read"
WRITE = "write"
MANAGE = "manage"
# Comment and suggest: the review layer's own writes, which never change the proposal's
# text by themselves (accepting a suggestion is a WRITE).
COMMENT = "comment"

Role = Membership.Role

ALLOWED: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({READ, COMMENT, WRITE, MANAGE}),
    Role.EDITOR: frozenset({READ, COMMENT, WRITE}),
    Role.REVIEWER: frozenset({READ, COMMENT}),
    Role.OBSERVER: frozenset({READ}),
}


def role_allows(role: str | None, action: str) -> bool:
    return role is not None and action in ALLOWED.get(role, frozenset())


def membership_for(user, proposal_id: int, action: str = READ) -> Membership:
    """The user's membership of the proposal, with the proposal, if the role allows the
    action. 404 for anyone who is not a member; 403 for a member whose role does not."""
    if not user.is_authenticated:
        raise Http404("No such proposal.")
    membership = (
        Membership.objects.select_related("proposal").filter(proposal_id=proposal_id, user=user).first()
    )
    if membership is None:
        raise Http404("No such proposal.")
    if not role_allows(membership.role, action):
        role = membership.get_role_display().lower()
        raise PermissionDenied(f"{'An' if role[0] in 'aeiou' else 'A'} {role} cannot {action} this proposal.")
    return membership
