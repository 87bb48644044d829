"""The public verification page (核验): /verify/<code> shows what the register says about an issued document and
checks an uploaded copy against it. No login; the page is in Chinese whatever the visitor's browser asks for."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from arbitration.documents.register import registration_by_code, upload_check, upload_matches


class CopyCheckForm(forms.Form):
    copy = forms.FileField(label=_("Your copy (PDF)"), error_messages={"required": _("Choose a PDF file to check.")})

    def clean_copy(self):
        upload = self.cleaned_data["copy"]
        upload_check(upload)
        return upload


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    with translation.override("zh-hans"):
        registration = registration_by_code(code)
        if registration is None:
            return render(request, "arbitration/verify/unknown.html", {"code": code}, status=404)
        match = None
        form = CopyCheckForm(request.POST, request.FILES) if request.method == "POST" else CopyCheckForm()
        if request.method == "POST" and form.is_valid():
            match = upload_matches(registration, form.cleaned_data["copy"])
        response = render(
            request,
            "arbitration/verify/detail.html",
            {"registration": registration, "form": form, "match": match},
            status=400 if request.method == "POST" and not form.is_valid() else 200,
        )
    return response
