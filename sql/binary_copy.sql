-- Binary COPY round trip of riskclass and uscc, and validation on receive.
SET search_path = creditrisk, public;

CREATE TABLE bin_src (code uscc, rc riskclass);
INSERT INTO bin_src VALUES ('91411622MA9XXXXX04', 'A'), ('91350100M000100Y43', 'd'),
                           ('12410000415800123U', 'B'), ('92411622MA40000A10', NULL);
\copy bin_src TO 'results/binary_copy.bin' (FORMAT binary)
CREATE TABLE bin_dst (LIKE bin_src);
\copy bin_dst FROM 'results/binary_copy.bin' (FORMAT binary)
SELECT * FROM bin_dst ORDER BY code;
SELECT count(*) AS lost FROM (SELECT * FROM bin_src EXCEPT SELECT * FROM bin_dst) s;

-- The binary forms a client sees: the letter, and the 18 characters
SELECT riskclass_send('c') AS riskclass_bytes, uscc_send('91411622ma9xxxxx04') AS uscc_bytes;

-- Receive re-validates: a file written from plain columns with the same
-- binary layout ("char" for riskclass, text for uscc) but bad values.
CREATE TABLE bin_bad (code text, rc "char");
INSERT INTO bin_bad VALUES ('91411622MA9XXXXX04', 'E');
\copy bin_bad TO 'results/binary_bad_class.bin' (FORMAT binary)
\copy bin_dst FROM 'results/binary_bad_class.bin' (FORMAT binary)
\echo :LAST_ERROR_SQLSTATE
TRUNCATE bin_bad;
INSERT INTO bin_bad VALUES ('91411622MA9XXXXX05', 'A');
\copy bin_bad TO 'results/binary_bad_code.bin' (FORMAT binary)
\copy bin_dst FROM 'results/binary_bad_code.bin' (FORMAT binary)
\echo :LAST_ERROR_SQLSTATE
TRUNCATE bin_bad;
INSERT INTO bin_bad VALUES ('91411622MA9XXXXX0', 'A');
\copy bin_bad TO 'results/binary_short_code.bin' (FORMAT binary)
\copy bin_dst FROM 'results/binary_short_code.bin' (FORMAT binary)
\echo :LAST_ERROR_SQLSTATE
-- nothing was added by the failed loads
SELECT count(*) FROM bin_dst;

DROP TABLE bin_src, bin_dst, bin_bad;
