"""Responses that no shared cache may keep and no browser may store."""

from django.utils.cache import patch_cache_control


class PrivateNoStoreMixin:
    """For a viewset whose every answer is someone's private data (health data, a
    customer's address): ``Cache-Control: private, no-store`` on each response,
    errors included."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response
