-- ===========================================================================
-- sample/generate.sql -- deterministic synthetic data for creditrisk
--
--   psql -v n=1000000 -v seed=0.42 -f sample/generate.sql
--
-- Fills the enterprise register (creditrisk.enterprise) and the 14 credit-
-- record tables with synthetic but realistic data for Henan (17 cities and
-- 济源), ≈ 10 records per enterprise.  Run it in a database where
-- CREATE EXTENSION creditrisk was done.  Not part of the extension.
--
-- Variables (all optional):
--   n        number of enterprises (default 1000000)
--   seed     any text/number; same seed => same data (default 0.42)
--   as_of    last day any event may fall on (default 2026-10-31)
--   replace  on: truncate the register and every record table first
--            (default off: refuse to run on a non-empty register)
--
-- Randomness: every draw is a hash of (key, salt, seed) through
-- creditrisk_sample.u(), never random(), so the data do not depend on row
-- order or plan shape; identity ids follow the (deterministic) insert order.
-- Helper functions and the reference tables (division, industry, licence
-- kind) stay in schema creditrisk_sample; the work tables are dropped.
-- ===========================================================================

\set ON_ERROR_STOP on
\set QUIET on
\pset footer off

\if :{?n}
\else
  \set n 1000000
\endif
\if :{?seed}
\else
  \set seed 0.42
\endif
\if :{?as_of}
\else
  \set as_of 2026-10-31
\endif
\if :{?replace}
\else
  \set replace off
\endif

SELECT clock_timestamp() AS t0,
       hashtext(:'seed')::bigint AS seedkey,
       format('%L::date', :'as_of') AS asof,
       extract(year FROM :'as_of'::date)::int AS asof_year
\gset

\echo creditrisk sample: n=:n seed=:seed as_of=:as_of

SET max_parallel_workers_per_gather = 0;   -- one deterministic plan shape
SET jit = off;                             -- compiling costs more than it saves here
SET enable_mergejoin = off;                -- hash joins probing ent keep records in USCC order
SET synchronous_commit = off;
SET work_mem = '512MB';
SET maintenance_work_mem = '1GB';
SET client_min_messages = warning;
SET TIME ZONE 'Asia/Shanghai';
-- setseed() for completeness: nothing below calls random().
SELECT setseed(hashtext(:'seed') / 2147483648.0) \g /dev/null

-- Refuse to add to a filled register unless asked to replace it.
SELECT EXISTS (SELECT FROM creditrisk.enterprise) AS register_filled \gset
\if :register_filled
  \if :replace
    \echo replace=on: truncating the register and all record tables
  \else
    DO $$ BEGIN RAISE EXCEPTION 'creditrisk.enterprise is not empty; run with -v replace=on to truncate it (and every record table) first'; END $$;
  \endif
\endif

BEGIN;

\if :replace
TRUNCATE creditrisk.enterprise, creditrisk.licence, creditrisk.penalty, creditrisk.spot_check,
         creditrisk.complaint, creditrisk.abnormal_listing, creditrisk.serious_dishonesty_listing,
         creditrisk.judgment_debtor_listing, creditrisk.annual_report, creditrisk.registration_change,
         creditrisk.related_party_link, creditrisk.equity_pledge_freeze, creditrisk.lawsuit,
         creditrisk.public_opinion, creditrisk.domain_risk_class, creditrisk.enforcement, creditrisk.confirmation,
         creditrisk.reward, creditrisk.indicator_value, creditrisk.credit_repair, creditrisk.credit_commitment
         RESTART IDENTITY;
\endif

-- Reporting units (报送单位): the generator names departments by their names,
-- as loaders did before 1.5, so it loads as a superuser loads legacy records:
-- the unit triggers are off during the load, and just before the commit every
-- name met becomes a unit (creditrisk.reporting_units_from_records(), flagged
-- needs_review) and the triggers are on again.
SELECT format('ALTER TABLE %s DISABLE TRIGGER reporting_unit_insert', g.tgrelid::regclass)
  FROM pg_catalog.pg_trigger g WHERE g.tgname = 'reporting_unit_insert' ORDER BY 1 \gexec

DROP SCHEMA IF EXISTS creditrisk_sample CASCADE;
CREATE SCHEMA creditrisk_sample;
COMMENT ON SCHEMA creditrisk_sample IS 'Helpers and reference tables of sample/generate.sql (not part of the extension)';

-- ---------------------------------------------------------------------------
-- Helper functions (all inlinable SQL)
-- ---------------------------------------------------------------------------

-- u(key, salt): uniform in [0, 1), a hash of key, salt and the seed.
SELECT format($f$
CREATE FUNCTION creditrisk_sample.u(k bigint, salt integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $b$ SELECT ((pg_catalog.hashint8extended(k, salt::bigint * 1000003 + %s) >> 11) & 9007199254740991)::double precision
              / 9007199254740992.0 $b$$f$, :seedkey) \gexec

-- a day in [a, b] (callers make sure a <= b)
CREATE FUNCTION creditrisk_sample.day(a date, b date, x double precision) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT a + floor(x * (b - a + 1))::integer $$;

-- a geometric-like count with the given mean, from a uniform x
CREATE FUNCTION creditrisk_sample.geo(x double precision, mean double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT floor(-ln(1 - x) * mean)::integer $$;

-- arrival time: d + delay days, office hours in Henan
CREATE FUNCTION creditrisk_sample.recv(d date, delay integer, x double precision) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((d + delay)::timestamp + make_interval(secs => 30600 + x * 34200)) AT TIME ZONE 'Asia/Shanghai' $$;

-- GB 32100-2015 check character of a 17-character USCC body
-- (all helpers are single expressions so that the planner inlines them;
-- callers pass plain columns for arguments used more than once)
CREATE FUNCTION creditrisk_sample.uscc_check(b text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (31 - (
        (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 1, 1)) - 1) * 1
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 2, 1)) - 1) * 3
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 3, 1)) - 1) * 9
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 4, 1)) - 1) * 27
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 5, 1)) - 1) * 19
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 6, 1)) - 1) * 26
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 7, 1)) - 1) * 16
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 8, 1)) - 1) * 17
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 9, 1)) - 1) * 20
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 10, 1)) - 1) * 29
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 11, 1)) - 1) * 25
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 12, 1)) - 1) * 13
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 13, 1)) - 1) * 8
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 14, 1)) - 1) * 24
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 15, 1)) - 1) * 10
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 16, 1)) - 1) * 30
      + (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, 17, 1)) - 1) * 28) % 31) % 31 + 1, 1) $$;

-- 9-character organization code (GB 11714): 8 characters + check character
-- (11 - weighted sum mod 11; 10 -> X, 11 -> 0)
CREATE FUNCTION creditrisk_sample.org_code(c text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT c || substr('0123456789X0', 12 - (
        (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(c, 1, 1)) - 1) * 3
      + (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(c, 2, 1)) - 1) * 7
      + (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(c, 3, 1)) - 1) * 9
      + (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(c, 4, 1)) - 1) * 10
      + (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(c, 5, 1)) - 1) * 5
      + (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(c, 6, 1)) - 1) * 8
      + (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(c, 7, 1)) - 1) * 4
      + (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(c, 8, 1)) - 1) * 2) % 11, 1) $$;

-- the first 8 characters of the org code of enterprise id: 'MA' + 6 base-31
-- characters for those registered since the USCC reform (2015-10), 8 digits
-- before; both are bijections of id (id < 10^8), so codes are unique.
CREATE FUNCTION creditrisk_sample.org8(id bigint, est date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN est >= date '2015-10-01'
                  THEN 'MA' || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', ((((id * 1000003) % 887503681) / 28629151) % 31)::int + 1, 1) || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', ((((id * 1000003) % 887503681) / 923521) % 31)::int + 1, 1) || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', ((((id * 1000003) % 887503681) / 29791) % 31)::int + 1, 1) || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', ((((id * 1000003) % 887503681) / 961) % 31)::int + 1, 1) || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', ((((id * 1000003) % 887503681) / 31) % 31)::int + 1, 1) || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', ((((id * 1000003) % 887503681) / 1) % 31)::int + 1, 1)
                  ELSE lpad(((id * 48271 + 12345) % 100000000)::text, 8, '0') END $$;

-- an enterprise name: place + trade name (字号) + industry word + legal form
CREATE FUNCTION creditrisk_sample.ename(id bigint, etype integer, city_name text, label text, word text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN etype = 2 THEN '河南' WHEN etype IN (1, 3, 5, 7) THEN city_name ELSE label END
          || (ARRAY['华','宏','鑫','恒','瑞','金','中','豫','天','永','福','博','兴','润','嘉','康','盛','信','鼎','隆',
                    '聚','万','汇','鸿','正','明','安','德','众','百','昊','凯','锦','惠','和','佳','泰','宇','新','东'])
             [1 + floor(creditrisk_sample.u(id, 13) * 40)::integer]
          || (ARRAY['达','源','通','丰','牛','原','润','盛','远','隆','泽','禾','世','诚','诺','华','泰','福','家','运',
                    '邦','德','康','川','天','旋','程','民','顺','美','航','辉','腾','悦','祥','瑞','峰','林','尚','科'])
             [1 + floor(creditrisk_sample.u(id, 14) * 40)::integer]
          || word
          || CASE etype WHEN 1 THEN '公司' WHEN 2 THEN '股份有限公司' WHEN 6 THEN '经营部'
                        WHEN 7 THEN '中心（有限合伙）' WHEN 8 THEN '专业合作社' WHEN 9 THEN '服务部'
                        ELSE '有限公司' END $$;

-- a person's name (for legal-representative changes)
CREATE FUNCTION creditrisk_sample.pname(x double precision, y double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','胡','朱','高','林','何','郭','马','罗'])
               [1 + floor(x * 20)::integer]
          || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀英','霞','平',
                    '刚','桂英','建华','志强','红梅'])[1 + floor(y * 25)::integer] $$;

-- ---------------------------------------------------------------------------
-- Reference tables
-- ---------------------------------------------------------------------------

-- Cities of Henan (weight ≈ population in millions, 2020 census; 郑州 doubled
-- for its share of enterprises), with the one-character abbreviation used in
-- document numbers.
CREATE TABLE creditrisk_sample.city (city_code text PRIMARY KEY, city_name text NOT NULL, abbr text NOT NULL, weight numeric NOT NULL);
INSERT INTO creditrisk_sample.city VALUES
    ('4101', '郑州市', '郑', 25.0), ('4102', '开封市', '汴', 4.8), ('4103', '洛阳市', '洛', 7.1),
    ('4104', '平顶山市', '平', 5.0), ('4105', '安阳市', '安', 5.5), ('4106', '鹤壁市', '鹤', 1.6),
    ('4107', '新乡市', '新', 6.3), ('4108', '焦作市', '焦', 3.5), ('4109', '濮阳市', '濮', 3.8),
    ('4110', '许昌市', '许', 4.4), ('4111', '漯河市', '漯', 2.4), ('4112', '三门峡市', '三', 2.0),
    ('4113', '南阳市', '宛', 9.7), ('4114', '商丘市', '商', 7.8), ('4115', '信阳市', '信', 6.2),
    ('4116', '周口市', '周', 9.0), ('4117', '驻马店市', '驻', 7.0), ('4190', '济源市', '济', 0.7);

-- County-level divisions (GB/T 2260, incl. Zhengzhou's three functional
-- zones), with a weight within the city; label = the name used in
-- department names (郑州市金水区, 西华县), short = used in document numbers.
CREATE TABLE creditrisk_sample.division (
    code text PRIMARY KEY, city_code text NOT NULL REFERENCES creditrisk_sample.city,
    name text NOT NULL, w numeric NOT NULL,
    label text, short text, samr_county text, samr_city text, court text, court_mid text);
