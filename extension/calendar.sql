-- ===========================================================================
-- Working days (工作日): the State Council's holiday schedules and the
-- functions that count working days (src/calendar.c)
--
-- A day is a working day if it is Monday to Friday, unless the year's
-- schedule (国务院办公厅关于部分节假日安排的通知) makes it an off day, or a
-- weekend day that the schedule makes an adjusted working day (调休上班).
-- "Within N working days" of a decision: the start day is not counted; the
-- deadline is the N-th working day after it (add_working_days).
-- ===========================================================================

CREATE TABLE creditrisk.calendar_day (
    day          date PRIMARY KEY,
    kind         text NOT NULL,
    holiday      text NOT NULL,
    notice_year  integer NOT NULL,
    notice_url   text NOT NULL DEFAULT '',
    shipped      boolean NOT NULL DEFAULT false,
    CONSTRAINT calendar_day_finite CHECK (pg_catalog.isfinite(day)),
    CONSTRAINT calendar_day_kind CHECK (kind IN ('off', 'work')),
    CONSTRAINT calendar_day_adjusted_on_weekend CHECK (kind = 'off' OR pg_catalog.date_part('isodow', day) IN (6, 7)),
    CONSTRAINT calendar_day_notice_year CHECK (notice_year BETWEEN 1949 AND 9999
        AND pg_catalog.date_part('year', day) IN (notice_year - 1, notice_year)),
    CONSTRAINT calendar_day_holiday CHECK (holiday <> '')
);
COMMENT ON TABLE creditrisk.calendar_day IS
    'Working-day calendar (节假日安排): every off day and adjusted working day (调休上班) of the State Council''s yearly holiday schedules; 2022-2026 are shipped, a bureau adds each new year with one INSERT';
COMMENT ON COLUMN creditrisk.calendar_day.day IS 'The day';
COMMENT ON COLUMN creditrisk.calendar_day.kind IS '''off'': no work that day (休); ''work'': a weekend day made a working day (调休上班)';
COMMENT ON COLUMN creditrisk.calendar_day.holiday IS 'The holiday it belongs to (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节)';
COMMENT ON COLUMN creditrisk.calendar_day.notice_year IS 'The year whose schedule (notice) fixed the day; a notice can fix days of the previous year (2022-12-31 comes from the 2023 notice). A year with a notice is no longer provisional';
COMMENT ON COLUMN creditrisk.calendar_day.notice_url IS 'Where the notice was published';
COMMENT ON COLUMN creditrisk.calendar_day.shipped IS 'Shipped with the extension (the 2022-2026 schedules); frozen';

INSERT INTO creditrisk.calendar_day (day, kind, holiday, notice_year, notice_url, shipped)
SELECT v.day::date, v.kind, v.holiday, v.notice_year, v.notice_url, true FROM (VALUES
    ('2022-01-01', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-02', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-03', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-29', 'work', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-30', 'work', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-31', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-01', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-02', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-03', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-04', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-05', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-06', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-02', 'work', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-03', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-04', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-05', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-24', 'work', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-30', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-01', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-02', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-03', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-04', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-07', 'work', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-03', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-04', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-05', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-10', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-11', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-12', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-01', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-02', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-03', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-04', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-05', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-06', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-07', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-08', 'work', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-09', 'work', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-12-31', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-01', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-02', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-21', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-22', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-23', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-24', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-25', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-26', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-27', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-28', 'work', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-29', 'work', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-05', 'off', '清明节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-23', 'work', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-29', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-30', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-01', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-02', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-03', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-06', 'work', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-22', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-23', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-24', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-25', 'work', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-09-29', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-09-30', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-01', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-02', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-03', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-04', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-05', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-06', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-07', 'work', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-08', 'work', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2024-01-01', 'off', '元旦', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-04', 'work', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-10', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-11', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-12', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-13', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-14', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-15', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-16', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-17', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-18', 'work', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-04', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-05', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-06', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-07', 'work', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-28', 'work', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-01', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-02', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-03', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-04', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-05', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-11', 'work', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-06-10', 'off', '端午节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-14', 'work', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-15', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-16', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-17', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-29', 'work', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-01', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-02', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-03', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-04', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-05', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-06', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-07', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-12', 'work', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2025-01-01', 'off', '元旦', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-26', 'work', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-28', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-29', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-30', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-31', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-01', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-02', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-03', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-04', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-08', 'work', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-04', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-05', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-06', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-27', 'work', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-01', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-02', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-03', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-04', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-05', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-31', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-06-01', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-06-02', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-09-28', 'work', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-01', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-02', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-03', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-04', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-05', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-06', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-07', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-08', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-11', 'work', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2026-01-01', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-02', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-03', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-04', 'work', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-14', 'work', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-15', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-16', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-17', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-18', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-19', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-20', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-21', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-22', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-23', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-28', 'work', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-04', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-05', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-06', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-01', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-02', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-03', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-04', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-05', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-09', 'work', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-19', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-20', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-21', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-20', 'work', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-25', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-26', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-27', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-01', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-02', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-03', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-04', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-05', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-06', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-07', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-10', 'work', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm')
) AS v(day, kind, holiday, notice_year, notice_url);

CREATE TRIGGER calendar_day_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.calendar_day
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add the days of a new year''s schedule with shipped = false: INSERT INTO creditrisk.calendar_day (day, kind, holiday, notice_year, notice_url) VALUES (...);');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.calendar_day', 'WHERE NOT shipped');

CREATE FUNCTION creditrisk.is_working_day(day date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_working_day'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_working_day(date) IS
    'Is the day a working day (工作日): Monday to Friday unless the schedule makes it an off day, or a weekend day made a working day (调休上班). Without a schedule for its year, the fixed-date statutory holidays (Jan 1, May 1-2, Oct 1-3) still apply and the answer is provisional';

CREATE FUNCTION creditrisk.add_working_days(day date, n integer) RETURNS date
    AS 'MODULE_PATHNAME', 'creditrisk_add_working_days'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.add_working_days(date, integer) IS
    'The n-th working day after the day (n > 0) or before it (n < 0); the day itself is not counted and n = 0 gives it back: the deadline of "within n working days" (N个工作日内) of a decision';

CREATE FUNCTION creditrisk.working_days_between(a date, b date) RETURNS integer
    AS 'MODULE_PATHNAME', 'creditrisk_working_days_between'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.working_days_between(date, date) IS
    'The working days after a up to and including b (negative when b < a: minus those from b up to but excluding a), so that add_working_days(a, working_days_between(a, b)) = b when b is a working day';

CREATE FUNCTION creditrisk.is_provisional(day date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_provisional'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_provisional(date) IS
    'True when the schedule of the day''s year is not loaded: only weekends and the fixed-date statutory holidays are known, so working-day answers about it are provisional (暂定)';

CREATE FUNCTION creditrisk.is_provisional(a date, b date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_provisional_range'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_provisional(date, date) IS
    'True when any day from a to b lies in a year whose schedule is not loaded: a deadline add_working_days(a, n) = b is provisional when is_provisional(a, b)';

REVOKE ALL ON TABLE creditrisk.calendar_day FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.is_working_day(date), creditrisk.add_working_days(date, integer),
    creditrisk.working_days_between(date, date), creditrisk.is_provisional(date),
    creditrisk.is_provisional(date, date) FROM PUBLIC;
