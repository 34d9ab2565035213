from django.urls import path

from tenancy.views import members

urlpatterns = [
    path("members/", members.MembersView.as_view(), name="members"),
    path("members/<int:membership_id>/", members.MemberDetailView.as_view(), name="member"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        members.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
]
