#!/usr/bin/python3
"""The dashboard's account forms keep the rules the headless commands keep:
each value checked by the provider's validator (the message under its
field, nothing saved), a label that would name another account refused,
the keys tried in the background before anything is saved (a refused key
brings the form back with the refusal under it, and neither accounts.conf
nor the keyring hold anything), and a delete that also prunes keyring
items of no account.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_account_trust.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, wait_until  # noqa: E402
from test_dashboard_actions import (WAIT, accounts_conf, secret_lookup, settle,  # noqa: E402
                                    setup, start, wait_message)


def open_add_form(t, provider_letter):
    t.send("a")
    check(t.wait_for("Add an account", WAIT), t.text())
    if provider_letter:
        t.send(provider_letter)  # the provider by its first letter


def field_line(t, label):
    """The form's line of the field labelled label, and the one under it."""
    y = t.row_of(label)
    return t.line(y) + "\n" + t.line(y + 1) if y is not None else ""


def t_values_checked_in_the_form(tmp, env):
    fake, env = setup(tmp, ())
    t = start(tmp, env, want=("No accounts yet",))
    try:
        open_add_form(t, "a")  # Apideck Vault
        check(t.wait_for("‹ Apideck Vault ›", WAIT), t.text())
        for text in ("Vault", fake.url("apideck"), "apideck-fake-key", "fake-app", "c1", "",
                     "not-an-email", "ftp://x.example/", "banana"):
            t.key("tab")
            t.send(text)
        t.key("enter")
        check(t.wait_for("is not a duration like 30m", WAIT), t.text())
        check("is not an e-mail address" in t.text(), t.text())
        check("is not an http:// or" in t.text(), t.text())  # (wrapped under the field)
        check("Add an account" in t.text(), "the form closed:\n" + t.text())
        check(not accounts_conf(tmp), accounts_conf(tmp))
        check(not secret_lookup(env, "vault", "api_key"), "a secret was stored")
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_keys_tried_before_saving(tmp, env):
    fake, env = setup(tmp, ())
    t = start(tmp, env, want=("No accounts yet",))
    try:
        open_add_form(t, None)  # Clerk
        for text in ("prod", fake.url("clerk"), "sk_test_wrong_key"):
            t.key("tab")
            t.send(text)
        t.key("enter")
        wait_message(t, "prod not added: the Secret key (sk_...) (api_key) was refused: HTTP 401")
        check(t.wait_for("Add an account", WAIT), "the form did not come back:\n" + t.text())
        check("was refused" in field_line(t, "Secret key"), "not under the key:\n" + t.text())
        check("sk_test_wrong_key" not in t.text(), "the key shows:\n" + t.text())
        check(not accounts_conf(tmp), "saved anyway:\n" + accounts_conf(tmp))
        check(not secret_lookup(env, "prod", "api_key"), "the wrong key is in the keyring")
        check(any(r["method"] == "GET" and "/users" in r["path"] for r in fake.requests("clerk")),
              "no read of the users")
        # the form kept what was typed but the key: the right key now
        t.send("sk_test_fake")
        t.key("enter")
        wait_message(t, "added account prod (Clerk, id prod)")
        check(secret_lookup(env, "prod", "api_key") == "sk_test_fake", "not stored")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_label_that_names_another(tmp, env):
    fake, env = setup(tmp, ("plantly",))  # labelled "plantly", id plantly
    t = start(tmp, env, want=("Plantly",))
    try:
        settle(t)
        open_add_form(t, "c")  # CBRAIN: no keys to try
        check(t.wait_for("‹ CBRAIN ›", WAIT), t.text())
        for text in ("PLANTLY", fake.url("cbrain"), "demo", "cbrain-pass"):
            t.key("tab")
            t.send(text)
        t.key("enter")
        check(t.wait_for("an account labelled plantly exists already (id plantly)", WAIT),
              t.text())
        check("[account plantly-2]" not in accounts_conf(tmp), accounts_conf(tmp))
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_label_rules_in_the_form(tmp, env):
    """The form keeps account_label_clean's rules: no "id:" label (it would
    name an account by its id), none of nothing but spaces; a label is
    trimmed and stored in NFC, so the same word typed decomposed is taken."""
    fake, env = setup(tmp, ("plantly",))
    t = start(tmp, env, want=("Plantly",))
    try:
        settle(t)
        for label, said in (("ID:plantly", 'a label must not start with "ID:"'),
                            ("   ", "a label of nothing but spaces names nothing")):
            open_add_form(t, "c")  # CBRAIN: no keys to try
            check(t.wait_for("‹ CBRAIN ›", WAIT), t.text())
            for text in (label, fake.url("cbrain"), "demo", "cbrain-pass"):
                t.key("tab")
                t.send(text)
            t.key("enter")
            check(t.wait_for(said, WAIT), t.text())
            check("[account" not in accounts_conf(tmp).replace("[account plantly]", ""),
                  accounts_conf(tmp))
            t.key("esc")
        open_add_form(t, "c")
        check(t.wait_for("‹ CBRAIN ›", WAIT), t.text())
        for text in ("  Cafe\u0301 lab ", fake.url("cbrain"), "demo", "cbrain-pass"):
            t.key("tab")
            t.send(text)
        t.key("enter")
        check(wait_until(lambda: "label=Caf\u00e9 lab\n" in accounts_conf(tmp), WAIT),
              accounts_conf(tmp) + t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_delete_prunes(tmp, env):
    fake, env = setup(tmp, ("plantly",))
    subprocess.run(["secret-tool", "store", "--label", "left behind", "application", "sesame",
                    "account", "ghost", "kind", "api_key", "session", ""], input=b"x", env=env,
                   check=True, timeout=30)
    t = start(tmp, env, want=("Plantly",))
    try:
        settle(t)
        t.send("D")
        check(t.wait_for("Delete account plantly", WAIT), t.text())
        t.send("y")
        t.key("enter")
        # (other tests of this run may have left items of their own in the keyring)
        check(t.wait_line(t.screen.lines - 1, lambda line: re.search(
            r"deleted account plantly .*; \d+ keyring items? of no account or tracked session "
            r"removed too", line),
            WAIT), t.text())
        check(wait_until(lambda: not secret_lookup(env, "ghost", "api_key"), WAIT),
              "the item of no account is still there")
        t.quit()
    finally:
        t.close()
        fake.stop()


if __name__ == "__main__":
    sys.exit(harness.main([
        t_values_checked_in_the_form,
        t_keys_tried_before_saving,
        t_label_that_names_another,
        t_label_rules_in_the_form,
        t_delete_prunes,
    ]))