INSERT INTO creditrisk_sample.division (code, city_code, name, w)
SELECT code, left(code, 4), name, w FROM (VALUES
    ('410102','中原区',4),('410103','二七区',4),('410104','管城回族区',3),('410105','金水区',7),('410106','上街区',0.7),
    ('410108','惠济区',2),('410122','中牟县',2.5),('410171','郑州经济技术开发区',2.5),('410172','郑州高新技术产业开发区',3),
    ('410173','郑州航空港经济综合实验区',2),('410181','巩义市',1.5),('410182','荥阳市',1.5),('410183','新密市',1.3),
    ('410184','新郑市',2),('410185','登封市',1),
    ('410202','龙亭区',2),('410203','顺河回族区',2),('410204','鼓楼区',2),('410205','禹王台区',1.5),('410212','祥符区',2),
    ('410221','杞县',1.5),('410222','通许县',1.2),('410223','尉氏县',1.5),('410225','兰考县',1.5),
    ('410302','老城区',1.5),('410303','西工区',3),('410304','瀍河回族区',1.5),('410305','涧西区',3),('410307','偃师区',2),
    ('410308','孟津区',1.5),('410311','洛龙区',4),('410323','新安县',1.2),('410324','栾川县',1),('410325','嵩县',1),
    ('410326','汝阳县',1),('410327','宜阳县',1.2),('410328','洛宁县',1),('410329','伊川县',1.5),
    ('410402','新华区',3),('410403','卫东区',2.5),('410404','石龙区',0.5),('410411','湛河区',2.5),('410421','宝丰县',1.5),
    ('410422','叶县',1.5),('410423','鲁山县',1.5),('410425','郏县',1.2),('410481','舞钢市',1),('410482','汝州市',2),
    ('410502','文峰区',3),('410503','北关区',2.5),('410505','殷都区',2),('410506','龙安区',1.5),('410522','安阳县',1.5),
    ('410523','汤阴县',1.2),('410526','滑县',2),('410527','内黄县',1.5),('410581','林州市',2),
    ('410602','鹤山区',1),('410603','山城区',1.5),('410611','淇滨区',3),('410621','浚县',1.5),('410622','淇县',1.2),
    ('410702','红旗区',3),('410703','卫滨区',2),('410704','凤泉区',1),('410711','牧野区',2.5),('410721','新乡县',1.5),
    ('410724','获嘉县',1.2),('410725','原阳县',1.5),('410726','延津县',1.2),('410727','封丘县',1.2),('410781','卫辉市',1.5),
    ('410782','辉县市',2),('410783','长垣市',2.5),
    ('410802','解放区',2.5),('410803','中站区',1.2),('410804','马村区',1.2),('410811','山阳区',2.5),('410821','修武县',1),
    ('410822','博爱县',1.2),('410823','武陟县',1.5),('410825','温县',1.2),('410882','沁阳市',1.5),('410883','孟州市',1.5),
    ('410902','华龙区',4),('410922','清丰县',1.5),('410923','南乐县',1.2),('410926','范县',1.2),('410927','台前县',1),
    ('410928','濮阳县',2),
    ('411002','魏都区',3.5),('411003','建安区',2),('411024','鄢陵县',1.5),('411025','襄城县',1.5),('411081','禹州市',2.5),
    ('411082','长葛市',2.5),
    ('411102','源汇区',2.5),('411103','郾城区',2.5),('411104','召陵区',2),('411121','舞阳县',1.5),('411122','临颍县',2),
    ('411202','湖滨区',3),('411203','陕州区',1.5),('411221','渑池县',1.5),('411224','卢氏县',1),('411281','义马市',1),
    ('411282','灵宝市',2.5),
    ('411302','宛城区',3.5),('411303','卧龙区',3.5),('411321','南召县',1.2),('411322','方城县',1.5),('411323','西峡县',1.5),
    ('411324','镇平县',1.5),('411325','内乡县',1.2),('411326','淅川县',1.2),('411327','社旗县',1.2),('411328','唐河县',1.5),
    ('411329','新野县',1.5),('411330','桐柏县',1),('411381','邓州市',2.5),
    ('411402','梁园区',3),('411403','睢阳区',3),('411421','民权县',1.5),('411422','睢县',1.5),('411423','宁陵县',1.2),
    ('411424','柘城县',1.5),('411425','虞城县',1.5),('411426','夏邑县',1.5),('411481','永城市',2.5),
    ('411502','浉河区',3),('411503','平桥区',2.5),('411521','罗山县',1.2),('411522','光山县',1.2),('411523','新县',1),
    ('411524','商城县',1.2),('411525','固始县',2),('411526','潢川县',1.5),('411527','淮滨县',1.2),('411528','息县',1.2),
    ('411602','川汇区',3.5),('411603','淮阳区',2),('411621','扶沟县',1.2),('411622','西华县',1.5),('411623','商水县',1.5),
    ('411624','沈丘县',1.5),('411625','郸城县',1.5),('411627','太康县',1.5),('411628','鹿邑县',1.5),('411681','项城市',2),
    ('411702','驿城区',4),('411721','西平县',1.5),('411722','上蔡县',1.5),('411723','平舆县',1.5),('411724','正阳县',1.2),
    ('411725','确山县',1.2),('411726','泌阳县',1.5),('411727','汝南县',1.5),('411728','遂平县',1.2),('411729','新蔡县',1.5),
    ('419001','济源市',1)
) AS v(code, name, w);

UPDATE creditrisk_sample.division d
   SET label = CASE WHEN d.code = '419001' OR substr(d.code, 5, 1) = '7' OR d.name NOT LIKE '%区' THEN d.name
                    ELSE c.city_name || d.name END,
       short = CASE d.code WHEN '410171' THEN '郑经开' WHEN '410172' THEN '郑高新' WHEN '410173' THEN '郑港'
                           ELSE regexp_replace(d.name, '(回族区|区|县|市)$', '') END,
       samr_city = c.city_name || '市场监督管理局',
       court_mid = CASE WHEN d.city_code = '4190' THEN '济源中级人民法院' ELSE c.city_name || '中级人民法院' END
  FROM creditrisk_sample.city c
 WHERE c.city_code = d.city_code;
UPDATE creditrisk_sample.division
   SET samr_county = label || '市场监督管理局', court = label || '人民法院';

-- Industries (GB/T 4754-2017 classes) with a weight (≈ share of enterprises
-- in %), the word used in names, whether consumers deal with them directly
-- (complaints), and the licence they typically need.  key_field follows the
-- reference model's list (C13 C14 C15 F512 F521 F522 H62 food; C27 F515
-- F525 drugs; C341 C343 special equipment).
CREATE TABLE creditrisk_sample.industry (
    code text PRIMARY KEY, w numeric NOT NULL, word text NOT NULL, consumer boolean NOT NULL,
    lic text, key_field text);
INSERT INTO creditrisk_sample.industry (code, w, word, consumer, lic, key_field)
SELECT code, w, word, consumer, lic,
       CASE WHEN code ~ '^(C13|C14|C15|F512|F521|F522|H62)' THEN 'food'
            WHEN code ~ '^(C27|F515|F525)' THEN 'drugs'
            WHEN code ~ '^(C341|C343)' THEN 'special_equipment' END
FROM (VALUES
    ('A0112',1.0,'种植',false,NULL),('A0141',0.8,'蔬菜种植',false,NULL),('A0171',0.3,'中药材种植',false,NULL),
    ('A0151',0.5,'果业',false,NULL),('A0313',1.0,'养殖',false,NULL),('A0321',0.5,'禽业',false,NULL),
    ('A0311',0.3,'牧业',false,NULL),('A0512',0.6,'农机服务',false,NULL),
    ('B1019',0.3,'砂石',false,'mining'),('B1011',0.1,'矿业',false,'mining'),
    ('C1312',0.5,'面粉',false,'food_prod'),('C1331',0.2,'油脂',false,'food_prod'),('C1351',0.15,'肉类加工',false,'food_prod'),
    ('C1353',0.25,'食品',false,'food_prod'),('C1391',0.15,'淀粉',false,'food_prod'),('C1411',0.4,'食品',true,'food_prod'),
    ('C1431',0.4,'面业',false,'food_prod'),('C1432',0.2,'速冻食品',false,'food_prod'),('C1441',0.05,'乳业',false,'food_prod'),
    ('C1469',0.15,'调味品',false,'food_prod'),('C1512',0.2,'酒业',false,'food_prod'),('C1522',0.15,'饮品',false,'food_prod'),
    ('C1530',0.1,'茶业',false,'food_prod'),
    ('C1810',0.5,'服饰',false,NULL),('C2110',0.4,'家具',false,'pollution'),('C2641',0.15,'涂料',false,'pollution'),
    ('C2927',0.3,'塑料制品',false,'pollution'),('C3021',0.4,'建材',false,'pollution'),('C3311',0.5,'钢结构',false,NULL),
    ('C3360',0.2,'机械加工',false,'pollution'),('C3391',0.15,'铸造',false,'pollution'),('C3670',0.35,'汽车配件',false,NULL),
    ('C2710',0.04,'药业',false,'drug_prod'),('C2720',0.06,'制药',false,'drug_prod'),('C2730',0.08,'中药饮片',false,'drug_prod'),
    ('C2740',0.05,'中药',false,'drug_prod'),('C2770',0.12,'医疗用品',false,'device_prod'),
    ('C3411',0.05,'锅炉',false,'se_prod'),('C3431',0.15,'起重机械',false,'se_prod'),('C3432',0.08,'起重设备',false,'se_prod'),
    ('C3435',0.05,'电梯',false,'se_prod'),
    ('D4416',0.3,'新能源',false,'power'),('D4415',0.05,'风电',false,'power'),
    ('E4710',1.8,'建筑工程',false,'construction'),('E4790',0.8,'建设工程',false,'construction'),
    ('E4813',0.8,'市政工程',false,'construction'),('E4910',0.8,'电气工程',false,'construction'),
    ('E4891',0.8,'园林绿化工程',false,'construction'),('E5011',1.0,'装饰工程',false,'construction'),
    ('E5012',1.4,'装饰设计',true,'construction'),
    ('F5111',0.8,'粮食购销',false,NULL),('F5121',0.6,'粮油',false,'food_sale'),('F5124',0.4,'冷链食品',false,'food_sale'),
    ('F5127',0.6,'酒业',false,'food_sale'),('F5129',0.4,'食品',false,'food_sale'),('F5132',0.4,'服装',false,NULL),
    ('F5151',0.15,'医药',false,'drug_whsl'),('F5152',0.08,'中药材',false,'drug_whsl'),('F5154',0.25,'医疗器械',false,'device_sale'),
    ('F5162',0.2,'石化',false,NULL),('F5165',1.2,'建材',false,NULL),('F5166',0.3,'农资',false,NULL),
    ('F5172',0.3,'汽车销售',false,NULL),('F5174',0.8,'五金',false,NULL),('F5175',0.5,'电气',false,NULL),
    ('F5181',0.5,'贸易',false,NULL),('F5193',0.8,'电子商务',false,NULL),('F5199',2.2,'商贸',false,NULL),
    ('F5211',0.4,'百货',true,'food_sale'),('F5212',1.6,'超市',true,'food_sale'),('F5213',1.5,'便利店',true,'food_sale'),
    ('F5219',1.8,'商行',true,'food_sale'),('F5221',0.6,'粮油店',true,'food_sale'),('F5223',0.7,'果蔬',true,'food_sale'),
    ('F5224',0.7,'生鲜',true,'food_sale'),('F5226',0.6,'烟酒',true,'food_sale'),('F5232',1.0,'服饰',true,NULL),
    ('F5234',0.4,'化妆品',true,NULL),('F5251',1.0,'大药房',true,'drug_sale'),('F5252',0.15,'中药店',true,'drug_sale'),
    ('F5261',0.3,'汽车销售服务',true,NULL),('F5265',0.2,'加油站',true,'fuel'),('F5272',0.5,'家电',true,NULL),
    ('F5274',0.5,'通讯',true,NULL),('F5281',0.5,'五金',true,NULL),('F5283',0.4,'家居',true,NULL),
    ('F5292',1.0,'网络科技',true,NULL),
    ('G5431',1.6,'物流',false,'transport'),('G5437',0.4,'配送',false,'transport'),('G5421',0.1,'客运',true,'transport'),
    ('G5435',0.05,'危货运输',false,'transport'),('G5920',0.2,'仓储',false,NULL),
    ('H6110',0.2,'酒店',true,'hotel'),('H6121',0.3,'快捷酒店',true,'hotel'),('H6129',0.4,'宾馆',true,'hotel'),
    ('H6210',2.2,'餐饮',true,'food_sale'),('H6220',1.2,'快餐',true,'food_sale'),('H6291',1.0,'小吃',true,'food_sale'),
    ('H6231',0.3,'茶馆',true,'food_sale'),
    ('I6513',1.3,'软件',false,NULL),('I6531',1.2,'信息技术',false,NULL),('I6560',0.8,'科技',false,NULL),
    ('I6540',0.3,'网络',false,NULL),
    ('J6631',0.1,'融资租赁',false,NULL),('J6633',0.05,'典当',false,NULL),
    ('K7010',1.2,'置业',true,'realestate'),('K7020',1.0,'物业服务',true,NULL),('K7030',0.8,'房产经纪',true,NULL),
    ('L7212',1.2,'投资',false,NULL),('L7224',0.8,'供应链管理',false,NULL),('L7243',1.0,'企业管理咨询',false,NULL),
    ('L7259',1.0,'广告',false,NULL),('L7263',0.6,'人力资源',false,'dispatch'),('L7291',0.3,'旅行社',true,'travel'),
    ('L7299',2.0,'商务服务',false,NULL),
    ('M7519',2.0,'科技',false,NULL),('M7511',0.5,'农业科技',false,NULL),('M7520',0.2,'知识产权代理',false,NULL),
    ('N7721',0.2,'环保',false,NULL),('N7723',0.2,'环境',false,NULL),
    ('O8010',0.6,'家政服务',true,NULL),('O8040',1.2,'美容美发',true,'public_health'),('O8051',0.3,'洗浴',true,'public_health'),
    ('O8053',0.6,'养生',true,NULL),('O8111',1.0,'汽车维修',true,NULL),('O8090',0.3,'生活服务',true,NULL),
    ('P8391',0.5,'职业培训',true,'school'),('P8393',0.6,'艺术培训',true,'school'),('P8394',0.4,'教育咨询',true,NULL),
    ('P8310',0.2,'幼儿园',true,'school'),
    ('Q8425',0.3,'门诊',true,'clinic'),('Q8415',0.1,'医院',true,'clinic'),('Q8491',0.05,'健康管理',true,NULL),
    ('R8810',0.3,'文化传媒',false,NULL),('R8870',0.3,'文化',true,NULL),('R8890',0.4,'文化艺术',false,NULL)
) AS v(code, w, word, consumer, lic);

