-- ===========================================================================
-- Administrative divisions (行政区划) of Henan: codes, names, levels, parents
--
-- Reference data shipped with the extension (GB/T 2260 codes): the province,
-- its 17 prefecture-level cities and 济源 (419001, province-administered and
-- treated as a city, as division_level() does), and their county-level
-- units, including Zhengzhou's three functional zones (410171-410173), which
-- the provincial systems code like counties.  Codes that a change of
-- division replaced are kept with the period they were valid and their
-- successor, so records dated before a change still find a name.  Change
-- dates are given to the year (1 January of the year of the first year-end
-- code list of the Ministry of Civil Affairs that shows the change); a
-- bureau that knows the day corrects them with a row of its own.
-- ===========================================================================

CREATE TABLE creditrisk.division (
    code         creditrisk.division_code PRIMARY KEY,
    name         text NOT NULL CONSTRAINT division_name_nonempty CHECK (name <> ''),
    level        text NOT NULL CONSTRAINT division_level_known CHECK (level IN ('province', 'city', 'county')),
    parent_code  creditrisk.division_code REFERENCES creditrisk.division (code),
    valid_from   date,
    valid_to     date,
    successor    creditrisk.division_code REFERENCES creditrisk.division (code),
    shipped      boolean NOT NULL DEFAULT false,
    CONSTRAINT division_parent CHECK ((level = 'province') = (parent_code IS NULL)),
    CONSTRAINT division_period CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to),
    CONSTRAINT division_finite CHECK (pg_catalog.isfinite(valid_from) AND pg_catalog.isfinite(valid_to)),
    CONSTRAINT division_successor CHECK (successor IS NULL OR valid_to IS NOT NULL)
);
COMMENT ON TABLE creditrisk.division IS
    'Administrative divisions (行政区划, GB/T 2260) of Henan: code, name, level (省/市/县) and parent; codes replaced by a change of division keep their period of validity and successor';
COMMENT ON COLUMN creditrisk.division.code IS 'Six-digit division code (行政区划代码)';
COMMENT ON COLUMN creditrisk.division.name IS 'Official name, e.g. 西华县';
COMMENT ON COLUMN creditrisk.division.level IS 'province (省), city (地级市; also 济源 419001) or county (县级: 县, 区, 县级市, functional zones)';
COMMENT ON COLUMN creditrisk.division.parent_code IS 'The division it belongs to (NULL for the province)';
COMMENT ON COLUMN creditrisk.division.valid_from IS 'First day the code is valid (NULL: long before any record)';
COMMENT ON COLUMN creditrisk.division.valid_to IS 'First day the code is no longer valid (NULL: still valid)';
COMMENT ON COLUMN creditrisk.division.successor IS 'The code that replaced it';
COMMENT ON COLUMN creditrisk.division.shipped IS 'Shipped with the extension; frozen';
CREATE INDEX division_parent_code ON creditrisk.division (parent_code);

