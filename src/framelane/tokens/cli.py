"""`framelane admin create-token` (and `admin set-token-plan`) for operators."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from framelane.identity.plans import TOKEN_PLANS

if TYPE_CHECKING:  # the database layer loads when a command runs, not for `--help`
    from framelane.identity.models import User
    from framelane.tokens.repository import TokenRepository


def _user(repo: TokenRepository, email: str) -> User:
    """The user with `email`; operators vouch for new ones, so they start verified (PRO)."""
    from framelane.core.ids import new_id
    from framelane.identity.models import User

    user = repo.user_by_email(email)
    if user is None:
        user = User(id=new_id("usr"), email=email, email_verified=True)
        repo.add(user)
    return user


def create_token(email: str, scopes: list[str], name: str, plan: str | None) -> dict[str, Any]:
    from framelane.core.settings import get_settings
    from framelane.db.session import session_scope
    from framelane.identity.service import create_user_token, normalise_email
    from framelane.tokens.repository import TokenRepository

    with session_scope(get_settings().resolved_database_url) as session:
        repo = TokenRepository.from_session(session)
        user = _user(repo, normalise_email(email))
        if plan is not None:
            user.token_plan = plan
        created = create_user_token(session, user.id, name=name, scopes=scopes)
        return {
            "token": created.plaintext,
            "token_id": created.record.id,
            "key_prefix": created.record.key_prefix,
            "scopes": created.record.scopes,
            "user_id": user.id,
            "email": user.email,
            "token_plan": user.token_plan,
        }


def cmd_create_token(args: argparse.Namespace) -> int:
    from framelane.core.errors import FramelaneError

    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
    try:
        out = create_token(args.email, scopes, args.name, args.plan)
    except FramelaneError as exc:
        print(f"framelane: {exc.message}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


def cmd_set_token_plan(args: argparse.Namespace) -> int:
    from framelane.core.settings import get_settings
    from framelane.db.session import session_scope
    from framelane.identity.service import normalise_email
    from framelane.tokens.repository import TokenRepository

    with session_scope(get_settings().resolved_database_url) as session:
        user = TokenRepository.from_session(session).user_by_email(normalise_email(args.email))
        if user is None:
            print(f"framelane: no user {args.email!r}", file=sys.stderr)
            return 1
        user.token_plan = args.plan
        out = {"user_id": user.id, "email": user.email, "token_plan": user.token_plan}
    print(json.dumps(out))
    return 0


def register(admin: Any) -> None:
    """Add the token commands to the `admin` subparsers of `framelane`."""
    create = admin.add_parser("create-token", help="mint a tkc_ design-token API token")
    create.add_argument("--email", required=True, help="the user (created if new)")
    create.add_argument(
        "--scopes",
        default="read:tokens,write:tokens,export:tokens",
        help="comma-separated: read:tokens,write:tokens,export:tokens",
    )
    create.add_argument("--name", default="cli", help="label shown in listings")
    create.add_argument(
        "--plan",
        choices=TOKEN_PLANS,
        default=None,
        help="also set the user's token plan (FREE, PRO, TEAM)",
    )
    create.set_defaults(func=cmd_create_token)
    plan = admin.add_parser("set-token-plan", help="set a user's design-token plan")
    plan.add_argument("--email", required=True)
    plan.add_argument("--plan", choices=TOKEN_PLANS, required=True)
    plan.set_defaults(func=cmd_set_token_plan)
