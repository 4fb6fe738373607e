from hutch.util.multierror import multierror


def test_one_error_is_listed_as_go_multierror_lists_it() -> None:
    assert multierror(["a: b"]) == "1 error occurred:\n\t* a: b\n\n"


def test_several_errors_one_line_each() -> None:
    assert multierror(["a", "b"]) == "2 errors occurred:\n\t* a\n\t* b\n\n"
