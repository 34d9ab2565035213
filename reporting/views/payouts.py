"""Payout runs (finance, owners, admins): gather what is payable into a run, download the
files finance uploads (PayPal Payouts, Wise batch, plain CSV), mark the run paid or cancel it;
and the minimum payout per currency (owners and finance edit it)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from commissions.models import PayoutRun
from commissions.payout_files import PayoutFileError, paypal_csv, plain_csv, wise_csv
from commissions.payouts import (
    payout_minimum_set,
    payout_run_cancel,
    payout_run_create,
    payout_run_pay,
)
from commissions.selectors.payouts import (
    payout_currencies,
    payout_minimums_list,
    payout_run_get,
    payout_run_open,
    payout_run_view,
    payout_runs_recent,
)
from core.money import money_format
from tenancy.models import VIEW_FINANCE, Role, User
from tenancy.views.base import OrgView

# "A setting per organisation, editable by owners/finance" (issue 14).
EDIT_MINIMUMS = frozenset({Role.OWNER, Role.FINANCE})


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


class PayoutRunsView(OrgView):
    allowed_roles = VIEW_FINANCE
    template_name = "reporting/payouts.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(
            request,
            {
                "runs": payout_runs_recent(),
                "open_run": payout_run_open(),
                "minimums": payout_minimums_list(),
                "section": "payouts",
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            run = payout_run_create(organization=self.organization, user=cast(User, request.user))
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("payouts", self.organization.slug)
        return redirect("payout-run", self.organization.slug, run.pk)


class PayoutRunView(OrgView):
    allowed_roles = VIEW_FINANCE
    template_name = "reporting/payout_run.html"

    def get(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = payout_run_get(run_id)
        return self.render(request, {"view": payout_run_view(run), "section": "payouts"})

    def post(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = payout_run_get(run_id)
        user = cast(User, request.user)
        action = request.POST.get("action")
        try:
            if action == "pay":
                run = payout_run_pay(
                    run_id=run.pk, user=user, reference=request.POST.get("reference", "")
                )
                totals = (
                    ", ".join(
                        money_format(amount, cur) for cur, amount in (run.batch.totals.items())
                    )
                    if run.batch
                    else ""
                )
                messages.success(request, f"Payout run {run.pk} marked paid: {totals}.")
            elif action == "cancel":
                payout_run_cancel(run_id=run.pk, user=user)
                messages.success(
                    request, f"Payout run {run.pk} cancelled: its lines are payable again."
                )
            else:
                messages.error(request, "Choose to mark the run paid or to cancel it.")
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("payout-run", self.organization.slug, run.pk)


class PayoutFileView(OrgView):
    """`paypal.csv?currency=USD`, `wise.csv?currency=EUR` (one currency per provider file; none
    for a cancelled run: nothing of it is to be paid), `plain.csv` (every line of the run, to
    pay, carried and rejected)."""

    allowed_roles = VIEW_FINANCE

    def get(self, request: HttpRequest, run_id: int, kind: str) -> HttpResponse:
        run = payout_run_get(run_id)
        view = payout_run_view(run)
        currency = (request.GET.get("currency") or "").upper()
        brand = self.organization.name
        try:
            if kind == "plain":
                content = plain_csv(
                    run.pk,
                    ((rl.file_line, rl.line.outcome, rl.line.reason) for rl in view.lines),
                )
                name = f"payout-run-{run.pk}.csv"
            elif (
                kind in ("paypal", "wise")
                and run.status != PayoutRun.Status.CANCELLED
                and any(f.kind == kind and f.currency == currency for f in view.files)
            ):
                lines = [rl.file_line for rl in view.to_pay]
                content = (
                    paypal_csv(lines, currency=currency, brand=brand)
                    if kind == "paypal"
                    else wise_csv(lines, currency=currency)
                )
                name = f"payout-run-{run.pk}-{kind}-{currency.lower()}.csv"
            else:
                raise Http404("No such file for this run.")
        except PayoutFileError as exc:
            _errors(request, exc)
            return redirect("payout-run", self.organization.slug, run.pk)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class PayoutMinimumsView(OrgView):
    """The minimum payout per currency (each currency of the organisation's stores, and any
    set before). Owners and finance edit; admins see it."""

    allowed_roles = VIEW_FINANCE
    template_name = "reporting/payout_minimums.html"

    def _context(self, values: dict[str, str] | None = None) -> dict:
        minimums = {m.currency: m for m in payout_minimums_list()}
        currencies = payout_currencies()
        return {
            "rows": [
                (
                    cur,
                    (values or {}).get(cur)
                    if values is not None
                    else (str(minimums[cur].amount) if cur in minimums else ""),
                    minimums.get(cur),
                )
                for cur in currencies
            ],
            "can_edit": self.membership.role in EDIT_MINIMUMS,
            "section": "payouts",
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, self._context())

    def post(self, request: HttpRequest) -> HttpResponse:
        if self.membership.role not in EDIT_MINIMUMS:
            raise PermissionDenied("Only owners and finance change the minimum payout.")
        values = {
            key[len("minimum-") :].upper(): request.POST.get(key, "").strip()
            for key in request.POST
            if key.startswith("minimum-")
        }
        errors: list[str] = []
        for currency, value in sorted(values.items()):
            try:
                payout_minimum_set(currency=currency, amount=value, user=cast(User, request.user))
            except ValidationError as exc:
                errors += exc.messages
        if errors:
            for error in errors:
                messages.error(request, error)
            return self.render(request, self._context(values), status=400)
        messages.success(request, "Minimum payouts saved.")
        return redirect("payout-minimums", self.organization.slug)
