"""A creators CSV that is not a clean text table: a 400 with a message naming the line, and no
creator written. Never a 500, never rows merged into one."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.creators import names


def upload(client, text: str):
    data = SimpleUploadedFile("creators.csv", text.encode(), content_type="text/csv")
    return client.post("/o/alpha/creators/import/", {"file": data})


def errors(response) -> list[str]:
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported." in html
    return re.findall(r"<li>(Line \d+: [^<]+)</li>", html)


def test_a_nul_byte_is_an_error_on_its_line(tenant_a, tenant_b):
    text = "name,email\nAna Ruiz,ana@example.com\nBo\x00 Chen,bo@example.com\n"
    assert errors(upload(tenant_a.client(), text)) == [
        "Line 3: The file has a NUL byte in it: it is not a CSV text file."
    ]
    assert names(tenant_a.org) == []


def test_a_cell_over_131072_characters_is_an_error_on_its_line(tenant_a, tenant_b):
    text = (
        "name,email,notes\n"
        "Ana Ruiz,ana@example.com,short\n"
        f"Bo Chen,bo@example.com,{'x' * 131_073}\n"
    )
    assert errors(upload(tenant_a.client(), text)) == [
        "Line 3: A cell is longer than 131,072 characters."
    ]
    assert names(tenant_a.org) == []
    # 131,072 is fine (the column is ignored)
    ok = text.replace("x" * 131_073, "x" * 131_072)
    assert upload(tenant_a.client(), ok).status_code == 302
    assert names(tenant_a.org) == ["Ana Ruiz", "Bo Chen"]


def test_an_unterminated_quote_is_an_error_not_merged_rows(tenant_a, tenant_b):
    client = tenant_a.client()
    text = (
        "name,email,handle\n"
        "Ana Ruiz,ana@example.com,@ana\n"
        '"Bo Chen,bo@example.com,@bo\n'
        "Cy Park,cy@example.com,@cy\n"
    )
    assert errors(upload(client, text)) == [
        "Line 3: A quote (&quot;) opened here is never closed, so the rows after it would "
        "merge into one cell. Close the quote or remove it."
    ]
    # closed again further down: the rows in between would still be one cell
    text = (
        "name,email,handle\n"
        'Ana Ruiz,"ana@example.com,@ana\n'
        'Bo Chen,bo@example.com,@bo",\n'
        "Cy Park,cy@example.com,@cy\n"
    )
    assert errors(upload(client, text)) == [
        "Line 2: The email runs over several lines: is a closing quote (&quot;) missing? "
        "Close the quote or remove it."
    ]
    text = 'name,email\n"Ana" Ruiz,ana@example.com\n'
    assert errors(upload(client, text)) == [
        "Line 2: Text follows a closing quote (&quot;): a quote opened on this line is not "
        "closed where the cell ends. Close the quote or remove it."
    ]
    assert names(tenant_a.org) == []


def test_line_numbers_are_the_files_after_a_cell_that_spans_lines(tenant_a, tenant_b):
    text = 'name,email,notes\nAna Ruiz,ana@example.com,"a note\non two lines"\n,bo@example.com,\n'
    assert errors(upload(tenant_a.client(), text)) == [
        "Line 4: name: Enter the creator&#x27;s name."
    ]
    good = text.replace(",bo@", "Bo Chen,bo@")
    assert upload(tenant_a.client(), good).status_code == 302
    assert names(tenant_a.org) == ["Ana Ruiz", "Bo Chen"]
