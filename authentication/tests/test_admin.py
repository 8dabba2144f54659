from authentication.services import password_reset_request


def test_staff_see_reset_codes_without_their_hash(admin_client, alice):
    password_reset_request(email="alice@example.com")

    response = admin_client.get("/admin/authentication/passwordresetcode/", {"q": "alice"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    code = response.context["cl"].result_list[0]
    detail = admin_client.get(f"/admin/authentication/passwordresetcode/{code.pk}/change/")
    assert detail.status_code == 200
    assert code.code_hash not in detail.content.decode()


def test_nobody_adds_a_reset_code_in_the_admin(admin_client):
    assert admin_client.get("/admin/authentication/passwordresetcode/add/").status_code == 403
