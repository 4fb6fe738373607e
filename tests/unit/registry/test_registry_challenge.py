from __future__ import annotations

from hutch.registry.challenge import Challenge, parse_challenges, repository_scope


def test_bearer_challenge() -> None:
    header = (
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:library/alpine:pull"'
    )
    [c] = parse_challenges(header)
    assert c.scheme == "bearer"
    assert c.param("realm") == "https://auth.docker.io/token"
    assert c.param("service") == "registry.docker.io"
    assert c.param("scope") == "repository:library/alpine:pull"


def test_scope_with_comma_inside_quotes() -> None:
    [c] = parse_challenges('Bearer realm="r",scope="repository:a/b:pull,push"')
    assert c.param("scope") == "repository:a/b:pull,push"


def test_basic_and_bearer_in_one_header() -> None:
    challenges = parse_challenges('Basic realm="Registry Realm", Bearer realm="x", service=y')
    assert [c.scheme for c in challenges] == ["basic", "bearer"]
    assert challenges[0].param("realm") == "Registry Realm"
    assert challenges[1].param("service") == "y"


def test_escaped_quote_and_case() -> None:
    [c] = parse_challenges('BASIC Realm="a \\"quoted\\" realm"')
    assert c == Challenge("basic", (("realm", 'a "quoted" realm'),))


def test_empty_and_garbage() -> None:
    assert parse_challenges("") == []
    assert parse_challenges("   ") == []


def test_repository_scope() -> None:
    assert repository_scope("a/b", ["pull", "push"]) == "repository:a/b:pull,push"
