"""Staff accounts (admins only): the list, a new account, switching one off or on."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from bot.console.accounts import AccountError, AccountService
from bot.console.routes.common import PAGES, Accounts
from bot.staffweb import PREFIX, Me, redirect, require
from bot.storage.models import Role

router = APIRouter(prefix=PREFIX, dependencies=[Depends(require(Role.admin))])


def staff_page(
    request: Request, accounts: AccountService, status: int = 200, **extra: object
) -> Response:
    return PAGES.render(
        request, "staff.html", status, accounts=accounts.list(), roles=list(Role), **extra
    )


@router.get("/staff")
def staff_list(request: Request, accounts: Accounts) -> Response:
    return staff_page(request, accounts)


@router.post("/staff")
def staff_create(
    request: Request,
    me: Me,
    accounts: Accounts,
    login: str = Form(""),
    first_name: str = Form(""),
    role: str = Form("worker"),
    password: str = Form(""),
) -> Response:
    try:
        accounts.create(login, first_name, _role(role), password, me.actor)
    except AccountError as error:
        form = {"login": login, "first_name": first_name, "role": role}
        return staff_page(request, accounts, 400, error=str(error), form=form)
    return redirect("/staff", "staff_created")


@router.post("/staff/{staff_id}/active")
def staff_active(
    request: Request, staff_id: int, me: Me, accounts: Accounts, active: str = Form("0")
) -> Response:
    try:
        accounts.set_active(staff_id, active == "1", me.actor)
    except AccountError as error:
        return staff_page(request, accounts, 400, error=str(error))
    return redirect("/staff", "staff_changed")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as error:
        raise AccountError("Nieznana rola.") from error
