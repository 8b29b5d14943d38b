def test_manager_sees_household_page(login, county):
    b = login("manager")
    r = b.get(f"/households/{county.household_a.id}")
    assert r.status_code == 200
    assert "Haddad" in r.get_data(as_text=True)
