from rest_framework.routers import SimpleRouter

from social import views

router = SimpleRouter(use_regex_path=False)
# Beside the users app's list at the same prefix: the profile and its follows.
router.register("users", views.ProfileViewSet, basename="user-profile")
router.register("posts", views.PostViewSet, basename="post")

urlpatterns = router.urls
