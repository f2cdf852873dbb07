"""sitebuild.child_process: what fails in the Pelican child reaches the build whole."""

import os

import pytest
from sim_content.validate import ContentError, ContentInvalid

from sitebuild.child_process import ChildStep, StepFailed


class NeedsTwoArguments(Exception):
    def __init__(self, message, detail):
        super().__init__(message)
        self.detail = detail
        self.filename, self.lineno = "theme/templates/base.html", 7


def raise_content_invalid():
    raise ContentInvalid([ContentError("content/nyheter/b.md", 4, "Okänt fält"),
                          ContentError("content/nyheter/a.md", 2, "Saknas")])


def raise_unpicklable():
    raise NeedsTwoArguments("oväntat slut på mallen", "extra")


def test_content_errors_cross_the_process_boundary_intact():
    with pytest.raises(ContentInvalid) as caught:
        ChildStep(raise_content_invalid).wait()
    assert [str(error) for error in caught.value.errors] == [
        "content/nyheter/a.md:2: Saknas", "content/nyheter/b.md:4: Okänt fält"]


def test_an_exception_that_cannot_be_pickled_arrives_with_file_and_line():
    with pytest.raises(StepFailed, match=r"^theme/templates/base.html:7: NeedsTwoArguments: oväntat slut på mallen$"):
        ChildStep(raise_unpicklable).wait()


def test_a_child_that_dies_is_a_failure_not_a_hang():
    with pytest.raises(StepFailed, match="exit code 3"):
        ChildStep(os._exit, 3).wait()


def test_the_result_comes_back():
    assert ChildStep(sum, [1, 2, 3]).wait() == 6
