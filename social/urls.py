from django.urls import path, re_path

from social import views

# Usernames are letters and digits: anything else is no user (the API's JSON 404),
# and never reaches a database that would refuse it (a NUL byte on PostgreSQL).
USERNAME = r"(?P<username>[A-Za-z0-9]+)"

urlpatterns = [
    re_path(rf"^users/{USERNAME}/$", views.ProfileView.as_view(), name="user-profile"),
    re_path(rf"^users/{USERNAME}/follow/$", views.FollowView.as_view(), name="user-follow"),
    re_path(
        rf"^users/{USERNAME}/followers/$", views.FollowerListView.as_view(), name="user-followers"
    ),
    re_path(
        rf"^users/{USERNAME}/following/$", views.FollowingListView.as_view(), name="user-following"
    ),
    path("posts/", views.PostListView.as_view(), name="post-list"),
    path("posts/<int:post_id>/", views.PostDetailView.as_view(), name="post-detail"),
]
