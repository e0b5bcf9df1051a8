import pytest

from tests.documents.clients import program


@pytest.fixture(scope="session")
def soffice():
    return program("soffice", "libreoffice-writer-nogui")


@pytest.fixture(scope="session")
def pdftotext():
    return program("pdftotext", "poppler-utils")
