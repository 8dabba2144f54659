from django.urls import path

from social import views

urlpatterns = [
    path("users/<str:username>/", views.ProfileView.as_view(), name="user-profile"),
    path("users/<str:username>/follow/", views.FollowView.as_view(), name="user-follow"),
    path(
        "users/<str:username>/followers/",
        views.FollowerListView.as_view(),
        name="user-followers",
    ),
    path(
        "users/<str:username>/following/",
        views.FollowingListView.as_view(),
        name="user-following",
    ),
    path("posts/", views.PostListView.as_view(), name="post-list"),
    path("posts/<int:post_id>/", views.PostDetailView.as_view(), name="post-detail"),
]
