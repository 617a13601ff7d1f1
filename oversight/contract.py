"""The codes and columns of the data contract (docs/data-contract.md), in the contract's order."""

CHANNELS = ("phone", "online")
CATEGORIES = (
    "corrupt_exchange",
    "abuse_of_position",
    "sexual_misconduct",
    "domestic_abuse",
    "discrimination",
    "other",
)
SUBJECT_ROLES = ("officer", "staff", "volunteer", "unknown")
DUTY_STATUSES = ("on_duty", "off_duty", "unknown")
SETTINGS = ("in_person", "online", "unknown")
SUBJECT_SEXES = ("female", "male", "other", "not_stated")
SUBJECT_ETHNICITIES = ("asian", "black", "mixed", "white", "other", "not_stated")
ASSESSMENTS = (
    "investigation",
    "safeguarding",
    "intelligence_only",
    "no_further_action",
    "transferred",
    "pending",
)
FINDING_OUTCOMES = (
    "no_case_to_answer",
    "false_allegation",
    "case_to_answer_misconduct",
    "case_to_answer_gross_misconduct",
)
PROCEEDINGS_OUTCOMES = (
    "no_further_action",
    "reflective_practice",
    "management_advice",
    "written_warning",
    "final_written_warning",
    "reduction_in_rank",
    "dismissed",
    "would_have_been_dismissed",
)
CRIMINAL_OUTCOMES = ("charged", "convicted", "acquitted")
BARRING_OUTCOMES = ("barred",)
OUTCOMES = FINDING_OUTCOMES + PROCEEDINGS_OUTCOMES + CRIMINAL_OUTCOMES + BARRING_OUTCOMES
# The misconduct route (a finding, then misconduct proceedings) follows an investigation only:
# its outcomes are accepted only on a referral assessed MISCONDUCT_ROUTE_ASSESSMENT, so that
# every dismissal, finding and proceedings outcome is counted within the investigations and no
# rate over investigations can pass 100%. Criminal and barring outcomes may follow any assessment.
MISCONDUCT_ROUTE_OUTCOMES = FINDING_OUTCOMES + PROCEEDINGS_OUTCOMES
MISCONDUCT_ROUTE_ASSESSMENT = "investigation"
CASE_TO_ANSWER_OUTCOMES = ("case_to_answer_misconduct", "case_to_answer_gross_misconduct")
# Outcomes that end the misconduct case (docs/metrics.md, "open cases"): a finding of no case or
# of a false allegation, or any outcome of misconduct proceedings.
CASE_ENDING_OUTCOMES = ("no_case_to_answer", "false_allegation") + PROCEEDINGS_OUTCOMES
UNKNOWN_FORCE = "unknown"

TRUE_SPELLINGS = ("true", "yes", "y", "1")
FALSE_SPELLINGS = ("false", "no", "n", "0")

# Each table's columns in the contract's order, and which of them may be absent or empty.
COLUMNS = {
    "reports": (
        "report_id",
        "received_at",
        "channel",
        "categories",
        "subject_force",
        "subject_role",
        "anonymous",
        "duty_status",
        "setting",
        "subject_sex",
        "subject_ethnicity",
    ),
    "referrals": (
        "referral_id",
        "report_id",
        "force",
        "referred_at",
        "assessment",
        "assessed_at",
    ),
    "outcomes": ("outcome_id", "referral_id", "outcome", "decided_at"),
}
OPTIONAL_COLUMNS = {
    "reports": ("duty_status", "setting", "subject_sex", "subject_ethnicity"),
    "referrals": ("assessed_at",),
    "outcomes": (),
}
TABLES = ("reports", "referrals", "outcomes")
MAX_ID_LENGTH = 64

# What is trimmed from both ends of every value of an extract, CSV or workbook alike: ASCII
# spaces and tabs, and nothing else (a non-breaking space or a line break is kept, and so refused
# where a code, date or boolean is expected). A value, or a header cell, that holds nothing else is
# empty; header names are otherwise taken exactly as written.
TRIMMED_CHARACTERS = " \t"
