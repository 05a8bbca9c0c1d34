"""{% monitoring_desk %}: the admin index's panel for recording and review (commitments/admin_review.py)."""

from django import template

from ..admin_review import desk

register = template.Library()


@register.inclusion_tag("admin/commitments/monitoring_desk.html", takes_context=True)
def monitoring_desk(context) -> dict:
    user = context["request"].user
    return {"desk": desk(user)} if user.is_authenticated else {"desk": None}
