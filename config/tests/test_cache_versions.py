from config.cache_versions import cache_version, cache_version_replace


def test_a_version_stays_the_same_until_it_is_replaced():
    first = cache_version("test:version")

    assert cache_version("test:version") == first
    assert cache_version_replace("test:version") != first
    assert cache_version("test:version") != first