INSERT INTO creditrisk.division (code, name, level, parent_code, valid_from, valid_to, successor, shipped)
SELECT v.code, v.name, v.level, v.parent_code, v.valid_from::date, v.valid_to::date, v.successor, true FROM (VALUES
    ('410000', '河南省', 'province', NULL, NULL, NULL, NULL),
    ('410100', '郑州市', 'city', '410000', NULL, NULL, NULL),
    ('410200', '开封市', 'city', '410000', NULL, NULL, NULL),
    ('410300', '洛阳市', 'city', '410000', NULL, NULL, NULL),
    ('410400', '平顶山市', 'city', '410000', NULL, NULL, NULL),
    ('410500', '安阳市', 'city', '410000', NULL, NULL, NULL),
    ('410600', '鹤壁市', 'city', '410000', NULL, NULL, NULL),
    ('410700', '新乡市', 'city', '410000', NULL, NULL, NULL),
    ('410800', '焦作市', 'city', '410000', NULL, NULL, NULL),
    ('410900', '濮阳市', 'city', '410000', NULL, NULL, NULL),
    ('411000', '许昌市', 'city', '410000', NULL, NULL, NULL),
    ('411100', '漯河市', 'city', '410000', NULL, NULL, NULL),
    ('411200', '三门峡市', 'city', '410000', NULL, NULL, NULL),
    ('411300', '南阳市', 'city', '410000', NULL, NULL, NULL),
    ('411400', '商丘市', 'city', '410000', NULL, NULL, NULL),
    ('411500', '信阳市', 'city', '410000', NULL, NULL, NULL),
    ('411600', '周口市', 'city', '410000', NULL, NULL, NULL),
    ('411700', '驻马店市', 'city', '410000', NULL, NULL, NULL),
    ('419001', '济源市', 'city', '410000', NULL, NULL, NULL),
    ('410102', '中原区', 'county', '410100', NULL, NULL, NULL),
    ('410103', '二七区', 'county', '410100', NULL, NULL, NULL),
    ('410104', '管城回族区', 'county', '410100', NULL, NULL, NULL),
    ('410105', '金水区', 'county', '410100', NULL, NULL, NULL),
    ('410106', '上街区', 'county', '410100', NULL, NULL, NULL),
    ('410108', '惠济区', 'county', '410100', NULL, NULL, NULL),
    ('410122', '中牟县', 'county', '410100', NULL, NULL, NULL),
    ('410171', '郑州经济技术开发区', 'county', '410100', NULL, NULL, NULL),
    ('410172', '郑州高新技术产业开发区', 'county', '410100', NULL, NULL, NULL),
    ('410173', '郑州航空港经济综合实验区', 'county', '410100', NULL, NULL, NULL),
    ('410181', '巩义市', 'county', '410100', NULL, NULL, NULL),
    ('410182', '荥阳市', 'county', '410100', NULL, NULL, NULL),
    ('410183', '新密市', 'county', '410100', NULL, NULL, NULL),
    ('410184', '新郑市', 'county', '410100', NULL, NULL, NULL),
    ('410185', '登封市', 'county', '410100', NULL, NULL, NULL),
    ('410202', '龙亭区', 'county', '410200', NULL, NULL, NULL),
    ('410203', '顺河回族区', 'county', '410200', NULL, NULL, NULL),
    ('410204', '鼓楼区', 'county', '410200', NULL, NULL, NULL),
    ('410205', '禹王台区', 'county', '410200', NULL, NULL, NULL),
    ('410212', '祥符区', 'county', '410200', '2014-01-01', NULL, NULL),
    ('410221', '杞县', 'county', '410200', NULL, NULL, NULL),
    ('410222', '通许县', 'county', '410200', NULL, NULL, NULL),
    ('410223', '尉氏县', 'county', '410200', NULL, NULL, NULL),
    ('410225', '兰考县', 'county', '410200', NULL, NULL, NULL),
    ('410302', '老城区', 'county', '410300', NULL, NULL, NULL),
    ('410303', '西工区', 'county', '410300', NULL, NULL, NULL),
    ('410304', '瀍河回族区', 'county', '410300', NULL, NULL, NULL),
    ('410305', '涧西区', 'county', '410300', NULL, NULL, NULL),
    ('410307', '偃师区', 'county', '410300', '2021-01-01', NULL, NULL),
    ('410308', '孟津区', 'county', '410300', '2021-01-01', NULL, NULL),
    ('410311', '洛龙区', 'county', '410300', NULL, NULL, NULL),
    ('410323', '新安县', 'county', '410300', NULL, NULL, NULL),
    ('410324', '栾川县', 'county', '410300', NULL, NULL, NULL),
    ('410325', '嵩县', 'county', '410300', NULL, NULL, NULL),
    ('410326', '汝阳县', 'county', '410300', NULL, NULL, NULL),
    ('410327', '宜阳县', 'county', '410300', NULL, NULL, NULL),
    ('410328', '洛宁县', 'county', '410300', NULL, NULL, NULL),
    ('410329', '伊川县', 'county', '410300', NULL, NULL, NULL),
    ('410402', '新华区', 'county', '410400', NULL, NULL, NULL),
    ('410403', '卫东区', 'county', '410400', NULL, NULL, NULL),
    ('410404', '石龙区', 'county', '410400', NULL, NULL, NULL),
    ('410411', '湛河区', 'county', '410400', NULL, NULL, NULL),
    ('410421', '宝丰县', 'county', '410400', NULL, NULL, NULL),
    ('410422', '叶县', 'county', '410400', NULL, NULL, NULL),
    ('410423', '鲁山县', 'county', '410400', NULL, NULL, NULL),
    ('410425', '郏县', 'county', '410400', NULL, NULL, NULL),
    ('410481', '舞钢市', 'county', '410400', NULL, NULL, NULL),
    ('410482', '汝州市', 'county', '410400', NULL, NULL, NULL),
    ('410502', '文峰区', 'county', '410500', NULL, NULL, NULL),
    ('410503', '北关区', 'county', '410500', NULL, NULL, NULL),
    ('410505', '殷都区', 'county', '410500', NULL, NULL, NULL),
    ('410506', '龙安区', 'county', '410500', NULL, NULL, NULL),
    ('410522', '安阳县', 'county', '410500', NULL, NULL, NULL),
    ('410523', '汤阴县', 'county', '410500', NULL, NULL, NULL),
    ('410526', '滑县', 'county', '410500', NULL, NULL, NULL),
    ('410527', '内黄县', 'county', '410500', NULL, NULL, NULL),
    ('410581', '林州市', 'county', '410500', NULL, NULL, NULL),
    ('410602', '鹤山区', 'county', '410600', NULL, NULL, NULL),
    ('410603', '山城区', 'county', '410600', NULL, NULL, NULL),
    ('410611', '淇滨区', 'county', '410600', NULL, NULL, NULL),
    ('410621', '浚县', 'county', '410600', NULL, NULL, NULL),
    ('410622', '淇县', 'county', '410600', NULL, NULL, NULL),
    ('410702', '红旗区', 'county', '410700', NULL, NULL, NULL),
    ('410703', '卫滨区', 'county', '410700', NULL, NULL, NULL),
    ('410704', '凤泉区', 'county', '410700', NULL, NULL, NULL),
    ('410711', '牧野区', 'county', '410700', NULL, NULL, NULL),
    ('410721', '新乡县', 'county', '410700', NULL, NULL, NULL),
    ('410724', '获嘉县', 'county', '410700', NULL, NULL, NULL),
    ('410725', '原阳县', 'county', '410700', NULL, NULL, NULL),
    ('410726', '延津县', 'county', '410700', NULL, NULL, NULL),
    ('410727', '封丘县', 'county', '410700', NULL, NULL, NULL),
    ('410781', '卫辉市', 'county', '410700', NULL, NULL, NULL),
    ('410782', '辉县市', 'county', '410700', NULL, NULL, NULL),
    ('410783', '长垣市', 'county', '410700', '2019-01-01', NULL, NULL),
    ('410802', '解放区', 'county', '410800', NULL, NULL, NULL),
    ('410803', '中站区', 'county', '410800', NULL, NULL, NULL),
    ('410804', '马村区', 'county', '410800', NULL, NULL, NULL),
    ('410811', '山阳区', 'county', '410800', NULL, NULL, NULL),
    ('410821', '修武县', 'county', '410800', NULL, NULL, NULL),
    ('410822', '博爱县', 'county', '410800', NULL, NULL, NULL),
    ('410823', '武陟县', 'county', '410800', NULL, NULL, NULL),
    ('410825', '温县', 'county', '410800', NULL, NULL, NULL),
    ('410882', '沁阳市', 'county', '410800', NULL, NULL, NULL),
    ('410883', '孟州市', 'county', '410800', NULL, NULL, NULL),
    ('410902', '华龙区', 'county', '410900', NULL, NULL, NULL),
    ('410922', '清丰县', 'county', '410900', NULL, NULL, NULL),
    ('410923', '南乐县', 'county', '410900', NULL, NULL, NULL),
    ('410926', '范县', 'county', '410900', NULL, NULL, NULL),
    ('410927', '台前县', 'county', '410900', NULL, NULL, NULL),
    ('410928', '濮阳县', 'county', '410900', NULL, NULL, NULL),
    ('411002', '魏都区', 'county', '411000', NULL, NULL, NULL),
    ('411003', '建安区', 'county', '411000', NULL, NULL, NULL),
    ('411024', '鄢陵县', 'county', '411000', NULL, NULL, NULL),
    ('411025', '襄城县', 'county', '411000', NULL, NULL, NULL),
    ('411081', '禹州市', 'county', '411000', NULL, NULL, NULL),
    ('411082', '长葛市', 'county', '411000', NULL, NULL, NULL),
    ('411102', '源汇区', 'county', '411100', NULL, NULL, NULL),
    ('411103', '郾城区', 'county', '411100', NULL, NULL, NULL),
    ('411104', '召陵区', 'county', '411100', NULL, NULL, NULL),
    ('411121', '舞阳县', 'county', '411100', NULL, NULL, NULL),
    ('411122', '临颍县', 'county', '411100', NULL, NULL, NULL),
    ('411202', '湖滨区', 'county', '411200', NULL, NULL, NULL),
    ('411203', '陕州区', 'county', '411200', '2015-01-01', NULL, NULL),
    ('411221', '渑池县', 'county', '411200', NULL, NULL, NULL),
    ('411224', '卢氏县', 'county', '411200', NULL, NULL, NULL),
    ('411281', '义马市', 'county', '411200', NULL, NULL, NULL),
    ('411282', '灵宝市', 'county', '411200', NULL, NULL, NULL),
    ('411302', '宛城区', 'county', '411300', NULL, NULL, NULL),
    ('411303', '卧龙区', 'county', '411300', NULL, NULL, NULL),
    ('411321', '南召县', 'county', '411300', NULL, NULL, NULL),
    ('411322', '方城县', 'county', '411300', NULL, NULL, NULL),
    ('411323', '西峡县', 'county', '411300', NULL, NULL, NULL),
    ('411324', '镇平县', 'county', '411300', NULL, NULL, NULL),
    ('411325', '内乡县', 'county', '411300', NULL, NULL, NULL),
    ('411326', '淅川县', 'county', '411300', NULL, NULL, NULL),
    ('411327', '社旗县', 'county', '411300', NULL, NULL, NULL),
    ('411328', '唐河县', 'county', '411300', NULL, NULL, NULL),
    ('411329', '新野县', 'county', '411300', NULL, NULL, NULL),
    ('411330', '桐柏县', 'county', '411300', NULL, NULL, NULL),
    ('411381', '邓州市', 'county', '411300', NULL, NULL, NULL),
    ('411402', '梁园区', 'county', '411400', NULL, NULL, NULL),
    ('411403', '睢阳区', 'county', '411400', NULL, NULL, NULL),
    ('411421', '民权县', 'county', '411400', NULL, NULL, NULL),
    ('411422', '睢县', 'county', '411400', NULL, NULL, NULL),
    ('411423', '宁陵县', 'county', '411400', NULL, NULL, NULL),
    ('411424', '柘城县', 'county', '411400', NULL, NULL, NULL),
    ('411425', '虞城县', 'county', '411400', NULL, NULL, NULL),
    ('411426', '夏邑县', 'county', '411400', NULL, NULL, NULL),
    ('411481', '永城市', 'county', '411400', NULL, NULL, NULL),
    ('411502', '浉河区', 'county', '411500', NULL, NULL, NULL),
    ('411503', '平桥区', 'county', '411500', NULL, NULL, NULL),
    ('411521', '罗山县', 'county', '411500', NULL, NULL, NULL),
    ('411522', '光山县', 'county', '411500', NULL, NULL, NULL),
    ('411523', '新县', 'county', '411500', NULL, NULL, NULL),
    ('411524', '商城县', 'county', '411500', NULL, NULL, NULL),
    ('411525', '固始县', 'county', '411500', NULL, NULL, NULL),
    ('411526', '潢川县', 'county', '411500', NULL, NULL, NULL),
    ('411527', '淮滨县', 'county', '411500', NULL, NULL, NULL),
    ('411528', '息县', 'county', '411500', NULL, NULL, NULL),
    ('411602', '川汇区', 'county', '411600', NULL, NULL, NULL),
    ('411603', '淮阳区', 'county', '411600', '2019-01-01', NULL, NULL),
    ('411621', '扶沟县', 'county', '411600', NULL, NULL, NULL),
    ('411622', '西华县', 'county', '411600', NULL, NULL, NULL),
    ('411623', '商水县', 'county', '411600', NULL, NULL, NULL),
    ('411624', '沈丘县', 'county', '411600', NULL, NULL, NULL),
    ('411625', '郸城县', 'county', '411600', NULL, NULL, NULL),
    ('411627', '太康县', 'county', '411600', NULL, NULL, NULL),
    ('411628', '鹿邑县', 'county', '411600', NULL, NULL, NULL),
    ('411681', '项城市', 'county', '411600', NULL, NULL, NULL),
    ('411702', '驿城区', 'county', '411700', NULL, NULL, NULL),
    ('411721', '西平县', 'county', '411700', NULL, NULL, NULL),
    ('411722', '上蔡县', 'county', '411700', NULL, NULL, NULL),
    ('411723', '平舆县', 'county', '411700', NULL, NULL, NULL),
    ('411724', '正阳县', 'county', '411700', NULL, NULL, NULL),
    ('411725', '确山县', 'county', '411700', NULL, NULL, NULL),
    ('411726', '泌阳县', 'county', '411700', NULL, NULL, NULL),
    ('411727', '汝南县', 'county', '411700', NULL, NULL, NULL),
    ('411728', '遂平县', 'county', '411700', NULL, NULL, NULL),
    ('411729', '新蔡县', 'county', '411700', NULL, NULL, NULL),
    ('410224', '开封县', 'county', '410200', NULL, '2014-01-01', '410212'),
    ('411222', '陕县', 'county', '411200', NULL, '2015-01-01', '411203'),
    ('410728', '长垣县', 'county', '410700', NULL, '2019-01-01', '410783'),
    ('411626', '淮阳县', 'county', '411600', NULL, '2019-01-01', '411603'),
    ('410381', '偃师市', 'county', '410300', NULL, '2021-01-01', '410307'),
    ('410322', '孟津县', 'county', '410300', NULL, '2021-01-01', '410308'),
    ('410306', '吉利区', 'county', '410300', NULL, '2021-01-01', '410308')
) AS v(code, name, level, parent_code, valid_from, valid_to, successor)
ORDER BY v.level = 'county', v.level = 'city', v.successor IS NOT NULL, v.code;

CREATE TRIGGER division_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.division
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a division of your own with shipped = false (a new code after a change of division, with its valid_from).');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.division', 'WHERE NOT shipped');

CREATE FUNCTION creditrisk.division_name(code text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT d.name FROM creditrisk.division d WHERE d.code OPERATOR(pg_catalog.=) division_name.code;
END;
COMMENT ON FUNCTION creditrisk.division_name(text) IS
    'The name of a division code (行政区划名称), e.g. division_name(''411622'') = 西华县; NULL for a code not in creditrisk.division';

REVOKE ALL ON TABLE creditrisk.division FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.division_name(text) FROM PUBLIC;
