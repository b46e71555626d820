-- Henan's administrative divisions (行政区划) shipped as reference data.
SET search_path = creditrisk, public;
SET datestyle = ISO;
SELECT level, count(*) FILTER (WHERE valid_to IS NULL) AS current, count(*) FILTER (WHERE valid_to IS NOT NULL) AS replaced
  FROM division GROUP BY level ORDER BY min(length(rtrim(code, '0')));
-- Zhoukou (周口市) and its county-level units, by code.
SELECT code, name, level, parent_code FROM division WHERE code = '411600' OR parent_code = '411600' ORDER BY code;
-- Every current county-level code has a current city-level parent under the province.
SELECT count(*) AS orphans FROM division c LEFT JOIN division p ON p.code = c.parent_code
 WHERE c.level = 'county' AND (p.level IS DISTINCT FROM 'city' OR p.parent_code <> '410000');
-- Codes replaced by a change of division, with their successors.
SELECT d.code, d.name, d.valid_to, d.successor, s.name AS successor_name, s.valid_from AS successor_from
  FROM division d JOIN division s ON s.code = d.successor ORDER BY d.code;
-- Names for codes.
SELECT division_name('411622') AS xihua, division_name('411600') AS zhoukou, division_name('419001') AS jiyuan,
       division_name('410000') AS henan, division_name('419999') AS unknown;
-- Every division a sample enterprise can have is named (the sample generator's list).
SELECT division_level(code) = level AS levels_agree, count(*) FROM division GROUP BY 1 ORDER BY 1;
-- Shipped rows are frozen; a bureau adds its own.
UPDATE division SET name = 'x' WHERE code = '411622'; \echo :LAST_ERROR_SQLSTATE
INSERT INTO division (code, name, level, parent_code) VALUES ('411699', '', 'county', '411600'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO division (code, name, level, parent_code) VALUES ('411699', 'x', 'county', NULL); \echo :LAST_ERROR_SQLSTATE
INSERT INTO division (code, name, level, parent_code, valid_from) VALUES ('411699', 'x', 'county', '411600', 'infinity'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO division (code, name, level, parent_code, valid_from) VALUES ('411699', '测试区', 'county', '411600', '2027-01-01');
SELECT division_name('411699');
DELETE FROM division WHERE code = '411699';
