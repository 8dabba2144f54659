from django.urls import path

from authentication import views

# No trailing slashes: the paths of the API contract.
urlpatterns = [
    path("signup", views.SignupView.as_view(), name="auth-signup"),
    path("login", views.LoginView.as_view(), name="auth-login"),
    path("refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("logout", views.LogoutView.as_view(), name="auth-logout"),
    path("me", views.MeView.as_view(), name="auth-me"),
    path("password/forgot", views.PasswordForgotView.as_view(), name="auth-password-forgot"),
    path("password/reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
]
