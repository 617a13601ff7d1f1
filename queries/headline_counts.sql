-- Headline counts for reports received in a period (cohort view, docs/metrics.md): reports,
-- by channel, anonymous, disseminated (with at least one referral), referrals, investigations
-- and transferred referrals of those reports.
-- One row. Parameters: $first_date, $last_date (received_at dates, both inclusive).
with period_reports as (
    select report_id, channel, anonymous
    from reports
    where cast(received_at as date) between $first_date and $last_date
),
period_referrals as (
    select f.report_id, f.assessment
    from referrals f
    semi join period_reports r on r.report_id = f.report_id
)
select
    (select count(*) from period_reports) as reports_count,
    (select count(*) from period_reports where channel = 'phone') as phone_count,
    (select count(*) from period_reports where channel = 'online') as online_count,
    (select count(*) from period_reports where anonymous) as anonymous_count,
    (select count(distinct report_id) from period_referrals) as disseminated_count,
    (select count(*) from period_referrals) as referrals_count,
    (select count(*) from period_referrals where assessment = 'investigation')
        as investigations_count,
    (select count(*) from period_referrals where assessment = 'transferred') as transferred_count
