"""The policy file: what each score leads to, and refusing what Coral would not accept."""

from __future__ import annotations

import pytest

from moderation.serve.policy import DEFAULT_POLICY, PolicyError, load_policy, parse_policy

THRESHOLDS = {"incivility": 0.3, "conspiracy": 0.3, "off_topic": 0.2}


def decide(policy, *, has_article=True, role=None, **scores):
    full = {"incivility": 0.0, "conspiracy": 0.0, "off_topic": 0.0, **scores}
    return policy.decide(full, THRESHOLDS, has_article=has_article, role=role)


def test_default_policy_flags_withholds_and_never_rejects():
    policy = load_policy()
    assert decide(policy).http_status == 204 and decide(policy).body is None
    flag = decide(policy, incivility=0.5)
    assert flag.body == {"actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]}
    assert flag.answer == "FLAG"
    withheld = decide(policy, incivility=0.99)
    assert withheld.body == {"status": "SYSTEM_WITHHELD",
                             "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]}
    assert decide(policy, conspiracy=0.8).body == {"status": "SYSTEM_WITHHELD"}
    assert decide(policy, conspiracy=0.5).http_status == 204  # over the model's threshold, not near-certain
    assert decide(policy, off_topic=0.9).body["actions"][0]["reason"] == "COMMENT_DETECTED_SPAM"
    assert decide(policy, off_topic=0.9, has_article=False).http_status == 204  # no target: no flag
    every = decide(policy, incivility=1.0, conspiracy=1.0, off_topic=1.0)
    assert every.body["status"] == "SYSTEM_WITHHELD" and "moderationAction" not in every.body
    assert "REJECTED" not in DEFAULT_POLICY.replace("# ", "")  # not even as an example rule


def test_skip_roles_give_no_opinion():
    assert decide(load_policy(), incivility=1.0, role="moderator").http_status == 204
    assert decide(load_policy(), incivility=1.0, role="COMMENTER").http_status == 200


def test_most_severe_status_wins_and_rejections_carry_a_reason(tmp_path):
    path = tmp_path / "strict.toml"
    path.write_text('version = "strict-2"\n'
                    '[[rule]]\nlabel = "conspiracy"\nmin = 0.5\nstatus = "PREMOD"\n'
                    '[[rule]]\nlabel = "conspiracy"\nmin = 0.9\nstatus = "REJECTED"\nrejection_reason = "MISINFORMATION"\n'
                    '[[rule]]\nlabel = "off_topic"\nmin = 0.1\nstatus = "APPROVED"\n', encoding="utf-8")
    policy = load_policy(path)
    assert policy.version.startswith("strict-2+") and len(policy.version) == len("strict-2+") + 12
    assert decide(policy, conspiracy=0.6, off_topic=0.5).body == {"status": "PREMOD"}
    assert decide(policy, conspiracy=0.95).body == {
        "status": "REJECTED", "moderationAction": {"status": "REJECTED", "rejectionReason": {"code": "MISINFORMATION"}}}


def test_version_changes_with_the_file():
    assert parse_policy(DEFAULT_POLICY).version != parse_policy(DEFAULT_POLICY + "\n# edited\n").version


@pytest.mark.parametrize("rule, message", [
    ('label = "incivility"\nstatus = "NONE"', "NONE would publish"),
    ('label = "incivility"\nflag = "COMMENT_DETECTED_BANNED_WORD"', "drops the whole answer"),
    ('label = "incivility"\nstatus = "REJECTED"', "needs rejection_reason"),
    ('label = "incivility"\nstatus = "PREMOD"\nrejection_reason = "ABUSIVE"', "only goes with"),
    ('label = "rudeness"\nflag = "COMMENT_DETECTED_TOXIC"', "label must be"),
    ('label = "incivility"\nmin = 1.5\nflag = "COMMENT_DETECTED_TOXIC"', "between 0 and 1"),
    ('label = "incivility"', "give a flag, a status or both"),
    ('label = "incivility"\nflag = "COMMENT_DETECTED_TOXIC"\ncolour = "red"', "unknown key"),
])
def test_bad_rules_are_refused_with_a_hint(rule, message):
    with pytest.raises(PolicyError) as info:
        parse_policy(f"[[rule]]\n{rule}\n", "mine.toml")
    assert message in str(info.value) and str(info.value).startswith("mine.toml: rule 1")


def test_broken_toml_is_a_policy_error():
    with pytest.raises(PolicyError, match="not valid TOML"):
        parse_policy("[[rule]\n", "broken.toml")