-- Licences: kind, validity in years (NULL = open-ended), share of the
-- industry's enterprises holding one, issuing level and department, number
-- prefix (NULL: pollutant-discharge number = USCC + serial + 'V').
CREATE TABLE creditrisk_sample.licence_kind (
    lic text PRIMARY KEY, kind text NOT NULL, years integer, share double precision NOT NULL,
    level text NOT NULL, dept text NOT NULL, prefix text);
INSERT INTO creditrisk_sample.licence_kind VALUES
    ('food_sale',     '食品经营许可证',       5,    0.85, 'county', '市场监督管理局',          'JY1'),
    ('food_prod',     '食品生产许可证',       5,    0.90, 'city',   '市场监督管理局',          'SC1'),
    ('drug_sale',     '药品经营许可证',       5,    0.95, 'city',   '市场监督管理局',          '豫DA'),
    ('drug_whsl',     '药品经营许可证',       5,    0.95, 'prov',   '河南省药品监督管理局',    '豫AA'),
    ('drug_prod',     '药品生产许可证',       5,    0.95, 'prov',   '河南省药品监督管理局',    '豫20'),
    ('device_sale',   '医疗器械经营许可证',   5,    0.70, 'city',   '市场监督管理局',          '豫械经营许'),
    ('device_prod',   '医疗器械生产许可证',   5,    0.90, 'prov',   '河南省药品监督管理局',    '豫械生产许'),
    ('se_prod',       '特种设备生产许可证',   4,    0.85, 'prov',   '河南省市场监督管理局',    'TS'),
    ('construction',  '建筑业企业资质证书',   5,    0.70, 'city',   '住房和城乡建设局',        'D2'),
    ('transport',     '道路运输经营许可证',   4,    0.80, 'county', '交通运输局',              '豫交运管许可'),
    ('hotel',         '特种行业许可证',       NULL, 0.80, 'county', '公安局',                  '特旅'),
    ('school',        '民办学校办学许可证',   5,    0.40, 'county', '教育局',                  '教民'),
    ('clinic',        '医疗机构执业许可证',   5,    0.90, 'county', '卫生健康委员会',          'PDY'),
    ('mining',        '采矿许可证',           5,    0.90, 'city',   '自然资源和规划局',        'C41'),
    ('fuel',          '成品油零售经营批准证书', 5,  0.90, 'prov',   '河南省商务厅',            '油零售证书第'),
    ('pollution',     '排污许可证',           5,    0.35, 'city',   '生态环境局',              NULL),
    ('public_health', '公共场所卫生许可证',   4,    0.50, 'county', '卫生健康委员会',          '豫卫公证字'),
    ('power',         '电力业务许可证',       20,   0.60, 'prov',   '国家能源局河南监管办公室', '1041'),
    ('travel',        '旅行社业务经营许可证', NULL, 0.90, 'prov',   '河南省文化和旅游厅',      'L-HEN-'),
    ('dispatch',      '劳务派遣经营许可证',   3,    0.80, 'county', '人力资源和社会保障局',    '豫劳派'),
    ('realestate',    '房地产开发企业资质证书', 3,  0.60, 'city',   '住房和城乡建设局',        '豫房开');

-- Weighted draws through 100,000 buckets (hash join instead of range search).
CREATE TABLE creditrisk_sample.div_bucket AS
WITH w AS (
    SELECT d.code, c.weight * d.w / sum(d.w) OVER (PARTITION BY d.city_code) AS w
      FROM creditrisk_sample.division d JOIN creditrisk_sample.city c USING (city_code)),
cum AS (SELECT code, round(100000 * sum(w) OVER (ORDER BY code) / sum(w) OVER ())::int AS hi FROM w),
rng AS (SELECT code, lag(hi, 1, 0) OVER (ORDER BY code) AS lo, hi FROM cum)
SELECT b, code FROM rng JOIN generate_series(0, 99999) AS b ON b >= lo AND b < hi;

CREATE TABLE creditrisk_sample.ind_bucket AS
WITH cum AS (SELECT code, w, round(100000 * sum(w) OVER (ORDER BY code) / sum(w) OVER ())::int AS hi
               FROM creditrisk_sample.industry),
rng AS (SELECT code, lag(hi, 1, 0) OVER (ORDER BY code) AS lo, hi FROM cum)
SELECT b, code FROM rng JOIN generate_series(0, 99999) AS b ON b >= lo AND b < hi;

