from rest_framework.routers import SimpleRouter

from users import views

router = SimpleRouter(use_regex_path=False)
router.register("users", views.UserViewSet, basename="user")
router.register("birthdays/today", views.BirthdaysTodayViewSet, basename="birthdays-today")

urlpatterns = router.urls