-- entity type from a uniform: mostly 3 (LLC), 4 (one-person LLC), 6 (sole proprietorship)
CREATE FUNCTION creditrisk_sample.etype(v double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN v < 0.02 THEN 1 WHEN v < 0.04 THEN 2 WHEN v < 0.38 THEN 3 WHEN v < 0.72 THEN 4
                  WHEN v < 0.73 THEN 5 WHEN v < 0.92 THEN 6 WHEN v < 0.96 THEN 7 ELSE 9 END $$;

-- capital rounded as people choose it: one significant digit (1, 2, ... 9 x 10^k), at least 0.1 (10k CNY)
CREATE FUNCTION creditrisk_sample.capround(r double precision) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT round((round(greatest(r, 0.1) / power(10, floor(log(greatest(r, 0.1)))))
                   * power(10, floor(log(greatest(r, 0.1)))))::numeric, 4) $$;

-- a risk class (A-D) from a uniform and the enterprise's latent risk tier
CREATE FUNCTION creditrisk_sample.rclass(x double precision, tier integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN x < (ARRAY[0.55, 0.25, 0.05])[tier] THEN 'A' WHEN x < (ARRAY[0.90, 0.70, 0.35])[tier] THEN 'B'
                  WHEN x < (ARRAY[0.98, 0.92, 0.75])[tier] THEN 'C' ELSE 'D' END $$;

\timing on

-- ---------------------------------------------------------------------------
-- 1. Enterprises.  Each has a latent risk tier (75% low, 20% medium, 5% high)
-- that scales its rates of adverse records (multiplier m = 0.4 / 1.8 / 7,
-- mean ≈ 1), so records cluster as they do in reality.
-- ---------------------------------------------------------------------------
\echo [1/16] enterprises: base draws
CREATE UNLOGGED TABLE creditrisk_sample.ent0 AS
SELECT s.*,
       CASE s.status WHEN 'revoked' THEN creditrisk_sample.day(s.est + 365, :asof, creditrisk_sample.u(s.id, 8))
                     WHEN 'cancelled' THEN creditrisk_sample.day(least(s.est + 30, :asof), :asof, creditrisk_sample.u(s.id, 8))
       END AS status_date
  FROM (
    SELECT t.*,
           CASE WHEN t.u7 < (ARRAY[0.01, 0.05, 0.20])[t.tier] AND t.est <= :asof - 400 THEN 'revoked'
                WHEN t.u7 < (ARRAY[0.01, 0.05, 0.20])[t.tier] + (ARRAY[0.045, 0.05, 0.10])[t.tier] THEN 'cancelled'
                ELSE 'in_business' END AS status
      FROM (
        SELECT b.id, b.division_code, b.industry_code, b.is_branch, b.tier, b.entity_type, b.u7,
               -- age: exponential (a stock that grows and exits), truncated at the
               -- earliest date; mean 12 / 9 / 6 years by entity type, so about 1 %
               -- of the register is established in any recent month
               :asof - floor(least(w.span - 1, -w.mean_age * ln(1 - b.u5 * (1 - exp(-w.span / w.mean_age)))))::int AS est
          FROM (
            SELECT r.id, db.code AS division_code, ib.code AS industry_code, r.u4 < 0.05 AS is_branch,
                   CASE WHEN r.u6 < 0.75 THEN 1 WHEN r.u6 < 0.95 THEN 2 ELSE 3 END AS tier,
                   CASE WHEN left(ib.code, 1) = 'A' AND r.u3 < 0.4 THEN 8
                        WHEN left(ib.code, 1) = 'A' THEN creditrisk_sample.etype((r.u3 - 0.4) / 0.6)
                        ELSE creditrisk_sample.etype(r.u3) END AS entity_type,
                   r.u5, r.u7
              FROM (SELECT id, creditrisk_sample.u(id, 1) AS u1, creditrisk_sample.u(id, 2) AS u2,
                           creditrisk_sample.u(id, 3) AS u3, creditrisk_sample.u(id, 4) AS u4,
                           creditrisk_sample.u(id, 5) AS u5, creditrisk_sample.u(id, 6) AS u6,
                           creditrisk_sample.u(id, 7) AS u7
                      FROM generate_series(1, :n::bigint) AS id OFFSET 0) r
              JOIN creditrisk_sample.div_bucket db ON db.b = floor(r.u1 * 100000)::int
              JOIN creditrisk_sample.ind_bucket ib ON ib.b = floor(r.u2 * 100000)::int
          ) b
         CROSS JOIN LATERAL (SELECT (:asof - CASE WHEN b.entity_type = 8 THEN date '2007-07-01' ELSE date '1995-01-01' END + 1)::double precision AS span,
                                    365.25 * CASE WHEN b.entity_type = 1 THEN 12 WHEN b.entity_type IN (2, 5) THEN 9 ELSE 6 END AS mean_age) w
      ) t
    OFFSET 0
  ) s;

-- Parents (of branches) and corporate shareholders are drawn from the
-- companies, older ones far more often (a few groups hold many).
CREATE UNLOGGED TABLE creditrisk_sample.pool AS
SELECT row_number() OVER (ORDER BY est, id) AS rank, id
  FROM creditrisk_sample.ent0
 WHERE NOT is_branch AND entity_type IN (1, 2, 3, 4, 5, 7);
ALTER TABLE creditrisk_sample.pool ADD PRIMARY KEY (rank);
ANALYZE creditrisk_sample.pool;
SELECT count(*) AS pool_n, greatest(1, round(:n * 0.012))::int AS persons FROM creditrisk_sample.pool \gset

\echo [2/16] enterprises: branches
CREATE UNLOGGED TABLE creditrisk_sample.ent1 AS
SELECT id, NULL::bigint AS parent_id, division_code, industry_code, entity_type, tier, est, status, status_date
  FROM creditrisk_sample.ent0
 WHERE NOT is_branch OR :pool_n = 0
UNION ALL
SELECT x.id, x.parent_id, x.division_code, x.industry_code, x.entity_type, x.tier, x.est,
       CASE WHEN x.pstatus <> 'in_business' THEN 'cancelled'
            WHEN x.u7 < 0.01 AND x.est <= :asof - 400 THEN 'revoked'
            WHEN x.u7 < 0.07 THEN 'cancelled' ELSE 'in_business' END,
       CASE WHEN x.pstatus <> 'in_business' THEN creditrisk_sample.day(x.est, x.pdate, creditrisk_sample.u(x.id, 23))
            WHEN x.u7 < 0.01 AND x.est <= :asof - 400 THEN creditrisk_sample.day(x.est + 365, :asof, creditrisk_sample.u(x.id, 8))
            WHEN x.u7 < 0.07 THEN creditrisk_sample.day(least(x.est + 30, :asof), :asof, creditrisk_sample.u(x.id, 8)) END
  FROM (
    SELECT b.id, p.id AS parent_id,
           CASE WHEN creditrisk_sample.u(b.id, 21) < 0.7 THEN p.division_code ELSE b.division_code END AS division_code,
           p.industry_code, p.entity_type, b.tier,
           p.est + floor(creditrisk_sample.u(b.id, 22) * (coalesce(p.status_date, :asof) - p.est + 1))::int AS est,
           p.status AS pstatus, p.status_date AS pdate, b.u7
      FROM creditrisk_sample.ent0 b
      JOIN creditrisk_sample.pool r ON r.rank = 1 + floor(power(creditrisk_sample.u(b.id, 20), 2.5) * :pool_n)::bigint
      JOIN creditrisk_sample.ent0 p ON p.id = r.id
     WHERE b.is_branch AND :pool_n > 0
  ) x;

\echo [3/16] enterprises: codes, names, capital
CREATE UNLOGGED TABLE creditrisk_sample.ent AS
SELECT y.id, (y.body || creditrisk_sample.uscc_check(y.body))::creditrisk.uscc AS uscc, y.parent_id, y.name,
       y.division_code, y.industry_code, y.entity_type, y.tier, (ARRAY[0.4, 1.8, 7.0])[y.tier] AS m,
       y.est, y.status, y.status_date,
       coalesce(y.status_date, :asof) AS end_d,                                        -- end of activity
       CASE WHEN y.status = 'cancelled' THEN y.status_date ELSE :asof END AS end_l,     -- end of legal existence
       greatest(y.est, date '2017-01-01') AS ws,                                         -- start of collection
       y.reg,
       CASE WHEN y.reg IS NULL THEN NULL
            WHEN y.est > :asof - 730 AND y.u11 < 0.85 THEN 0
            WHEN y.est <= :asof - 730 AND y.u11 < (CASE WHEN y.entity_type IN (1, 2, 5) THEN 0.1
                                                        WHEN y.entity_type IN (6, 9) THEN 0.2 ELSE 0.4 END) THEN 0
            WHEN creditrisk_sample.u(y.id, 12) < (CASE WHEN y.entity_type IN (1, 2, 5) THEN 0.8
                                                       WHEN y.entity_type IN (6, 9) THEN 0.7 ELSE 0.35 END) THEN y.reg
            ELSE round(y.reg * (0.05 + 0.9 * creditrisk_sample.u(y.id, 15))::numeric, 4) END AS paid,
       y.reg_auth, y.key_field, y.consumer, y.lic
  FROM (
   SELECT z.*, '9' || z.tc || z.division_code || creditrisk_sample.org_code(z.org8) AS body,
          CASE WHEN z.parent_id IS NULL THEN creditrisk_sample.capround(z.reg_raw) END AS reg
     FROM (
    SELECT e.*, creditrisk_sample.u(e.id, 11) AS u11,
           CASE e.entity_type WHEN 8 THEN '3' WHEN 9 THEN '2' ELSE '1' END AS tc,
           creditrisk_sample.org8(e.id, e.est) AS org8,
           CASE WHEN e.parent_id IS NULL THEN creditrisk_sample.ename(e.id, e.entity_type, c.city_name, d.label, i.word)
                ELSE creditrisk_sample.ename(p.id, p.entity_type, pc.city_name, pd.label, i.word)
                     || CASE WHEN char_length(d.short) < 2 THEN d.name ELSE d.short END
                     || CASE WHEN p.entity_type <= 5 THEN '分公司' ELSE '分部' END END AS name,
           exp(ln((ARRAY[800, 2000, 200, 50, 500, 10, 100, 50, 3])[e.entity_type])
               + 1.3 * sqrt(-2 * ln(1 - creditrisk_sample.u(e.id, 9))) * cos(2 * pi() * creditrisk_sample.u(e.id, 10))) AS reg_raw,
           CASE WHEN e.entity_type IN (1, 2, 5) THEN d.samr_city ELSE d.samr_county END AS reg_auth,
           i.key_field, i.consumer, i.lic
      FROM creditrisk_sample.ent1 e
      JOIN creditrisk_sample.division d ON d.code = e.division_code
      JOIN creditrisk_sample.city c ON c.city_code = d.city_code
      JOIN creditrisk_sample.industry i ON i.code = e.industry_code
      LEFT JOIN creditrisk_sample.ent1 p ON p.id = e.parent_id
      LEFT JOIN creditrisk_sample.division pd ON pd.code = p.division_code
      LEFT JOIN creditrisk_sample.city pc ON pc.city_code = pd.city_code
    OFFSET 0
     ) z
   OFFSET 0
  ) y
 ORDER BY 2;
DROP TABLE creditrisk_sample.ent1;
-- Statistics and keys on the work tables keep the plans sane (hash joins
-- probing ent in USCC order, so records arrive in USCC order too).
ALTER TABLE creditrisk_sample.ent ADD PRIMARY KEY (id);
ANALYZE creditrisk_sample.ent;

\echo [4/16] enterprise register
INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date,
                                   registered_capital, paid_in_capital, status, status_date, parent_uscc,
                                   reported_by, received_at)
SELECT e.uscc, e.name, e.division_code, e.industry_code, e.entity_type, e.est, e.reg, e.paid, e.status, e.status_date,
       p.uscc, e.reg_auth,
       creditrisk_sample.recv(e.est, floor(creditrisk_sample.u(e.id, 16) * 3)::int, creditrisk_sample.u(e.id, 17))
  FROM creditrisk_sample.ent e
  LEFT JOIN creditrisk_sample.ent p ON p.id = e.parent_id
 ORDER BY e.uscc;

-- ---------------------------------------------------------------------------
-- 2. The primary abnormal-operation listing of ~15% of enterprises (80% of the
-- revoked ones: listed 1-3 years before revocation and never removed).  The
-- rate is 0.16 x m (tier 1 6%, tier 2 29%, tier 3 90%): the list is the
-- regulators' most common adverse record, and 1.6's 0.05 x m left too few
-- enterprises with it for a score to fill class C (doc/calibration.md).
-- Reason 1 (annual report not filed) names the year whose report was
-- missing; the report is then filed on the removal day (late) or never.
-- ---------------------------------------------------------------------------
\echo [5/16] abnormal listings
CREATE UNLOGGED TABLE creditrisk_sample.ab AS
WITH c AS (
    SELECT e.id, e.est, e.end_d, e.status, e.status_date, e.tier,
           greatest(extract(year FROM e.est)::int, 2016) AS yfirst,
           CASE WHEN e.status = 'revoked' THEN CASE WHEN creditrisk_sample.u(e.id, 31) < 0.7 THEN 1 ELSE 4 END
                ELSE CASE WHEN creditrisk_sample.u(e.id, 31) < 0.65 THEN 1 WHEN creditrisk_sample.u(e.id, 31) < 0.88 THEN 4
                          WHEN creditrisk_sample.u(e.id, 31) < 0.92 THEN 2 WHEN creditrisk_sample.u(e.id, 31) < 0.95 THEN 3
                          ELSE 9 END END AS reason0,
           CASE WHEN e.status = 'revoked' THEN
                greatest(e.est + floor((e.status_date - e.est) * 0.3)::int,
                         e.status_date - 365 - floor(creditrisk_sample.u(e.id, 32) * 730)::int) END AS lrev
      FROM creditrisk_sample.ent e
     WHERE creditrisk_sample.u(e.id, 30) < CASE WHEN e.status = 'revoked' THEN 0.8 ELSE least(0.9, 0.16 * e.m) END
       AND e.est <= :asof - 60
), y AS (
    SELECT c.*,
           CASE WHEN c.status = 'revoked'   -- the last year whose report was due before the listing
                THEN extract(year FROM c.lrev)::int
                     - CASE WHEN c.lrev > make_date(extract(year FROM c.lrev)::int, 6, 30) THEN 1 ELSE 2 END
                ELSE extract(year FROM c.end_d - 227)::int - 1 END AS ycand
      FROM c
), r AS (
    SELECT y.*,
           CASE WHEN y.reason0 = 1 AND y.ycand >= y.yfirst THEN 1 WHEN y.reason0 = 1 THEN 4 ELSE y.reason0 END AS reason,
           CASE WHEN y.reason0 = 1 AND y.ycand >= y.yfirst THEN
                CASE WHEN y.status = 'revoked' THEN y.ycand
                     ELSE y.yfirst + floor(creditrisk_sample.u(y.id, 32) * (y.ycand - y.yfirst + 1))::int END END AS year
      FROM y
), l AS (
    SELECT r.*,
           CASE WHEN r.status = 'revoked' THEN CASE WHEN r.lrev >= date '2014-03-01' THEN r.lrev END  -- list exists since 2014
                WHEN r.reason = 1 THEN make_date(r.year + 1, 7, 1) + floor(creditrisk_sample.u(r.id, 33) * 45)::int
                WHEN greatest(r.est + 90, date '2017-01-01') <= r.end_d
                THEN creditrisk_sample.day(greatest(r.est + 90, date '2017-01-01'), r.end_d, creditrisk_sample.u(r.id, 33))
           END AS listed
      FROM r
)
SELECT l.id, l.reason, l.year, l.listed,
       CASE WHEN l.status = 'revoked' THEN NULL
            WHEN l.status = 'cancelled' THEN creditrisk_sample.day(l.listed, l.status_date, creditrisk_sample.u(l.id, 34))
            WHEN creditrisk_sample.u(l.id, 35) < CASE l.tier WHEN 3 THEN 0.6 ELSE 0.4 END THEN NULL
            WHEN l.listed + 15 + floor(power(creditrisk_sample.u(l.id, 34), 2) * 900)::int <= :asof
            THEN l.listed + 15 + floor(power(creditrisk_sample.u(l.id, 34), 2) * 900)::int
       END AS removed
  FROM l
 WHERE l.listed IS NOT NULL;
ALTER TABLE creditrisk_sample.ab ADD PRIMARY KEY (id);
ANALYZE creditrisk_sample.ab;

-- ... plus 0-2 earlier, removed listings: half of them for an unfiled annual
-- report (that report is filed on the removal day), the others mostly for
-- being unreachable at the registered address.
CREATE UNLOGGED TABLE creditrisk_sample.abx AS
SELECT DISTINCT ON (z.id, coalesce(z.year, -z.j)) z.*
  FROM (
    SELECT q.id, q.j, q.key, q.reason, q.year, q.l AS listed,
           q.l + floor((q.plisted - q.l) * (0.2 + 0.6 * creditrisk_sample.u(q.key, 202)))::int AS removed
      FROM (
        SELECT p.*,
               CASE WHEN p.reason = 1 THEN make_date(p.year + 1, 7, 1) + floor(creditrisk_sample.u(p.key, 201) * 45)::int
                    ELSE creditrisk_sample.day(p.lo, p.plisted - 60, creditrisk_sample.u(p.key, 201)) END AS l
          FROM (
            SELECT a.id, j, a.id * 4 + j AS key, a.listed AS plisted, w.lo,
                   CASE WHEN creditrisk_sample.u(a.id * 4 + j, 203) < 0.55 AND yl.ylast >= w.yfirst THEN 1
                        WHEN creditrisk_sample.u(a.id * 4 + j, 203) < 0.72 THEN 4
                        WHEN creditrisk_sample.u(a.id * 4 + j, 203) < 0.8 THEN 2
                        WHEN creditrisk_sample.u(a.id * 4 + j, 203) < 0.88 THEN 3 ELSE 9 END AS reason,
                   CASE WHEN creditrisk_sample.u(a.id * 4 + j, 203) < 0.55 AND yl.ylast >= w.yfirst
                        THEN w.yfirst + floor(creditrisk_sample.u(a.id * 4 + j, 204) * (yl.ylast - w.yfirst + 1))::int
                   END AS year
              FROM creditrisk_sample.ab a
              JOIN creditrisk_sample.ent e ON e.id = a.id
             CROSS JOIN LATERAL (SELECT greatest(e.est + 90, date '2017-01-01') AS lo,
                                        greatest(extract(year FROM e.est)::int, 2016) AS yfirst) w
             CROSS JOIN LATERAL (SELECT least(extract(year FROM a.listed - 287)::int - 1,
                                              coalesce(a.year, 9999) - 1) AS ylast) yl
             CROSS JOIN LATERAL generate_series(1, CASE WHEN w.lo > a.listed - 60 THEN 0
                                                        WHEN creditrisk_sample.u(a.id, 200) < CASE e.tier WHEN 3 THEN 0.5 ELSE 0.75 END THEN 0
                                                        WHEN creditrisk_sample.u(a.id, 200) < 0.95 THEN 1 ELSE 2 END) AS j
          ) p
      ) q
  ) z
 ORDER BY z.id, coalesce(z.year, -z.j), z.j;
ANALYZE creditrisk_sample.abx;

INSERT INTO creditrisk.abnormal_listing (uscc, listed_date, removed_date, reason, reported_by, received_at)
SELECT e.uscc, x.listed, x.removed, x.reason, e.reg_auth,
       creditrisk_sample.recv(x.listed, floor(creditrisk_sample.u(x.key, 209) * 4)::int, creditrisk_sample.u(x.key, 208))
  FROM (SELECT id, id * 4 AS key, listed, removed, reason FROM creditrisk_sample.ab
        UNION ALL
        SELECT id, key, listed, removed, reason FROM creditrisk_sample.abx) x
  JOIN creditrisk_sample.ent e ON e.id = x.id
 ORDER BY e.uscc, x.listed, x.key;

-- ---------------------------------------------------------------------------
-- 3. Annual reports for 2014 on (one per year since establishment), ~92% of
-- those filed on time (by 30 June, mostly in May-June), late ones soon after.
-- ---------------------------------------------------------------------------
\echo [6/16] annual reports
INSERT INTO creditrisk.annual_report (uscc, year, filed_on, reported_by, received_at)
SELECT s.uscc, s.y, s.filed_on, s.reg_auth, creditrisk_sample.recv(s.filed_on, 0, creditrisk_sample.u(s.key, 174))
  FROM (
    SELECT e.uscc, e.reg_auth, e.end_d, y, e.id * 64 + (y - 2000) AS key,
           CASE WHEN a.reason = 1 AND a.year = y THEN a.removed
                WHEN x.id IS NOT NULL THEN x.removed
                WHEN y >= st.stop_year THEN NULL
                WHEN creditrisk_sample.u(e.id * 64 + (y - 2000), 171) >= (ARRAY[0.99, 0.95, 0.75])[e.tier] THEN NULL
                WHEN creditrisk_sample.u(e.id * 64 + (y - 2000), 172) < (ARRAY[0.96, 0.85, 0.55])[e.tier]
                THEN make_date(y + 1, 1, 1) + floor(181 * power(creditrisk_sample.u(e.id * 64 + (y - 2000), 173), 0.4))::int
                ELSE make_date(y + 1, 7, 1) + floor(power(creditrisk_sample.u(e.id * 64 + (y - 2000), 173), 3) * 540)::int
           END AS filed_on
      FROM creditrisk_sample.ent e
      LEFT JOIN creditrisk_sample.ab a ON a.id = e.id
     CROSS JOIN LATERAL (SELECT CASE WHEN e.status = 'revoked'
                                     THEN coalesce(a.year, extract(year FROM coalesce(a.listed, e.status_date))::int - 1)
                                     WHEN a.reason = 1 AND a.removed IS NULL THEN a.year END AS stop_year) st
     CROSS JOIN LATERAL generate_series(greatest(extract(year FROM e.est)::int, 2014), :asof_year - 1) AS y
      LEFT JOIN creditrisk_sample.abx x ON x.id = e.id AND x.year = y
    OFFSET 0
  ) s
 WHERE s.filed_on IS NOT NULL AND s.filed_on <= s.end_d;

-- ---------------------------------------------------------------------------
-- 4. Serious-dishonesty list (~0.5%): enterprises left on the abnormal list
-- for 3 years are transferred (SAMR order 44), plus others after serious
-- violations; removed at expiry (3 years), by repair (after 1 year) or current.
-- ---------------------------------------------------------------------------
\echo [7/16] serious-dishonesty listings
INSERT INTO creditrisk.serious_dishonesty_listing (uscc, listed_date, removed_date, reported_by, received_at)
SELECT s.uscc, s.listed,
       CASE WHEN creditrisk_sample.u(s.id, 184) < 0.5 AND (s.listed + interval '3 years')::date <= :asof
            THEN (s.listed + interval '3 years')::date
            WHEN creditrisk_sample.u(s.id, 184) < 0.7 AND s.listed + 365 + floor(creditrisk_sample.u(s.id, 185) * 700)::int <= :asof
            THEN s.listed + 365 + floor(creditrisk_sample.u(s.id, 185) * 700)::int END,
       CASE WHEN creditrisk_sample.u(s.id, 186) < 0.7 THEN d.samr_city ELSE '河南省市场监督管理局' END,
       creditrisk_sample.recv(s.listed, 1 + floor(creditrisk_sample.u(s.id, 187) * 10)::int, creditrisk_sample.u(s.id, 188))
  FROM (
    SELECT e.id, e.uscc, e.division_code,
           CASE WHEN a.id IS NOT NULL AND a.removed IS NULL AND a.listed <= (:asof - interval '3 years')::date - 30
                     AND creditrisk_sample.u(e.id, 180) < 0.25
                THEN (a.listed + interval '3 years')::date + floor(creditrisk_sample.u(e.id, 181) * 30)::int
                WHEN creditrisk_sample.u(e.id, 182) < 0.0003 * e.m * e.m AND greatest(e.est + 180, date '2017-01-01') <= e.end_l
                THEN creditrisk_sample.day(greatest(e.est + 180, date '2017-01-01'), e.end_l, creditrisk_sample.u(e.id, 183))
           END AS listed
      FROM creditrisk_sample.ent e
      LEFT JOIN creditrisk_sample.ab a ON a.id = e.id
    OFFSET 0
  ) s
  JOIN creditrisk_sample.division d ON d.code = s.division_code
 WHERE s.listed IS NOT NULL;

-- ---------------------------------------------------------------------------
-- 5. Dishonest judgment debtors (~1%), listed by courts; ~55% removed on
-- performance, the rest current.
-- ---------------------------------------------------------------------------
\echo [8/16] judgment-debtor listings
INSERT INTO creditrisk.judgment_debtor_listing (uscc, listed_date, removed_date, reported_by, received_at)
SELECT s.uscc, s.listed,
       CASE WHEN s.status = 'cancelled' THEN creditrisk_sample.day(s.listed, s.status_date, creditrisk_sample.u(s.key, 193))
            WHEN creditrisk_sample.u(s.key, 193) < 0.55
                 AND s.listed + 30 + floor(power(creditrisk_sample.u(s.key, 194), 1.5) * 1000)::int <= :asof
            THEN s.listed + 30 + floor(power(creditrisk_sample.u(s.key, 194), 1.5) * 1000)::int END,
       CASE WHEN creditrisk_sample.u(s.key, 196) < 0.85 THEN d.court ELSE d.court_mid END,
       creditrisk_sample.recv(s.listed, 1 + floor(creditrisk_sample.u(s.key, 197) * 15)::int, creditrisk_sample.u(s.key, 198))
  FROM (
    SELECT e.uscc, e.division_code, e.status, e.status_date, e.id * 4 + k AS key,
           creditrisk_sample.day(w.lo, e.end_l, creditrisk_sample.u(e.id * 4 + k, 192)) AS listed
      FROM creditrisk_sample.ent e
     CROSS JOIN LATERAL (SELECT greatest(e.est + 365, date '2017-01-01') AS lo) w
     CROSS JOIN LATERAL generate_series(1, CASE WHEN w.lo <= e.end_l AND creditrisk_sample.u(e.id, 190) < least(0.9, 0.004 * e.m * e.m)
                                                THEN 1 + (creditrisk_sample.u(e.id, 191) < 0.2)::int
                                                       + (creditrisk_sample.u(e.id, 195) < 0.05)::int
                                                ELSE 0 END) AS k
    OFFSET 0
  ) s
  JOIN creditrisk_sample.division d ON d.code = s.division_code;

-- ---------------------------------------------------------------------------
-- 6. Administrative penalties (~8% of enterprises), 双公示 within 7 working
-- days (90% on time).  Publicity: minor 3 months, else 3 years with early
-- repair (after 6 months, 1 year in key fields); from 2026-04-01 the NDRC
-- order 36 periods (general 3-12 months, serious 1-3 years).
-- ---------------------------------------------------------------------------
\echo [9/16] penalties
INSERT INTO creditrisk.penalty (uscc, decision_number, decision_date, severity, fine_amount, publicity_end_date,
                                field, reported_by, received_at, platform_reported_on, published_on)
SELECT t.uscc,
       format('%s〔%s〕%s号', t.prefix, extract(year FROM t.ddate)::int,
              row_number() OVER (PARTITION BY t.prefix, extract(year FROM t.ddate) ORDER BY t.ddate, t.uscc, t.key)),
       t.ddate, t.severity, t.fine,
       CASE WHEN t.ddate >= date '2026-04-01' THEN
                CASE t.severity
                     WHEN 'minor' THEN (t.ddate + make_interval(months => 1 + floor(creditrisk_sample.u(t.key, 62) * 3)::int))::date
                     WHEN 'general' THEN (t.ddate + make_interval(months => 3 + floor(creditrisk_sample.u(t.key, 62) * 10)::int))::date
                     ELSE (t.ddate + make_interval(months => 12 + floor(creditrisk_sample.u(t.key, 62) * 25)::int))::date END
            WHEN t.severity = 'minor' THEN (t.ddate + interval '3 months')::date
            WHEN t.repaired <= :asof THEN t.repaired
            ELSE (t.ddate + interval '3 years')::date END,
       t.field, t.dept,
       creditrisk_sample.recv(t.ddate,
                              CASE WHEN creditrisk_sample.u(t.key, 65) < 0.9 THEN 1 + floor(creditrisk_sample.u(t.key, 66) * 8)::int
                                   ELSE 9 + floor(creditrisk_sample.u(t.key, 66) * 17)::int END,
                              creditrisk_sample.u(t.key, 67)),
       -- 双公示: reported to the credit platform (and published) the day it arrived here, once that is past
       t.rep, t.rep
  FROM (
    SELECT s.*,
           CASE WHEN s.ddate + CASE WHEN creditrisk_sample.u(s.key, 65) < 0.9 THEN 1 + floor(creditrisk_sample.u(s.key, 66) * 8)::int
                                    ELSE 9 + floor(creditrisk_sample.u(s.key, 66) * 17)::int END <= :asof
                THEN s.ddate + CASE WHEN creditrisk_sample.u(s.key, 65) < 0.9 THEN 1 + floor(creditrisk_sample.u(s.key, 66) * 8)::int
                                    ELSE 9 + floor(creditrisk_sample.u(s.key, 66) * 17)::int END END AS rep,
           CASE s.severity
                WHEN 'minor' THEN CASE WHEN creditrisk_sample.u(s.key, 60) < 0.5 THEN 0
                                       ELSE round(exp(ln(0.02) + creditrisk_sample.u(s.key, 61) * ln(25))::numeric, 2) END
                WHEN 'general' THEN round(exp(ln(0.3) + creditrisk_sample.u(s.key, 61) * ln(33))::numeric, 2)
                ELSE round(exp(ln(5) + creditrisk_sample.u(s.key, 61) * ln(40))::numeric, 2) END AS fine,
           CASE WHEN s.severity = 'general' AND creditrisk_sample.u(s.key, 63) < 0.3
                THEN (s.ddate + CASE WHEN s.field <> 'other' THEN interval '1 year' ELSE interval '6 months' END)::date
                     + floor(creditrisk_sample.u(s.key, 64) * 365)::int
                WHEN s.severity = 'serious' AND creditrisk_sample.u(s.key, 63) < 0.1
                THEN (s.ddate + interval '1 year')::date + floor(creditrisk_sample.u(s.key, 64) * 365)::int
           END AS repaired,
           CASE s.who WHEN 1 THEN d.samr_county WHEN 2 THEN d.samr_city WHEN 3 THEN c.city_name || '生态环境局'
                      WHEN 4 THEN d.label || '应急管理局' WHEN 5 THEN d.label || '城市管理局'
                      ELSE '国家税务总局' || d.label || '税务局' END AS dept,
           CASE s.who WHEN 1 THEN d.short || '市监罚' WHEN 2 THEN c.abbr || '市监罚' WHEN 3 THEN c.abbr || '环罚'
                      WHEN 4 THEN d.short || '应急罚' WHEN 5 THEN d.short || '城管罚' ELSE d.short || '税罚' END AS prefix
      FROM (
        SELECT r.*,
               CASE WHEN r.field <> 'other' THEN CASE WHEN creditrisk_sample.u(r.key, 57) < 0.8 THEN 1 ELSE 2 END
                    WHEN creditrisk_sample.u(r.key, 57) < 0.55 THEN 1 WHEN creditrisk_sample.u(r.key, 57) < 0.65 THEN 2
                    WHEN creditrisk_sample.u(r.key, 57) < 0.78 THEN 3 WHEN creditrisk_sample.u(r.key, 57) < 0.88 THEN 4
                    WHEN creditrisk_sample.u(r.key, 57) < 0.95 THEN 5 ELSE 6 END AS who
          FROM (
            SELECT e.uscc, e.division_code, e.id * 16 + k AS key,
                   creditrisk_sample.day(e.ws, e.end_d, creditrisk_sample.u(e.id * 16 + k, 54)) AS ddate,
                   CASE WHEN creditrisk_sample.u(e.id * 16 + k, 55) < CASE e.tier WHEN 3 THEN 0.15 ELSE 0.05 END THEN 'serious'
                        WHEN creditrisk_sample.u(e.id * 16 + k, 55) < CASE e.tier WHEN 3 THEN 0.60 ELSE 0.50 END THEN 'minor'
                        ELSE 'general' END AS severity,
                   CASE WHEN e.key_field IS NOT NULL
                        THEN CASE WHEN creditrisk_sample.u(e.id * 16 + k, 56) < 0.75 THEN e.key_field ELSE 'other' END
                        WHEN e.industry_code = 'K7020' OR e.industry_code LIKE 'H61%'
                        THEN CASE WHEN creditrisk_sample.u(e.id * 16 + k, 56) < 0.2 THEN 'special_equipment' ELSE 'other' END
                        WHEN creditrisk_sample.u(e.id * 16 + k, 56) < 0.02 THEN 'food' ELSE 'other' END AS field
              FROM creditrisk_sample.ent e
             CROSS JOIN LATERAL generate_series(1, CASE WHEN e.ws <= e.end_d AND creditrisk_sample.u(e.id, 50) < least(0.9, 0.085 * e.m)
                                                        THEN 1 + (creditrisk_sample.u(e.id, 51) < 0.25)::int
                                                               + (creditrisk_sample.u(e.id, 52) < 0.08)::int
                                                               + (e.tier = 3 AND creditrisk_sample.u(e.id, 53) < 0.3)::int
                                                        ELSE 0 END) AS k
            OFFSET 0
          ) r
        OFFSET 0
      ) s
      JOIN creditrisk_sample.division d ON d.code = s.division_code
      JOIN creditrisk_sample.city c ON c.city_code = d.city_code
  ) t;

-- ---------------------------------------------------------------------------
-- 7. Random spot checks (双随机, ~30% of enterprises); outcomes depend on the
-- risk tier.  Each reason-4 abnormal listing follows a visit that found the
-- enterprise unreachable.
-- ---------------------------------------------------------------------------
\echo [10/16] spot checks
INSERT INTO creditrisk.spot_check (uscc, check_date, outcome, refused, reported_by, received_at)
SELECT s.uscc, s.cdate, s.outcome, s.refused, s.dept,
       creditrisk_sample.recv(s.cdate, 2 + floor(power(creditrisk_sample.u(s.key, 78), 2) * 24)::int, creditrisk_sample.u(s.key, 79))
  FROM (
    SELECT e.uscc, e.id * 8 + k AS key,
           creditrisk_sample.day(w.lo, e.end_d, creditrisk_sample.u(e.id * 8 + k, 71)) AS cdate,
           CASE WHEN creditrisk_sample.u(e.id * 8 + k, 72) < (ARRAY[0.88, 0.70, 0.45])[e.tier] THEN 'pass'
                WHEN creditrisk_sample.u(e.id * 8 + k, 72) < (ARRAY[0.93, 0.80, 0.60])[e.tier] THEN 'problems_found'
                WHEN creditrisk_sample.u(e.id * 8 + k, 72) < (ARRAY[0.97, 0.90, 0.75])[e.tier] THEN 'rectification_ordered'
                ELSE 'not_found_at_address' END AS outcome,
           creditrisk_sample.u(e.id * 8 + k, 73) < (ARRAY[0.003, 0.01, 0.04])[e.tier] AS refused,
           CASE WHEN creditrisk_sample.u(e.id * 8 + k, 74) < 0.85 THEN d.samr_county
                WHEN creditrisk_sample.u(e.id * 8 + k, 74) < 0.92 THEN d.samr_city
                WHEN creditrisk_sample.u(e.id * 8 + k, 74) < 0.96 THEN d.label || '应急管理局'
                ELSE c.city_name || '生态环境局' END AS dept
      FROM creditrisk_sample.ent e
      JOIN creditrisk_sample.division d ON d.code = e.division_code
      JOIN creditrisk_sample.city c ON c.city_code = d.city_code
     CROSS JOIN LATERAL (SELECT greatest(e.est + 30, date '2017-01-01') AS lo) w
     CROSS JOIN LATERAL generate_series(1, CASE WHEN w.lo <= e.end_d AND creditrisk_sample.u(e.id, 70) < 0.31
                                                THEN 1 + (creditrisk_sample.u(e.id, 75) < 0.2)::int
                                                       + (creditrisk_sample.u(e.id, 76) < 0.05)::int
                                                ELSE 0 END) AS k
    UNION ALL
    SELECT e.uscc, e.id * 8 AS key, a.listed - 10 - floor(creditrisk_sample.u(e.id, 77) * 50)::int,
           'not_found_at_address', false, d.samr_county
      FROM creditrisk_sample.ab a
      JOIN creditrisk_sample.ent e ON e.id = a.id
      JOIN creditrisk_sample.division d ON d.code = e.division_code
     WHERE a.reason = 4 AND a.listed - 60 >= e.ws
    OFFSET 0
  ) s;

-- ---------------------------------------------------------------------------
-- 8. Complaints and reports (12345 / 12315), mostly about consumer-facing
-- businesses, heavy-tailed; recent ones often not yet handled.
-- ---------------------------------------------------------------------------
\echo [11/16] complaints and reports
INSERT INTO creditrisk.complaint (uscc, received_date, kind, substantiated, reported_by, received_at)
SELECT s.uscc, s.rdate, s.kind,
       CASE WHEN s.rdate > :asof - 45 AND creditrisk_sample.u(s.key, 85) < 0.6 THEN NULL
            WHEN creditrisk_sample.u(s.key, 85) < 0.03 THEN NULL
            ELSE creditrisk_sample.u(s.key, 86) < (ARRAY[0.3, 0.45, 0.65])[s.tier]
                                                 + CASE WHEN s.kind = 'report' THEN 0.1 ELSE 0 END END,
       CASE WHEN creditrisk_sample.u(s.key, 87) < 0.5 THEN '12345热线'
            WHEN creditrisk_sample.u(s.key, 87) < 0.85 THEN '12315平台' ELSE d.samr_county END,
       creditrisk_sample.recv(s.rdate, floor(creditrisk_sample.u(s.key, 88) * 3)::int, creditrisk_sample.u(s.key, 89))
  FROM (
    SELECT e.uscc, e.tier, e.division_code, e.id * 256 + k AS key,
           creditrisk_sample.day(w.lo, e.end_d, power(creditrisk_sample.u(e.id * 256 + k, 81), 0.6)) AS rdate,
           CASE WHEN creditrisk_sample.u(e.id * 256 + k, 82) < CASE e.tier WHEN 3 THEN 0.35 ELSE 0.2 END
                THEN 'report' ELSE 'complaint' END AS kind
      FROM creditrisk_sample.ent e
     CROSS JOIN LATERAL (SELECT greatest(e.est, date '2019-01-01') AS lo) w
     CROSS JOIN LATERAL generate_series(1, CASE WHEN w.lo <= e.end_d
                                                 AND creditrisk_sample.u(e.id, 83) < CASE WHEN e.consumer THEN 0.30 ELSE 0.05 END
                                                                                     * (ARRAY[0.8, 1.3, 2.5])[e.tier]
                                                THEN least(200, 1 + creditrisk_sample.geo(creditrisk_sample.u(e.id, 84),
                                                                        CASE WHEN e.consumer THEN 1.5 ELSE 0.5 END
                                                                        * (ARRAY[1.0, 1.3, 2.0])[e.tier])
                                                                + CASE WHEN e.consumer AND creditrisk_sample.u(e.id, 80) < 0.003
                                                                       THEN 20 + floor(creditrisk_sample.u(e.id, 79) * 60)::int
                                                                       ELSE 0 END)
                                                ELSE 0 END) AS k
    OFFSET 0
  ) s
  JOIN creditrisk_sample.division d ON d.code = s.division_code;

-- ---------------------------------------------------------------------------
-- 9. Registration changes (half of the enterprises; the high-risk tier changes
-- its legal representative far more often).
-- ---------------------------------------------------------------------------
\echo [12/16] registration changes
INSERT INTO creditrisk.registration_change (uscc, change_date, kind, old_value, new_value, reported_by, received_at)
SELECT s.uscc, s.cdate, s.kind,
       CASE s.kind
            WHEN 'legal_representative' THEN creditrisk_sample.pname(creditrisk_sample.u(s.key, 93), creditrisk_sample.u(s.key, 94))
            WHEN 'name' THEN creditrisk_sample.ename(s.key + 4000000000, s.entity_type, c.city_name, d.label, i.word)
            WHEN 'address' THEN d.label || (ARRAY['人民路','建设路','文化路','中原路','解放路','黄河路','交通路','工业路',
                                                  '新华路','车站路','长江路','光明路'])[1 + floor(creditrisk_sample.u(s.key, 93) * 12)::int]
                                || (1 + floor(creditrisk_sample.u(s.key, 94) * 300)::int) || '号'
            WHEN 'scope' THEN s.scope1
            ELSE s.reg::float8 || '万元' END,
       CASE s.kind
            WHEN 'legal_representative' THEN creditrisk_sample.pname(creditrisk_sample.u(s.key, 95), creditrisk_sample.u(s.key, 96))
            WHEN 'name' THEN s.name
            WHEN 'address' THEN d.label || (ARRAY['人民路','建设路','文化路','中原路','解放路','黄河路','交通路','工业路',
                                                  '新华路','车站路','长江路','光明路'])[1 + floor(creditrisk_sample.u(s.key, 95) * 12)::int]
                                || (1 + floor(creditrisk_sample.u(s.key, 96) * 300)::int) || '号'
            WHEN 'scope' THEN s.scope1 || '；' || s.scope2
            ELSE creditrisk_sample.capround(s.reg::float8 * (0.5 + 2.5 * creditrisk_sample.u(s.key, 95)))::float8 || '万元' END,
       s.reg_auth,
       creditrisk_sample.recv(s.cdate, floor(creditrisk_sample.u(s.key, 97) * 4)::int, creditrisk_sample.u(s.key, 98))
  FROM (
    SELECT e.uscc, e.name, e.reg, e.reg_auth, e.entity_type, e.division_code, e.industry_code, e.id * 32 + k AS key,
           creditrisk_sample.day(w.lo, e.end_d, creditrisk_sample.u(e.id * 32 + k, 91)) AS cdate,
           CASE WHEN creditrisk_sample.u(e.id * 32 + k, 92) < (ARRAY[0.2, 0.25, 0.4])[e.tier] THEN 'legal_representative'
                WHEN creditrisk_sample.u(e.id * 32 + k, 92) < (ARRAY[0.2, 0.25, 0.4])[e.tier] + 0.08 THEN 'name'
                WHEN creditrisk_sample.u(e.id * 32 + k, 92) < (ARRAY[0.2, 0.25, 0.4])[e.tier] + 0.33 THEN 'address'
                WHEN creditrisk_sample.u(e.id * 32 + k, 92) < (ARRAY[0.2, 0.25, 0.4])[e.tier] + 0.63 OR e.reg IS NULL THEN 'scope'
                ELSE 'capital' END AS kind,
           (ARRAY['日用百货销售','食品销售','建筑材料销售','技术服务、技术开发','货物进出口','餐饮服务','道路货物运输',
                  '企业管理咨询','五金产品零售','农副产品销售','机械设备租赁','广告设计、代理'])
               [1 + floor(creditrisk_sample.u(e.id * 32 + k, 99) * 12)::int] AS scope1,
           (ARRAY['日用百货销售','食品销售','建筑材料销售','技术服务、技术开发','货物进出口','餐饮服务','道路货物运输',
                  '企业管理咨询','五金产品零售','农副产品销售','机械设备租赁','广告设计、代理'])
               [1 + floor(creditrisk_sample.u(e.id * 32 + k, 100) * 12)::int] AS scope2
      FROM creditrisk_sample.ent e
     CROSS JOIN LATERAL (SELECT greatest(e.est + 30, date '2017-01-01') AS lo) w
     CROSS JOIN LATERAL generate_series(1, CASE WHEN w.lo <= e.end_d AND creditrisk_sample.u(e.id, 90) < 0.5
                                                THEN least(30, 1 + creditrisk_sample.geo(creditrisk_sample.u(e.id, 89),
                                                                                        CASE e.tier WHEN 3 THEN 2.5 ELSE 1.0 END))
                                                ELSE 0 END) AS k
    OFFSET 0
  ) s
  JOIN creditrisk_sample.division d ON d.code = s.division_code
  JOIN creditrisk_sample.city c ON c.city_code = d.city_code
  JOIN creditrisk_sample.industry i ON i.code = s.industry_code;

-- ---------------------------------------------------------------------------
-- 10. Related parties: branch (parent -> branch), shareholder (7% of
-- companies have 1-3 corporate shareholders, drawn from a skewed pool, so a
-- few groups hold 20+), common legal representative (3% of enterprises share
-- a person with 1-50 others; one link per pair).
-- ---------------------------------------------------------------------------
\echo [13/16] related-party links
INSERT INTO creditrisk.related_party_link (from_uscc, to_uscc, kind, valid_from, valid_to, reported_by, received_at)
SELECT f, t, kind, vf, vt, dept, creditrisk_sample.recv(vf, 1 + floor(creditrisk_sample.u(key, 118) * 9)::int, creditrisk_sample.u(key, 119))
  FROM (
    SELECT p.uscc AS f, b.uscc AS t, 'branch' AS kind, b.est AS vf,
           CASE WHEN b.status = 'cancelled' THEN b.status_date END AS vt, b.reg_auth AS dept, b.id::bigint AS key
      FROM creditrisk_sample.ent b
      JOIN creditrisk_sample.ent p ON p.id = b.parent_id
    UNION ALL
   (SELECT DISTINCT ON (t.id, sh.id)
           sh.uscc, t.uscc, 'shareholder', v.vf,
           CASE WHEN creditrisk_sample.u(t.id * 4 + k, 108) < 0.1
                THEN creditrisk_sample.day(v.vf, w.hi, creditrisk_sample.u(t.id * 4 + k, 109))
                WHEN w.hi < :asof THEN w.hi END,
           t.reg_auth, t.id * 4 + k
      FROM creditrisk_sample.ent t
     CROSS JOIN LATERAL generate_series(1, CASE WHEN t.parent_id IS NULL AND t.entity_type <= 5
                                                 AND creditrisk_sample.u(t.id, 103) < 0.07
                                                THEN 1 + (creditrisk_sample.u(t.id, 104) < 0.2)::int
                                                       + (creditrisk_sample.u(t.id, 105) < 0.05)::int
                                                ELSE 0 END) AS k
      JOIN creditrisk_sample.pool r ON r.rank = 1 + floor(power(creditrisk_sample.u(t.id * 4 + k, 106), 2) * :pool_n)::bigint
      JOIN creditrisk_sample.ent sh ON sh.id = r.id
     CROSS JOIN LATERAL (SELECT greatest(sh.est, t.est) AS lo, least(sh.end_d, t.end_d) AS hi) w
     CROSS JOIN LATERAL (SELECT creditrisk_sample.day(w.lo, w.hi, creditrisk_sample.u(t.id * 4 + k, 107)) AS vf) v
     WHERE sh.id <> t.id AND w.lo <= w.hi
     ORDER BY t.id, sh.id, k)
    UNION ALL
    SELECT a.uscc, b.uscc, 'common_legal_representative', v.vf,
           CASE WHEN creditrisk_sample.u(a.id * 134217728 + b.id, 115) < 0.1
                THEN creditrisk_sample.day(v.vf, w.hi, creditrisk_sample.u(a.id * 134217728 + b.id, 116))
                WHEN w.hi < :asof THEN w.hi END,
           b.reg_auth, a.id * 134217728 + b.id
      FROM (SELECT e.*, floor(power(creditrisk_sample.u(e.id, 111), 1.5) * :persons)::int AS person
              FROM creditrisk_sample.ent e
             WHERE e.parent_id IS NULL AND creditrisk_sample.u(e.id, 110) < 0.03) a
      JOIN (SELECT e.*, floor(power(creditrisk_sample.u(e.id, 111), 1.5) * :persons)::int AS person
              FROM creditrisk_sample.ent e
             WHERE e.parent_id IS NULL AND creditrisk_sample.u(e.id, 110) < 0.03) b
        ON a.person = b.person AND a.id < b.id
     CROSS JOIN LATERAL (SELECT greatest(a.est, b.est) AS lo, least(a.end_d, b.end_d) AS hi) w
     CROSS JOIN LATERAL (SELECT creditrisk_sample.day(w.lo, w.hi, creditrisk_sample.u(a.id * 134217728 + b.id, 117)) AS vf) v
     WHERE w.lo <= w.hi
  ) x
 ORDER BY kind, f, t, vf;

-- ---------------------------------------------------------------------------
-- 11. Equity pledges (~1%) and freezes (~0.5%) of companies' equity; lawsuits
-- (~10%, big enterprises more and many); public-opinion items (~5%).
-- ---------------------------------------------------------------------------
\echo [14/16] equity pledges and freezes, lawsuits, public opinion
INSERT INTO creditrisk.equity_pledge_freeze (uscc, kind, start_date, end_date, amount, reported_by, received_at)
SELECT s.uscc, s.kind, s.sd,
       CASE WHEN s.kind = 'pledge' AND creditrisk_sample.u(s.key, 123) < 0.55
                 AND s.sd + 180 + floor(creditrisk_sample.u(s.key, 124) * 900)::int <= :asof
            THEN s.sd + 180 + floor(creditrisk_sample.u(s.key, 124) * 900)::int
            WHEN s.kind = 'freeze' AND creditrisk_sample.u(s.key, 123) < 0.45
                 AND s.sd + 30 + floor(creditrisk_sample.u(s.key, 124) * 1065)::int <= :asof
            THEN s.sd + 30 + floor(creditrisk_sample.u(s.key, 124) * 1065)::int END,
       CASE WHEN s.reg IS NOT NULL THEN round(s.reg * (0.1 + 0.9 * creditrisk_sample.u(s.key, 129))::numeric, 4) END,
       CASE WHEN s.kind = 'pledge' THEN s.reg_auth
            WHEN creditrisk_sample.u(s.key, 127) < 0.8 THEN d.court ELSE d.court_mid END,
       creditrisk_sample.recv(s.sd, 1 + floor(creditrisk_sample.u(s.key, 128) * 10)::int, creditrisk_sample.u(s.key, 126))
  FROM (
    SELECT e.uscc, e.reg, e.reg_auth, e.division_code, 'pledge' AS kind, e.id * 16 + k AS key,
           creditrisk_sample.day(w.lo, e.end_d, creditrisk_sample.u(e.id * 16 + k, 121)) AS sd
      FROM creditrisk_sample.ent e
     CROSS JOIN LATERAL (SELECT greatest(e.est + 180, date '2017-01-01') AS lo) w
     CROSS JOIN LATERAL generate_series(1, CASE WHEN e.parent_id IS NULL AND e.entity_type <= 5 AND w.lo <= e.end_d
                                                 AND creditrisk_sample.u(e.id, 120) < least(0.9, 0.02 * e.m)
                                                THEN least(8, 1 + creditrisk_sample.geo(creditrisk_sample.u(e.id, 122), 0.6))
                                                ELSE 0 END) AS k
    UNION ALL
    SELECT e.uscc, e.reg, e.reg_auth, e.division_code, 'freeze', e.id * 16 + 8 + k,
           creditrisk_sample.day(w.lo, e.end_l, creditrisk_sample.u(e.id * 16 + 8 + k, 121))
      FROM creditrisk_sample.ent e
     CROSS JOIN LATERAL (SELECT greatest(e.est + 180, date '2017-01-01') AS lo) w
     CROSS JOIN LATERAL generate_series(1, CASE WHEN e.parent_id IS NULL AND e.entity_type <= 5 AND w.lo <= e.end_l
                                                 AND creditrisk_sample.u(e.id, 125) < least(0.9, 0.008 * e.m)
                                                THEN 1 + (creditrisk_sample.u(e.id, 139) < 0.3)::int
                                                ELSE 0 END) AS k
    OFFSET 0
  ) s
  JOIN creditrisk_sample.division d ON d.code = s.division_code;

INSERT INTO creditrisk.lawsuit (uscc, filed_date, role, kind, reported_by, received_at)
SELECT s.uscc, s.fdate,
       CASE WHEN s.kind = 'criminal' AND s.role = 'plaintiff' THEN 'third_party' ELSE s.role END,
       s.kind,
       CASE WHEN creditrisk_sample.u(s.key, 135) < 0.85 THEN d.court ELSE d.court_mid END,
       creditrisk_sample.recv(s.fdate, 3 + floor(creditrisk_sample.u(s.key, 136) * 23)::int, creditrisk_sample.u(s.key, 137))
  FROM (
    SELECT e.uscc, e.division_code, e.id * 128 + k AS key,
           creditrisk_sample.day(w.lo, e.end_l, creditrisk_sample.u(e.id * 128 + k, 132)) AS fdate,
           CASE WHEN creditrisk_sample.u(e.id * 128 + k, 133) < (ARRAY[0.45, 0.55, 0.70])[e.tier] THEN 'defendant'
                WHEN creditrisk_sample.u(e.id * 128 + k, 133)
                     < (ARRAY[0.45, 0.55, 0.70])[e.tier] + 0.85 * (1 - (ARRAY[0.45, 0.55, 0.70])[e.tier]) THEN 'plaintiff'
                ELSE 'third_party' END AS role,
           CASE WHEN creditrisk_sample.u(e.id * 128 + k, 134) < (ARRAY[0.004, 0.01, 0.03])[e.tier] THEN 'criminal'
                WHEN creditrisk_sample.u(e.id * 128 + k, 134) < (ARRAY[0.104, 0.15, 0.25])[e.tier] THEN 'labour'
                WHEN creditrisk_sample.u(e.id * 128 + k, 134) < (ARRAY[0.144, 0.19, 0.29])[e.tier] THEN 'administrative'
                WHEN creditrisk_sample.u(e.id * 128 + k, 134) < (ARRAY[0.174, 0.22, 0.32])[e.tier] THEN 'other'
                ELSE 'civil' END AS kind
      FROM creditrisk_sample.ent e
     CROSS JOIN LATERAL (SELECT greatest(e.est + 60, date '2017-01-01') AS lo,
                                coalesce(e.reg, 0) >= 1000 AS big) w
     CROSS JOIN LATERAL generate_series(1, CASE WHEN w.lo <= e.end_l
                                                 AND creditrisk_sample.u(e.id, 130)
                                                     < least(0.95, 0.10 * (ARRAY[0.6, 1.6, 4.0])[e.tier]
                                                                   + CASE WHEN w.big THEN 0.15 ELSE 0 END)
                                                THEN least(100, 1 + creditrisk_sample.geo(creditrisk_sample.u(e.id, 131),
                                                                                         CASE WHEN w.big THEN 4.0 ELSE 1.2 END))
                                                ELSE 0 END) AS k
    OFFSET 0
  ) s
  JOIN creditrisk_sample.division d ON d.code = s.division_code;

INSERT INTO creditrisk.public_opinion (uscc, published_date, sentiment, source, reported_by, received_at)
SELECT s.uscc, s.pdate,
       CASE WHEN creditrisk_sample.u(s.key, 143) < (ARRAY[0.2, 0.35, 0.6])[s.tier] THEN 'negative'
            WHEN creditrisk_sample.u(s.key, 143) < (ARRAY[0.4, 0.55, 0.8])[s.tier] THEN 'positive'
            ELSE 'neutral' END,
       (ARRAY['微博','抖音','大河网','今日头条','微信公众号','河南日报客户端','百度贴吧','人民网领导留言板','黑猫投诉','快手'])
           [1 + floor(creditrisk_sample.u(s.key, 144) * 10)::int],
       CASE WHEN creditrisk_sample.u(s.key, 145) < 0.7 THEN c.city_name || '委网信办' ELSE '河南省委网信办' END,
       creditrisk_sample.recv(s.pdate, floor(creditrisk_sample.u(s.key, 146) * 3)::int, creditrisk_sample.u(s.key, 147))
  FROM (
    SELECT e.uscc, e.tier, e.division_code, e.id * 64 + k AS key,
           creditrisk_sample.day(w.lo, e.end_d, power(creditrisk_sample.u(e.id * 64 + k, 142), 0.7)) AS pdate
      FROM creditrisk_sample.ent e
     CROSS JOIN LATERAL (SELECT greatest(e.est, date '2020-01-01') AS lo) w
     CROSS JOIN LATERAL generate_series(1, CASE WHEN w.lo <= e.end_d
                                                 AND creditrisk_sample.u(e.id, 140)
                                                     < least(0.9, CASE WHEN e.consumer THEN 0.07 ELSE 0.03 END
                                                                  * (ARRAY[0.7, 1.5, 4.0])[e.tier]
                                                                  + CASE WHEN coalesce(e.reg, 0) >= 1000 THEN 0.05 ELSE 0 END)
                                                THEN least(50, 1 + creditrisk_sample.geo(creditrisk_sample.u(e.id, 141),
                                                                                        CASE e.tier WHEN 3 THEN 3.0 ELSE 1.5 END))
                                                ELSE 0 END) AS k
    OFFSET 0
  ) s
  JOIN creditrisk_sample.division d ON d.code = s.division_code
  JOIN creditrisk_sample.city c ON c.city_code = d.city_code;

-- ---------------------------------------------------------------------------
-- 12. Licences: a renewal chain from the first licence (renewed up to 60
-- days before expiry) until the end of activity; some lapse (not renewed),
-- a few are revoked.
-- ---------------------------------------------------------------------------
\echo [15/16] licences
INSERT INTO creditrisk.licence (uscc, licence_number, kind, valid_from, valid_to, revoked_date, reported_by, received_at,
                                decision_date, platform_reported_on, published_on)
SELECT s.uscc,
       CASE WHEN s.prefix IS NULL THEN s.uscc::text || lpad((k + 1)::text, 3, '0') || 'V'
            ELSE s.prefix || s.division_code || lpad(((s.id * 7919 + k * 104729) % 1000000)::text, 6, '0') END,
       s.kind, v.vf, v.vt,
       CASE WHEN k = s.nper - 1 AND creditrisk_sample.u(s.id, 155) < 0.004 * s.m
            THEN creditrisk_sample.day(v.vf, least(coalesce(v.vt, :asof), :asof), creditrisk_sample.u(s.id, 156)) END,
       s.dept,
       creditrisk_sample.recv(v.vf, 1 + floor(creditrisk_sample.u(s.id * 32 + k, 157) * 10)::int,
                              creditrisk_sample.u(s.id * 32 + k, 158)),
       -- 双公示: decided on the first day of validity, reported (and published) the day it arrived here
       v.vf,
       CASE WHEN v.vf + 1 + floor(creditrisk_sample.u(s.id * 32 + k, 157) * 10)::int <= :asof
            THEN v.vf + 1 + floor(creditrisk_sample.u(s.id * 32 + k, 157) * 10)::int END,
       CASE WHEN v.vf + 1 + floor(creditrisk_sample.u(s.id * 32 + k, 157) * 10)::int <= :asof
            THEN v.vf + 1 + floor(creditrisk_sample.u(s.id * 32 + k, 157) * 10)::int END
  FROM (
    SELECT a.*,
           CASE WHEN a.years IS NULL THEN 1
                WHEN (a.end_d - a.ff) / a.step >= 1 AND creditrisk_sample.u(a.id, 154) < (ARRAY[0.04, 0.1, 0.3])[a.tier]
                THEN (a.end_d - a.ff) / a.step
                ELSE (a.end_d - a.ff) / a.step + 1 END AS nper
      FROM (
        SELECT e.id, e.uscc, e.division_code, e.tier, e.m, e.end_d, lk.kind, lk.years, lk.prefix,
               CASE lk.level WHEN 'county' THEN d.label || lk.dept WHEN 'city' THEN c.city_name || lk.dept ELSE lk.dept END AS dept,
               greatest(e.est + 15 + floor(creditrisk_sample.u(e.id, 151) * 90)::int,
                        date '2012-01-01' + floor(creditrisk_sample.u(e.id, 152) * 1460)::int) AS ff,
               lk.years * 365 - floor(creditrisk_sample.u(e.id, 153) * 60)::int AS step
          FROM creditrisk_sample.ent e
          JOIN creditrisk_sample.licence_kind lk ON lk.lic = e.lic
          JOIN creditrisk_sample.division d ON d.code = e.division_code
          JOIN creditrisk_sample.city c ON c.city_code = d.city_code
         WHERE creditrisk_sample.u(e.id, 150) < lk.share
      ) a
     WHERE a.ff <= a.end_d
    OFFSET 0
  ) s
 CROSS JOIN LATERAL generate_series(0, s.nper - 1) AS k
 CROSS JOIN LATERAL (SELECT s.ff + k * coalesce(s.step, 0) AS vf,
                            s.ff + k * coalesce(s.step, 0) + s.years * 365 - 1 AS vt) v;

-- ---------------------------------------------------------------------------
-- 13. Professional (domain) risk classes: yearly assessments (spring) of 85%
-- of food, drug and special-equipment enterprises and of some property
-- managers and hotels (lifts, boilers) since 2021; the class mostly stays.
-- ---------------------------------------------------------------------------
\echo [16/16] domain risk classes
INSERT INTO creditrisk.domain_risk_class (uscc, domain, class, assessed_date, reported_by, received_at)
SELECT s.uscc, s.domain, s.cls::creditrisk.riskclass, s.adate,
       CASE WHEN s.domain = 'food' THEN d.samr_county ELSE d.samr_city END,
       creditrisk_sample.recv(s.adate, 5 + floor(creditrisk_sample.u(s.key, 167) * 21)::int, creditrisk_sample.u(s.key, 168))
  FROM (
    SELECT e.uscc, e.division_code, e.est, e.end_d, dom.domain, e.id * 64 + (y - 2000) AS key,
           make_date(y, 3, 1) + floor(creditrisk_sample.u(e.id * 64 + (y - 2000), 161) * 90)::int AS adate,
           creditrisk_sample.rclass(CASE WHEN creditrisk_sample.u(e.id * 64 + (y - 2000), 164) < 0.2
                                         THEN creditrisk_sample.u(e.id * 64 + (y - 2000), 165)
                                         ELSE creditrisk_sample.u(e.id, 166) END, e.tier) AS cls
      FROM creditrisk_sample.ent e
     CROSS JOIN LATERAL (SELECT CASE WHEN e.key_field IS NOT NULL THEN e.key_field
                                     WHEN (e.industry_code = 'K7020' OR e.industry_code LIKE 'H61%')
                                          AND creditrisk_sample.u(e.id, 160) < 0.3 THEN 'special_equipment' END AS domain) dom
     CROSS JOIN LATERAL generate_series(greatest(extract(year FROM e.est + 90)::int, 2021), :asof_year) AS y
     WHERE dom.domain IS NOT NULL AND creditrisk_sample.u(e.id, 163) < 0.85
    OFFSET 0
  ) s
  JOIN creditrisk_sample.division d ON d.code = s.division_code
 WHERE s.adate >= s.est AND s.adate <= s.end_d;

\timing off

-- ---------------------------------------------------------------------------
-- The work plan's other record kinds (1.5): enforcement after 30% of the
-- serious penalties (lifted within two months), confirmations of ~3% and
-- rewards of ~1% of the enterprises, by their registration authority.
-- ---------------------------------------------------------------------------
\echo enforcement, confirmations, rewards
INSERT INTO creditrisk.enforcement (uscc, decision_number, decision_date, measure, lifted_date, reported_by, received_at)
SELECT p.uscc, p.decision_number || '（强制）', p.decision_date,
       (ARRAY['seal_up', 'seizure', 'freeze', 'execution'])[1 + floor(creditrisk_sample.u(p.id, 201) * 4)::int],
       CASE WHEN p.decision_date + 60 <= :asof THEN p.decision_date + 30 + floor(creditrisk_sample.u(p.id, 202) * 30)::int END,
       p.reported_by, p.received_at
  FROM creditrisk.penalty p
 WHERE p.severity = 'serious' AND creditrisk_sample.u(p.id, 200) < 0.3;
INSERT INTO creditrisk.confirmation (uscc, decision_number, kind, confirmed_date, valid_to, reported_by, received_at)
SELECT x.uscc, 'QR' || x.id, (ARRAY['高新技术企业认定', '纳税信用A级', '科技型中小企业'])[1 + floor(creditrisk_sample.u(x.id, 204) * 3)::int],
       x.d, x.d + 1095, x.reg_auth, creditrisk_sample.recv(x.d, 1, creditrisk_sample.u(x.id, 205))
  FROM (SELECT e.id, e.uscc, e.reg_auth,
               least(greatest(e.est, date '2020-01-01') + floor(creditrisk_sample.u(e.id, 206) * 2000)::int, :asof) AS d
          FROM creditrisk_sample.ent e
         WHERE creditrisk_sample.u(e.id, 203) < 0.03 AND e.est <= :asof) x;
INSERT INTO creditrisk.reward (uscc, title, level, award_date, reported_by, received_at)
SELECT x.uscc, (ARRAY['守合同重信用企业', '诚信经营示范单位', '质量奖'])[1 + floor(creditrisk_sample.u(x.id, 208) * 3)::int],
       (ARRAY['county', 'city', 'provincial', 'national'])[1 + floor(power(creditrisk_sample.u(x.id, 209), 2) * 4)::int],
       x.d, x.reg_auth, creditrisk_sample.recv(x.d, 1, creditrisk_sample.u(x.id, 210))
  FROM (SELECT e.id, e.uscc, e.reg_auth,
               least(greatest(e.est, date '2020-01-01') + floor(creditrisk_sample.u(e.id, 211) * 2000)::int, :asof) AS d
          FROM creditrisk_sample.ent e
         WHERE creditrisk_sample.u(e.id, 207) < 0.01 AND e.est <= :asof) x;

-- keep: helper functions and reference tables; drop the work tables
DROP TABLE creditrisk_sample.ent0, creditrisk_sample.pool, creditrisk_sample.ent, creditrisk_sample.ab, creditrisk_sample.abx,
           creditrisk_sample.div_bucket, creditrisk_sample.ind_bucket;

\echo reporting units
SELECT creditrisk.reporting_units_from_records() AS reporting_units \gset
SELECT format('ALTER TABLE %s ENABLE TRIGGER reporting_unit_insert', g.tgrelid::regclass)
  FROM pg_catalog.pg_trigger g WHERE g.tgname = 'reporting_unit_insert' ORDER BY 1 \gexec

COMMIT;

SELECT clock_timestamp() AS t1 \gset
\echo analyze
ANALYZE creditrisk.enterprise, creditrisk.licence, creditrisk.penalty, creditrisk.spot_check, creditrisk.complaint,
        creditrisk.abnormal_listing, creditrisk.serious_dishonesty_listing, creditrisk.judgment_debtor_listing,
        creditrisk.annual_report, creditrisk.registration_change, creditrisk.related_party_link,
        creditrisk.equity_pledge_freeze, creditrisk.lawsuit, creditrisk.public_opinion, creditrisk.domain_risk_class;
SELECT clock_timestamp() AS t2 \gset

-- ---------------------------------------------------------------------------
-- Summary
-- ---------------------------------------------------------------------------
\echo
\echo '== Rows per table; share of enterprises with at least one record of the kind =='
WITH c("table", "rows", ents) AS (
              SELECT 'licence', count(*), count(DISTINCT uscc) FROM creditrisk.licence
    UNION ALL SELECT 'penalty', count(*), count(DISTINCT uscc) FROM creditrisk.penalty
    UNION ALL SELECT 'spot_check', count(*), count(DISTINCT uscc) FROM creditrisk.spot_check
    UNION ALL SELECT 'complaint', count(*), count(DISTINCT uscc) FROM creditrisk.complaint
    UNION ALL SELECT 'abnormal_listing', count(*), count(DISTINCT uscc) FROM creditrisk.abnormal_listing
    UNION ALL SELECT 'serious_dishonesty_listing', count(*), count(DISTINCT uscc) FROM creditrisk.serious_dishonesty_listing
    UNION ALL SELECT 'judgment_debtor_listing', count(*), count(DISTINCT uscc) FROM creditrisk.judgment_debtor_listing
    UNION ALL SELECT 'annual_report', count(*), count(DISTINCT uscc) FROM creditrisk.annual_report
    UNION ALL SELECT 'registration_change', count(*), count(DISTINCT uscc) FROM creditrisk.registration_change
    UNION ALL SELECT 'related_party_link', count(*),
                     (SELECT count(*) FROM (SELECT from_uscc FROM creditrisk.related_party_link
                                            UNION SELECT to_uscc FROM creditrisk.related_party_link) x)
                FROM creditrisk.related_party_link
    UNION ALL SELECT 'equity_pledge_freeze', count(*), count(DISTINCT uscc) FROM creditrisk.equity_pledge_freeze
    UNION ALL SELECT 'lawsuit', count(*), count(DISTINCT uscc) FROM creditrisk.lawsuit
    UNION ALL SELECT 'public_opinion', count(*), count(DISTINCT uscc) FROM creditrisk.public_opinion
    UNION ALL SELECT 'domain_risk_class', count(*), count(DISTINCT uscc) FROM creditrisk.domain_risk_class
), e AS (SELECT count(*) AS n FROM creditrisk.enterprise)
SELECT * FROM (
    SELECT 'enterprise' AS "table", e.n AS "rows", 100.00 AS "% of enterprises" FROM e
    UNION ALL
    SELECT c."table", c."rows", round(100.0 * c.ents / e.n, 2) FROM c, e
    UNION ALL
    SELECT 'records (14 tables)', sum(c."rows"), NULL FROM c
    UNION ALL
    SELECT 'records per enterprise', round(sum(c."rows") / max(e.n), 2), NULL FROM c, e
) s;

\echo '== Register =='
SELECT count(*) AS enterprises,
       count(*) FILTER (WHERE parent_uscc IS NOT NULL) AS branches,
       count(*) FILTER (WHERE status = 'revoked') AS revoked,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
       count(DISTINCT division_code) AS divisions,
       min(established_date) AS first_established, max(established_date) AS last_established,
       round(100.0 * count(*) FILTER (WHERE left(division_code, 4) = '4101') / count(*), 1) AS "% Zhengzhou"
  FROM creditrisk.enterprise;

\echo '== Listings current on' :as_of '=='
SELECT list, listings, current_listings, enterprises_current FROM (
    SELECT 1 AS o, 'abnormal_listing' AS list, count(*) AS listings,
           count(*) FILTER (WHERE creditrisk.is_current(listed_date, removed_date, :asof)) AS current_listings,
           count(DISTINCT uscc) FILTER (WHERE creditrisk.is_current(listed_date, removed_date, :asof)) AS enterprises_current
      FROM creditrisk.abnormal_listing
    UNION ALL
    SELECT 2, 'serious_dishonesty_listing', count(*),
           count(*) FILTER (WHERE creditrisk.is_current(listed_date, removed_date, :asof)),
           count(DISTINCT uscc) FILTER (WHERE creditrisk.is_current(listed_date, removed_date, :asof))
      FROM creditrisk.serious_dishonesty_listing
    UNION ALL
    SELECT 3, 'judgment_debtor_listing', count(*),
           count(*) FILTER (WHERE creditrisk.is_current(listed_date, removed_date, :asof)),
           count(DISTINCT uscc) FILTER (WHERE creditrisk.is_current(listed_date, removed_date, :asof))
      FROM creditrisk.judgment_debtor_listing
) s ORDER BY o;

\echo '== Mix =='
SELECT (SELECT round(100.0 * avg(on_time::int), 1) FROM creditrisk.annual_report) AS "% annual reports on time",
       (SELECT string_agg(severity || ' ' || n, ', ' ORDER BY severity)
          FROM (SELECT severity, count(*) AS n FROM creditrisk.penalty GROUP BY severity) x) AS "penalties by severity",
       (SELECT string_agg(reason || ':' || n, ' ' ORDER BY reason)
          FROM (SELECT reason, count(*) AS n FROM creditrisk.abnormal_listing GROUP BY reason) x) AS "abnormal reasons",
       (SELECT string_agg(class::text || ' ' || n, ', ' ORDER BY class)
          FROM (SELECT class, count(*) AS n FROM creditrisk.domain_risk_class GROUP BY class) x) AS "domain classes";

SELECT round(extract(epoch FROM :'t1'::timestamptz - :'t0'::timestamptz)::numeric, 1) AS "load s",
       round(extract(epoch FROM :'t2'::timestamptz - :'t1'::timestamptz)::numeric, 1) AS "analyze s",
       round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS "total s (incl. summary)";
